"""equity_plan.access reads a plan's row with a hand-written statement (belong.rows): the same plan the ORM
builds, field for field, and the same 404s."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from equity_plan import access
from equity_plan.models import Plan

from .factories import PlanFactory

pytestmark = pytest.mark.django_db


def _visitor():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_it_builds_the_plan_the_orm_builds(django_assert_num_queries):
    plan = PlanFactory(
        title_en="Belonging for Every Student",
        title_es="Pertenencia para cada estudiante",
        approved_on=datetime.date(2026, 6, 10),
        is_published=True,
    )

    with django_assert_num_queries(1):
        read = access.get_plan_for_reader(_visitor(), plan.slug)

    expected = Plan.objects.get(pk=plan.pk)
    for field in Plan._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.attname
    assert read.title_es == "Pertenencia para cada estudiante"
    assert read.content_version == expected.content_version > 0


def test_it_answers_404_for_an_unknown_or_unpublished_plan():
    draft = PlanFactory(is_published=False)

    for slug in ("no-such-plan", draft.slug):
        with pytest.raises(Http404):
            access.get_plan_for_reader(_visitor(), slug)


def test_it_reads_the_site_settings_with_the_plan_as_the_orm_builds_them(django_assert_num_queries):
    from belong.models import SiteSettings

    plan = PlanFactory(is_published=True)
    SiteSettings.objects.update_or_create(
        pk=1, defaults={"district_name": "Harbor Unified", "contact_name": "Equity office", "logo": b"\x89PNG"}
    )
    with django_assert_num_queries(1):
        read_plan, read_settings = access.get_plan_and_site_settings_for_reader(_visitor(), plan.slug)
    assert read_plan.pk == plan.pk
    expected = SiteSettings.objects.get(pk=1)
    for field in SiteSettings._meta.concrete_fields:
        if field.name != "logo":  # left deferred, as SiteSettings.current() leaves it
            assert getattr(read_settings, field.attname) == getattr(expected, field.attname), field.attname
    assert "logo" in read_settings.get_deferred_fields()


def test_it_falls_back_to_the_cached_settings_when_the_site_has_no_settings_row_yet():
    from belong.models import SiteSettings

    SiteSettings.objects.all().delete()
    plan = PlanFactory(is_published=True)
    _plan, site_settings = access.get_plan_and_site_settings_for_reader(_visitor(), plan.slug)
    assert site_settings.pk == 1 and SiteSettings.objects.filter(pk=1).exists()
