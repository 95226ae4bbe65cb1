import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/", "/accessibility/", "/accounts/login/"])
def test_it_shows_public_pages_without_accessibility_violations(page, path):
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    assert [e for e in page.console_errors if "Refused" in e] == []


def test_it_stays_usable_at_320_pixels(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    assert axe_violations(page) == []
    # The menu collapses behind a labelled toggle that opens it.
    toggle = page.get_by_role("button", name="Show or hide the menu")
    toggle.click()
    assert page.get_by_role("link", name="Equity plan").is_visible()


def test_it_moves_focus_to_main_content_with_the_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
