"""Editor-typed words in every language: fallback to the district's language, marked with lang/dir."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from belong.demo import add_translations
from belong.fallbacks import fallback_language, source_language
from belong.models import SiteSettings
from comments.forms import CommentForm
from comments.models import Topic
from equity_plan.models import Plan
from groups import selectors
from groups.models import Group

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load translated %}" + source).render(Context(context))


def make_group(**fields) -> Group:
    fields.setdefault("slug", fields.get("name_en", "group").lower().replace(" ", "-"))
    fields.setdefault("summary_en", "Community.")
    return Group.objects.create(**fields)


def test_it_falls_back_to_the_district_language_and_marks_it():
    group = make_group(name_en="Educators of Color Network")

    with translation.override("es"):
        assert group.name == "Educators of Color Network"
        assert source_language(group, "name") == settings.LANGUAGE_CODE
        html = render('{% trans_field group "name" %}', group=group)

    assert html == '<span lang="en" dir="auto">Educators of Color Network</span>'


def test_it_shows_a_translation_without_any_marker():
    group = make_group(name_en="Asian Belong Group", name_es="Grupo Belong Asiático")

    with translation.override("es"):
        assert render('{% trans_field group "name" %}', group=group) == "Grupo Belong Asiático"
        assert render('<p{% trans_lang group "name" %}>x</p>', group=group) == "<p>x</p>"
    with translation.override("en"):
        assert render('{% trans_field group "name" %}', group=group) == "Asian Belong Group"


def test_it_marks_a_text_typed_only_in_another_language_on_an_english_page():
    # A lead who works in Spanish types the title in Spanish only: English readers see it, marked as Spanish.
    group = make_group(name_en="Latinx Group", description_es="Nos reunimos cada mes.")

    with translation.override("en"):
        assert group.description == "Nos reunimos cada mes."
        assert fallback_language(group, "description") == "es"
        assert render('<div{% trans_lang group "description" %}></div>', group=group) == (
            '<div lang="es" dir="auto"></div>'
        )


def test_it_escapes_the_text_it_marks():
    group = make_group(name_en="<b>Bold</b> & co")

    with translation.override("ar"):
        html = render('{% trans_field group "name" %}', group=group)

    assert html == '<span lang="en" dir="auto">&lt;b&gt;Bold&lt;/b&gt; &amp; co</span>'


def test_it_keeps_an_arabic_sentence_around_an_isolated_english_name():
    group = make_group(name_en="Staff of Color Network")

    with translation.override("ar"):
        html = render('{% trans_field group "name" as name %}«{{ name }}»، مرحبًا', group=group)

    # The English is isolated by dir="auto", so the Arabic quotes and comma stay on the Arabic side.
    assert html == '«<span lang="en" dir="auto">Staff of Color Network</span>»، مرحبًا'


def test_it_translates_a_groups_goals_line_by_line_with_fallback():
    group = make_group(name_en="Goals group", goals_en=["Listen", "Act"])

    with translation.override("es"):
        assert group.goals == ["Listen", "Act"]
        assert fallback_language(group, "goals") == "en"
    Group.objects.filter(pk=group.pk).update(goals_es=["Escuchar", "Actuar"])
    group.refresh_from_db()
    with translation.override("es"):
        assert group.goals == ["Escuchar", "Actuar"]
        assert fallback_language(group, "goals") is None


def test_it_lets_many_groups_leave_their_spanish_name_empty_but_keeps_names_unique_per_language():
    make_group(name_en="First", slug="first")
    make_group(name_en="Second", slug="second")  # both name_es NULL: no clash
    Group.objects.filter(slug="first").update(name_es="Mismo nombre")

    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.filter(slug="second").update(name_es="Mismo nombre")


def test_it_finds_a_group_by_its_english_words_and_by_its_name_in_the_readers_language():
    make_group(name_en="Veterans Employee Resource Group", name_es="Grupo de Veteranos", slug="veterans")
    make_group(name_en="Autoimmune Group", slug="autoimmune")

    with translation.override("es"):
        by_spanish = [g.slug for g in selectors.search(Group.objects.all(), "Veteranos")]
        by_english = [g.slug for g in selectors.search(Group.objects.all(), "veterans")]

    assert by_spanish == ["veterans"]
    assert by_english == ["veterans"]


def test_it_marks_an_untranslated_topic_in_the_comment_forms_list():
    Topic.objects.create(name_en="Hiring", name_es="Contratación", position=1)
    Topic.objects.create(name_en="Curriculum", position=2)

    with translation.override("es"):
        html = str(CommentForm()["topic"])

    assert '<option value="' in html
    assert 'lang="en" dir="auto">Curriculum</option>' in html
    assert ">Contratación</option>" in html
    assert 'lang="en" dir="auto">Contratación' not in html


def test_it_marks_the_footer_when_the_district_has_not_translated_it(client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"contact_name_en": "Office of Equity"})
    SiteSettings.current().save()  # forget the cached copy
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"

    html = client.get("/comment/").content.decode()

    assert '<span lang="en" dir="auto">Office of Equity</span>' in html
    # The statement is still the model's default text: it is the district's words all the same, marked too.
    assert '<p class="small mb-2" lang="en" dir="auto">The district does not exclude' in html


def test_it_shows_the_spanish_plan_and_marks_english_only_parts(client):
    Plan.objects.create(
        title_en="Equity Plan",
        title_es="Plan de equidad",
        summary_en="Only in English.",
        slug="equity-plan",
        start_year=2025,
        end_year=2028,
        is_published=True,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    html = client.get("/plan/equity-plan/").content.decode()

    assert "<h1>Plan de equidad</h1>" in html
    assert '<p class="lead" lang="en" dir="auto">Only in English.</p>' in html


def test_it_fills_spanish_from_a_demo_table_without_overwriting_an_editors_words():
    make_group(name_en="Asian Belong Group", slug="asian", goals_en=["Listen"])
    make_group(name_en="Edited", name_es="Ya traducido", slug="edited")
    table = {"Asian Belong Group": "Grupo Belong Asiático", "Edited": "Otro", "Listen": "Escuchar"}

    add_translations(Group.objects.all(), ["name", "goals"], table)

    assert Group.objects.get(slug="asian").name_es == "Grupo Belong Asiático"
    assert Group.objects.get(slug="asian").goals_es == ["Escuchar"]
    assert Group.objects.get(slug="edited").name_es == "Ya traducido"


@pytest.mark.parametrize(
    ("language", "expected_datetime", "expected_date", "expected_time"),
    [
        ("en", "Tuesday, January 5, 2027, 3:30 PM", "January 5, 2027", "3:30 PM"),
        ("es", "5 de enero de 2027, 15:30", "5 de enero de 2027", "15:30"),
        ("zh-hans", "2027年1月5日 15:30", "2027年1月5日", "15:30"),
        ("vi", "5 tháng 1 năm 2027, 15:30", "5 tháng 1 năm 2027", "15:30"),
    ],
)
def test_it_writes_dates_and_times_in_the_one_style_of_each_locale(
    language, expected_datetime, expected_date, expected_time
):
    moment = datetime(2027, 1, 5, 15, 30, tzinfo=ZoneInfo("America/New_York"))

    with translation.override(language):
        assert date_format(moment, "DATETIME_FORMAT") == expected_datetime
        assert date_format(moment, "DATE_FORMAT") == expected_date
        assert date_format(moment, "TIME_FORMAT") == expected_time


def test_it_lists_the_directory_alphabetically_as_each_reader_sees_the_names():
    from tests.factories import UserFactory

    make_group(name_en="Beta", slug="beta")
    make_group(name_en="Alpha", name_es="Zeta", slug="alpha")
    user = UserFactory()

    with translation.override("ar"):  # nothing in Arabic: the English names, in order
        arabic = [g.slug for g in selectors.directory_queryset(user)]
    with translation.override("es"):  # "Zeta" (Spanish) after "Beta" (English fallback)
        spanish = [g.slug for g in selectors.directory_queryset(user)]

    assert arabic == ["alpha", "beta"]
    assert spanish == ["beta", "alpha"]
