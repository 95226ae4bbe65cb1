"""The header in a real browser: the director's links on one line at 1280 px, the "Manage" menu by
keyboard, and a language chosen on the comment pages kept in the URL without any cookie."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, NARROW, axe_violations

pytestmark = pytest.mark.django_db


def test_it_fits_the_director_s_navigation_on_one_line_at_1280_pixels(portal):
    tab = portal.tab("director", DESKTOP)
    tab.goto("/")
    tops = tab.eval_on_selector_all(
        "#main-nav > .navbar-nav > .nav-item", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(tops) >= 6
    assert max(tops) - min(tops) <= 4, tops


def test_it_opens_and_closes_the_manage_menu_by_keyboard(portal):
    tab = portal.tab("director", DESKTOP)
    tab.goto("/")
    menu = tab.locator("details.manage-disclosure")
    tab.locator("details.manage-disclosure > summary").focus()
    tab.keyboard.press("Enter")
    assert menu.evaluate("el => el.open")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent.trim()") == "Overview"
    assert axe_violations(tab) == []
    tab.keyboard.press("Escape")
    assert not menu.evaluate("el => el.open")
    assert tab.evaluate("document.activeElement.tagName") == "SUMMARY"


def test_it_keeps_a_language_chosen_on_the_comment_page_in_the_url_without_cookies(portal):
    tab = portal.tab("visitor", NARROW)
    tab.context.clear_cookies()
    tab.goto("/comment/")
    tab.locator("#language-select").select_option("es")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Change language").click()
    assert tab.url.endswith("/es/comment/")
    assert tab.locator("html").get_attribute("lang") == "es"
    assert tab.context.cookies() == []
    assert axe_violations(tab) == []
