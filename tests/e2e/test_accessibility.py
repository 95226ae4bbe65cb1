"""axe-core (WCAG 2.0-2.2 A and AA) on every page of the portal, for each role, with form errors, at 320 px.

PAGES lists each (role, path) once; a page's role is the person who would use it. A new route should
get a row here (tests/security holds the authorization matrix that notices new routes).
"""

from __future__ import annotations

import pytest

from .conftest import NARROW, axe_violations, csp_refusals

# The pages read the module's district through the portal's own server; the mark only makes pytest-django
# set up the test database (each test's own transaction is empty and rolled back).
pytestmark = pytest.mark.django_db

VISITOR, STAFF, ADMINISTRATOR, LEAD, DIRECTOR = "visitor", "staff", "administrator", "lead", "director"

# (role, path, expected status); {names} come from tests/e2e/world.py.
PAGES = [
    (VISITOR, "/", 200),
    (VISITOR, "/accessibility/", 200),
    (VISITOR, "/accounts/login/", 200),
    (VISITOR, "/accounts/login/code/", 200),
    (VISITOR, "/accounts/signup/", 200),
    (VISITOR, "/accounts/password/reset/", 200),
    (VISITOR, "/plan/", 200),
    (VISITOR, "/plan/{plan}/", 200),
    (VISITOR, "/plan/{plan}/w/{workstream}/", 200),
    (VISITOR, "/plan/{plan}/items/{item}/", 200),
    (VISITOR, "/plan/{plan}/print/", 200),
    (VISITOR, "/comment/", 200),
    (VISITOR, "/comment/receipt/", 200),
    (VISITOR, "/groups/{group}/schedule/", 200),
    (VISITOR, "/accounts/password/reset/done/", 200),
    (VISITOR, "/accounts/confirm-email/", 200),
    (VISITOR, "/me/email/unsubscribe/{unsubscribe}/", 200),
    (VISITOR, "/me/email/unsubscribe/not-a-real-token/", 400),
    (VISITOR, "/no-such-page/", 404),
    (STAFF, "/", 200),
    (STAFF, "/groups/", 200),
    (STAFF, "/groups/?q=harbor", 200),
    (STAFF, "/groups/{group}/", 200),
    (STAFF, "/groups/?can_join=on&focus=", 200),
    (STAFF, "/groups/lantern-readers/", 200),
    (STAFF, "/groups/quiet-cove/", 200),
    (STAFF, "/groups/propose/", 200),
    (STAFF, "/meetings/{meeting}/", 200),
    (STAFF, "/meetings/{event}/", 200),
    (STAFF, "/me/", 200),
    (STAFF, "/me/email/", 200),
    (STAFF, "/me/meetings/", 200),
    (STAFF, "/plan/{plan}/", 200),
    (STAFF, "/comment/", 200),
    (STAFF, "/accounts/email/", 200),
    (STAFF, "/accounts/password/change/", 200),
    (STAFF, "/accounts/2fa/", 200),
    (STAFF, "/accounts/reauthenticate/", 200),
    (STAFF, "/groups/{group}/roster/", 403),
    (STAFF, "/groups/no-such-group/", 404),
    (ADMINISTRATOR, "/groups/", 200),
    (ADMINISTRATOR, "/groups/classroom-voices/", 200),
    (LEAD, "/", 200),
    (LEAD, "/groups/{group}/", 200),
    (LEAD, "/groups/{group}/roster/", 200),
    (LEAD, "/groups/{group}/email/", 200),
    (LEAD, "/groups/{group}/roster.csv", 200),
    (LEAD, "/groups/{group}/meetings/new/", 200),
    (LEAD, "/meetings/{meeting}/", 200),
    (LEAD, "/meetings/{meeting}/edit/", 200),
    (LEAD, "/meetings/{meeting}/cancel/", 200),
    (LEAD, "/meetings/{meeting}/attendance/", 200),
    (LEAD, "/meetings/series/{series}/edit/", 200),
    (LEAD, "/meetings/series/{series}/cancel/", 200),
    (LEAD, "/me/meetings/", 200),
    (DIRECTOR, "/", 200),
    (DIRECTOR, "/groups/overview/", 200),
    (DIRECTOR, "/groups/{group}/roster/", 200),
    (DIRECTOR, "/meetings/{event}/", 200),
    (DIRECTOR, "/accounts/2fa/", 200),
    (DIRECTOR, "/comment/review/", 200),
    (DIRECTOR, "/events/new/", 200),
    (DIRECTOR, "/plan/", 200),
    (DIRECTOR, "/plan/new/", 200),
    (DIRECTOR, "/plan/{plan}/", 200),
    (DIRECTOR, "/plan/{plan}/edit/", 200),
    (DIRECTOR, "/plan/{plan}/years/new/", 200),
    (DIRECTOR, "/plan/{plan}/years/{year}/edit/", 200),
    (DIRECTOR, "/plan/{plan}/w/new/", 200),
    (DIRECTOR, "/plan/{plan}/w/{workstream}/", 200),
    (DIRECTOR, "/plan/{plan}/w/{workstream}/edit/", 200),
    (DIRECTOR, "/plan/{plan}/items/new/", 200),
    (DIRECTOR, "/plan/{plan}/items/{item}/", 200),
    (DIRECTOR, "/plan/{plan}/items/{item}/edit/", 200),
    (DIRECTOR, "/plan/{plan}/items/{item}/update/", 200),
    (DIRECTOR, "/plan/{plan}/indicators/new/", 200),
    (DIRECTOR, "/plan/{plan}/indicators/{indicator}/edit/", 200),
    (DIRECTOR, "/plan/{plan}/indicators/{indicator}/measurements/new/", 200),
    (DIRECTOR, "/admin/", 200),
    (DIRECTOR, "/admin/comments/comment/", 200),
    (DIRECTOR, "/admin/comments/comment/{comment}/change/", 200),
    (DIRECTOR, "/admin/comments/topic/", 200),
    (DIRECTOR, "/admin/groups/groupproposal/", 200),
    (DIRECTOR, "/admin/groups/groupproposal/{proposal}/change/", 200),
]

# (role, path of a page with a form): the form is sent empty, with the browser's own checks switched off,
# so the page comes back with the server's error messages; those must be accessible too.
FORMS = [
    (VISITOR, "/accounts/login/"),
    (VISITOR, "/accounts/login/code/"),
    (VISITOR, "/accounts/signup/"),
    (VISITOR, "/accounts/password/reset/"),
    (VISITOR, "/comment/"),
    (VISITOR, "/comment/receipt/"),
    (STAFF, "/groups/propose/"),
    (STAFF, "/accounts/email/"),
    (STAFF, "/accounts/password/change/"),
    (LEAD, "/groups/{group}/roster/"),
    (LEAD, "/groups/{group}/email/"),
    (LEAD, "/groups/{group}/roster.csv"),
    (LEAD, "/groups/{group}/meetings/new/"),
    (LEAD, "/meetings/{meeting}/edit/"),
    (LEAD, "/meetings/series/{series}/edit/"),
    (DIRECTOR, "/events/new/"),
    (DIRECTOR, "/plan/new/"),
    (DIRECTOR, "/plan/{plan}/years/new/"),
    (DIRECTOR, "/plan/{plan}/edit/"),
    (DIRECTOR, "/plan/{plan}/years/{year}/edit/"),
    (DIRECTOR, "/plan/{plan}/w/new/"),
    (DIRECTOR, "/plan/{plan}/w/{workstream}/edit/"),
    (DIRECTOR, "/plan/{plan}/items/new/"),
    (DIRECTOR, "/plan/{plan}/items/{item}/edit/"),
    (DIRECTOR, "/plan/{plan}/items/{item}/update/"),
    (DIRECTOR, "/plan/{plan}/indicators/new/"),
    (DIRECTOR, "/plan/{plan}/indicators/{indicator}/edit/"),
    (DIRECTOR, "/plan/{plan}/indicators/{indicator}/measurements/new/"),
    (DIRECTOR, "/admin/comments/topic/add/"),
]

ERRORS_SHOWN = ".errorlist, .invalid-feedback, [aria-invalid='true'], .alert-danger, [role='alert']"

EMPTY_THE_FORM_JS = """form => {
  document.querySelectorAll('form').forEach(f => { f.noValidate = true; });
  form.querySelectorAll('input, textarea, select').forEach(field => {
    if (['hidden', 'submit', 'button', 'checkbox', 'radio'].includes(field.type)) return;
    if (field.tagName === 'SELECT') { field.selectedIndex = field.multiple ? -1 : 0; return; }
    field.value = '';
  });
}"""


def _ids(rows):
    return [f"{row[0]}:{row[1]}" for row in rows]


def open_page(portal, role, path, status, viewport=None):
    tab = portal.tab(role, viewport) if viewport else portal.tab(role)
    url = portal.world.url(path)
    response = tab.goto(url)
    assert response.status == status, f"{role} {url} answered {response.status}"
    assert tab.url.endswith(url), f"{role} {url} was redirected to {tab.url}"
    return tab


@pytest.mark.parametrize(("role", "path", "status"), PAGES, ids=_ids(PAGES))
def test_it_has_no_accessibility_violations_on_any_page(portal, role, path, status):
    tab = open_page(portal, role, path, status)
    assert tab.locator("h1").count() == 1
    assert axe_violations(tab) == []
    assert csp_refusals(tab) == []


@pytest.mark.parametrize(("role", "path"), FORMS, ids=_ids(FORMS))
def test_it_shows_form_errors_accessibly(portal, role, path):
    tab = open_page(portal, role, path, 200)
    form = tab.locator("main form[method='post' i]").filter(has=tab.locator("[type='submit']")).last
    form.evaluate(EMPTY_THE_FORM_JS)
    # The comment form solves its proof of work before it submits: wait for the navigation itself,
    # not for the load state of the page that is still showing.
    with tab.expect_navigation():
        form.locator("[type='submit']").last.click()
    assert tab.locator(f"main :is({ERRORS_SHOWN})").count() > 0, f"{role} {path}: no error shown"
    assert axe_violations(tab) == []
    assert csp_refusals(tab) == []


@pytest.mark.parametrize(("role", "path", "status"), PAGES, ids=_ids(PAGES))
def test_it_has_no_accessibility_violations_at_320_pixels(portal, role, path, status):
    tab = open_page(portal, role, path, status, viewport=NARROW)
    assert axe_violations(tab) == []
    # Nothing forces sideways scrolling at 320 CSS pixels (WCAG 1.4.10 Reflow).
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_it_collapses_the_menu_behind_a_labelled_toggle_at_320_pixels(portal):
    tab = portal.tab(VISITOR, NARROW)
    tab.goto("/")
    equity_plan = tab.get_by_role("navigation", name="Main").get_by_role("link", name="Equity plan")
    assert not equity_plan.is_visible()
    tab.get_by_role("button", name="Show or hide the menu").click()
    equity_plan.wait_for(state="visible")


def test_it_moves_focus_to_main_content_with_the_skip_link(portal):
    tab = portal.tab(VISITOR)
    tab.goto("/")
    tab.keyboard.press("Tab")
    skip = tab.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # hidden until focused, then shown
    tab.keyboard.press("Enter")
    assert tab.evaluate("location.hash") == "#main"
    assert tab.evaluate("document.activeElement.id") == "main"


def test_it_confirms_an_unsubscription_accessibly(portal):
    tab = open_page(portal, VISITOR, "/me/email/unsubscribe/{unsubscribe}/", 200)
    with tab.expect_navigation():
        tab.locator("main form").get_by_role("button").first.click()
    assert tab.locator("h1").count() == 1
    assert axe_violations(tab) == []
    assert csp_refusals(tab) == []
