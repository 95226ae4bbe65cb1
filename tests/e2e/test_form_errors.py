"""The GOV.UK error pattern in a real browser: a form sent empty comes back with "Error:" in the title and
a summary that has focus; each of its links moves focus to its field; axe finds nothing to fix."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import reapply_data_migrations
from tests.factories import PASSWORD, UserFactory

from .conftest import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "[data-error-summary]"


@pytest.fixture(autouse=True)
def _district(settings):
    reapply_data_migrations()
    settings.TIME_ZONE = "America/New_York"
    settings.COMMENT_FORM_MIN_SECONDS = 0


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def assert_summary_guides(page, expected_targets: list[str]) -> None:
    summary = page.locator(SUMMARY)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error: ")
    links = summary.get_by_role("link")
    targets = [href.removeprefix("#") for href in links.evaluate_all("links => links.map(l => l.getAttribute('href'))")]
    assert targets == expected_targets
    for index, target in enumerate(targets):
        field = page.locator(f"#{target}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
        links.nth(index).click()
        assert focused_id(page) == target, f"link {index} left focus on {focused_id(page)!r}, not {target!r}"
        # The message is read with the field, and says it is an error.
        described = field.get_attribute("aria-describedby").split()
        assert f"{target}_error" in described
        expect(page.locator(f"#{target}_error")).to_contain_text("Error:")
    assert axe_violations(page) == []


def test_it_guides_a_visitor_through_the_comment_form_sent_empty(page):
    from tests.comments.factories import TopicFactory

    TopicFactory(name="Proposed educational equity policy")
    page.goto("/comment/")
    assert not page.title().startswith("Error")
    expect(page.locator(SUMMARY)).to_have_count(0)
    # No browser bubble stops the empty form: the server answers, in the page's language.
    with page.expect_navigation():
        page.get_by_role("button", name="Send my comment").click()
    assert_summary_guides(page, ["id_topic", "id_body"])
    expect(page.get_by_label("Your comment")).to_have_attribute("required", "")
    assert page.context.cookies() == []


def test_it_guides_a_lead_through_the_meeting_form_sent_empty(page):
    from tests.groups.factories import GroupFactory, LeadFactory

    harbor = GroupFactory(name="Harbor Lights Circle", slug="harbor-lights")
    lead = LeadFactory(group=harbor, user=UserFactory(full_name="Lena Lead")).user
    sign_in(page, lead.email, PASSWORD)
    page.goto("/groups/harbor-lights/meetings/new/")
    expect(page.get_by_text("Times are in Eastern Time (New York).")).to_be_visible()
    for name in ["Date (required)", "Starts at", "Ends at"]:
        page.get_by_label(name).fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule").click()
    assert_summary_guides(page, ["id_title", "id_date", "id_start_time", "id_end_time", "id_school"])
    assert "America/New_York" not in page.content()
