"""The pages people land on (each role's home, the public group page, the directory, a group page and
My meetings) in real Chromium at 1280 and 390 px: 0 axe violations, nothing cut off, lead tools early in
the tab order. Each view is saved as a screenshot under test-artifacts/screenshots/ (git-ignored) so the
look can be reviewed by eye.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}

# (role, path, screenshot name); {names} come from tests/e2e/world.py.
VIEWS = [
    ("visitor", "/", "home-visitor"),
    ("visitor", "/groups/public/", "public-directory"),
    ("visitor", "/groups/{group}/schedule/", "public-group"),
    ("staff", "/", "home-staff"),
    ("lead", "/", "home-lead"),
    ("director", "/", "home-director"),
    ("staff", "/groups/", "directory-staff"),
    ("administrator", "/groups/", "directory-administrator"),
    ("lead", "/groups/{group}/", "group-lead"),
    ("staff", "/me/meetings/", "my-meetings-staff"),
]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(("role", "path", "name"), VIEWS, ids=[name for _role, _path, name in VIEWS])
def test_it_shows_a_polished_accessible_page(portal, role, path, name, width):
    tab = portal.tab(role, WIDTHS[width])
    response = tab.goto(portal.world.url(path), timeout=30_000)  # the first page warms a busy server
    assert response.status == 200
    assert axe_violations(tab) == []
    # Nothing wider than the window: no sideways scrolling at 390 px (WCAG 1.4.10).
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


# Each select's chosen text must fit inside it, arrow excluded ("Active and forr" was cut off).
SELECT_TEXT_FITS = """() => [...document.querySelectorAll('.groups-filter select')].map(select => {
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const widest = Math.max(...[...select.options].map(option => context.measureText(option.text).width));
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {id: select.id, widest, room, fits: widest <= room};
})"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_it_fits_every_filter_choice_inside_its_select(portal, width):
    tab = portal.tab("staff", WIDTHS[width])
    tab.goto("/groups/")
    selects = tab.evaluate(SELECT_TEXT_FITS)
    assert {s["id"] for s in selects} == {"id_focus", "id_status"}
    assert all(s["fits"] for s in selects), selects


def test_it_puts_the_lead_tools_before_the_groups_content_in_tab_order(portal):
    tab = portal.tab("lead")
    tab.goto(portal.world.url("/groups/{group}/"))
    before = tab.evaluate(
        """() => {
          const tools = document.querySelector('nav.lead-tools a');
          const about = document.querySelector('#mission-heading, #about-heading, #audience-heading');
          return Boolean(tools.compareDocumentPosition(about) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert before
    links = tab.locator("#meetings-heading ~ ul a").all_inner_texts()
    assert len(links) == len(set(links)), links


def test_it_shows_a_visitor_the_public_group_page_without_members_or_counts(portal):
    tab = portal.tab("visitor")
    tab.goto(portal.world.url("/groups/{group}/"))
    assert tab.url.endswith(portal.world.url("/groups/{group}/schedule/"))
    main = tab.locator("main").inner_text()
    assert "Open Harbor Circle" in main and "Belonging for every adult in our schools." in main
    for name in ("Lena Lead", "Sam Staff", "Mia Member", "Noah Member", "Rita Requester"):
        assert name not in main
    assert "member" not in main.casefold()  # no list, no count


def test_it_lets_staff_reply_from_the_home_page(portal):
    tab = portal.tab("staff")
    tab.goto("/")
    reply = tab.locator("form.home-reply").first
    reply.get_by_role("button", name="Going", exact=True).click()
    # The message is put back into the live region a moment after load (static/js/forms.js), so wait for it.
    expect(tab.locator(".messages")).to_contain_text("your reply is saved")
    going = tab.locator("form.home-reply").first.get_by_role("button", name="Going", exact=True)
    assert going.get_attribute("aria-pressed") == "true"
