"""groups.access reads a group, its schools' IDs and the viewer's membership in one hand-written statement
(belong.rows): what it builds must be what the ORM builds, field for field."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.test import RequestFactory

from accounts.models import JobRole
from groups import access
from groups.models import Group, Membership
from tests.factories import SchoolFactory, UserFactory

from .factories import GroupFactory, LeadFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _every_field_set() -> Group:
    group = GroupFactory(
        name_en="Rainbow Staff Network",
        name_es="Red de personal arcoíris",
        goals_en=["Meet monthly", "Advise on policy"],
        goals_es=["Reunirse cada mes"],
        eligible_roles=[JobRole.TEACHER, JobRole.COUNSELOR],
        charter_adopted_on=datetime.date(2026, 9, 1),
        contact_email="network@district.example",
        public_schedule=True,
    )
    group.eligible_schools.set([SchoolFactory(), SchoolFactory()])
    return group


def test_it_builds_the_group_the_orm_builds(django_assert_num_queries):
    group = _every_field_set()
    lead = LeadFactory(group=group)

    with django_assert_num_queries(1):
        read = access.get_group_for_viewer(_request(lead.user), group.slug, schools=False)
        membership = access.membership_of(lead.user, read)

    expected = Group.objects.with_eligible_school_ids().get(pk=group.pk)
    for field in Group._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.attname
    assert sorted(read.eligible_school_ids) == sorted(expected.eligible_school_ids)
    assert read.name_es == "Red de personal arcoíris"
    assert read.goals_en == ["Meet monthly", "Advise on policy"]
    assert read._state.adding is False and read._state.db == "default"

    stored = Membership.objects.get(pk=lead.pk)
    for field in Membership._meta.concrete_fields:
        assert getattr(membership, field.attname) == getattr(stored, field.attname), field.attname
    with django_assert_num_queries(0):
        assert membership.group is read
        assert access.is_lead(lead.user, read)


def test_it_knows_a_viewer_without_a_membership_without_asking_again(django_assert_num_queries):
    group = _every_field_set()
    stranger = UserFactory()

    read = access.get_group_for_viewer(_request(stranger), group.slug, schools=False)

    with django_assert_num_queries(0):
        assert access.membership_of(stranger, read) is None
        assert not access.is_active_member(stranger, read)


def test_it_answers_404_for_an_unknown_group():
    with pytest.raises(Http404):
        access.get_group_for_viewer(_request(UserFactory()), "no-such-group", schools=False)


def test_it_answers_404_for_an_archived_group_the_viewer_does_not_lead():
    group = GroupFactory(status=Group.Status.ARCHIVED)
    lead = LeadFactory(group=group)

    with pytest.raises(Http404):
        access.get_group_for_viewer(_request(UserFactory()), group.slug, schools=False)
    assert access.get_group_for_viewer(_request(lead.user), group.slug, schools=False).pk == group.pk


def test_it_reads_nothing_for_a_deactivated_viewer():
    group = GroupFactory()
    former = LeadFactory(group=group, user=UserFactory(is_active=False))

    read = access.get_group_for_viewer(_request(former.user), group.slug, schools=False)

    assert access.membership_of(former.user, read) is None
