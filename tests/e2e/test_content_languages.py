"""The demo district read in Spanish and in Arabic, in a real browser.

In Spanish every word a reader sees is Spanish (the demo loaders carry Spanish for their texts); in Arabic
the page runs right to left and every English fallback is marked with lang/dir so a screen reader
switches voice. axe finds nothing on any of these pages.
"""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import DESKTOP, axe_violations, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = "/plan/deib-3-year-plan/"
COMMENT_FORM = "/comment/"
GROUP = "/groups/latinx-hispanic-belong-group/"
PAGES = [PLAN, COMMENT_FORM, GROUP]

# Words that only English uses ("plan" is left out: Spanish says "plan" too).
ENGLISH_WORDS = {
    "the", "and", "of", "to", "with", "your", "you", "for", "this", "our", "is", "are",
    "group", "groups", "meeting", "meetings", "comment", "comments", "action", "progress", "year", "members",
}  # fmt: skip
# Names are not translated: the district, the product, people, and the demo's own acronyms.
PROPER_NAMES = [settings.DISTRICT_NAME, "Belong", "DEIB", "LGBTQIA+", "LGBTQ+", "Latinx"]


@pytest.fixture
def demo_district(db):
    """The demo loaders' district (sites, staff, groups, plans, topics), as `manage.py load_demo` makes it."""
    from accounts import demo as people_demo
    from belong import demo as footer_demo
    from comments import demo as comments_demo
    from equity_plan import demo as plan_demo
    from groups import demo as groups_demo

    out = io.StringIO()
    people: dict = {}
    footer_demo.load(out, people)
    people_demo.load(out, people)
    groups_demo.load(out, people)
    plan_demo.load(out, people)
    comments_demo.load(out, people)
    return people


def reader(browser, live_server, language: str, user: User | None = None):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    tab = new_page(context)
    context.set_default_navigation_timeout(60_000)  # the first plan overview renders its whole tree
    return context, tab


def english_words(text: str, names: list[str]) -> list[str]:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    words = re.findall(r"[A-Za-z]+", text)
    return sorted({word for word in words if word.casefold() in ENGLISH_WORDS})


@pytest.fixture
def browser_settings(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    return settings


def test_it_shows_the_demo_district_entirely_in_spanish(browser, live_server, browser_settings, demo_district):
    teacher = demo_district["teacher"]
    context, tab = reader(browser, live_server, "es", teacher)
    names = [*PROPER_NAMES, *User.objects.values_list("full_name", flat=True), teacher.display_name]
    try:
        for path in PAGES:
            assert tab.goto(path).status == 200, path
            assert tab.evaluate("document.documentElement.lang") == "es"

            text = tab.inner_text("body")
            assert english_words(text, names) == [], (path, text)
            assert axe_violations(tab) == [], path
    finally:
        context.close()


def test_it_runs_arabic_pages_right_to_left_and_marks_english_fallbacks(
    browser, live_server, browser_settings, demo_district
):
    context, tab = reader(browser, live_server, "ar", demo_district["teacher"])
    try:
        for path in PAGES:
            assert tab.goto(path).status == 200, path
            assert tab.evaluate("document.documentElement.dir") == "rtl"

            # No Arabic translation of the demo texts: each one shown is English, marked as such.
            marked = tab.locator('[lang="en"][dir="auto"]')
            assert marked.count() > 0, path
            assert axe_violations(tab) == [], path

        tab.goto(PLAN)
        assert tab.locator('h1 [lang="en"][dir="auto"]').inner_text() == "DEIB 3-Year Plan"
        tab.goto(COMMENT_FORM)
        assert tab.locator('select option[lang="en"][dir="auto"]').count() == 6  # the six demo topics
        footer = tab.locator("footer [lang='en'][dir='auto']")
        assert footer.count() == 2  # the non-discrimination statement and the contact office
    finally:
        context.close()


def test_it_edits_each_language_in_its_own_tab_in_the_admin(browser, live_server, browser_settings, db):
    from groups.models import Group
    from tests.e2e.conftest import csp_refusals
    from tests.factories import SuperuserFactory

    group = Group.objects.create(name_en="Asian Belong Group", slug="asian", summary_en="Community.")
    context, tab = reader(browser, live_server, "en", SuperuserFactory())
    try:
        tab.goto(f"/admin/groups/group/{group.pk}/change/")

        # jQuery UI's tabs (served from our origin) turn each field's languages into tabs.
        assert tab.locator(".ui-tabs-nav").count() > 0
        spanish = tab.locator('.ui-tabs-nav [role="tab"]', has_text="es").first
        spanish.click()
        expect(spanish).to_have_attribute("aria-selected", "true")
        name_es = tab.locator("#id_name_es")
        expect(name_es).to_be_visible()
        name_es.fill("Grupo Belong Asiático")
        expect(name_es).to_have_value("Grupo Belong Asiático")
        tab.locator("input[name=_save]").click()
        tab.wait_for_url("**/admin/groups/group/")
        assert csp_refusals(tab) == []
    finally:
        context.close()
    group.refresh_from_db()
    assert (group.name_en, group.name_es) == ("Asian Belong Group", "Grupo Belong Asiático")
