"""Journeys 1 and 5 again with the keyboard alone: Tab, Shift+Tab, Enter, Space and typing, no mouse.

`tab_to` checks at every stop that the focused element draws a visible focus indicator.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import reapply_data_migrations
from tests.factories import PASSWORD, DirectorFactory, UserFactory

from .conftest import body_of, focus_state, press_to_navigate, tab_to, wait_for_mail
from .world import totp_code, with_totp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _district(settings):
    reapply_data_migrations()  # the director's review and editing permissions
    settings.COMMENT_FORM_MIN_SECONDS = 0


def type_into(page, name: str, text: str, **kwargs) -> None:
    tab_to(page, name, **kwargs)
    page.keyboard.type(text)


def sign_in_with_the_keyboard(page, email: str) -> None:
    page.goto("/")
    tab_to(page, "Skip to main content")
    tab_to(page, "Staff sign-in")
    press_to_navigate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    type_into(page, "Email", email)
    type_into(page, "Password", PASSWORD)
    press_to_navigate(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_it_lets_staff_join_a_group_with_the_keyboard_alone(page, smtp_mailer):
    from tests.groups.factories import GroupFactory, LeadFactory

    LeadFactory(group=GroupFactory(name="Open Harbor Circle", slug="open-harbor"))
    GroupFactory(name="Lantern Readers", slug="lantern-readers")
    staff = UserFactory(full_name="Sam Staff")

    sign_in_with_the_keyboard(page, staff.email)

    tab_to(page, "Groups")
    press_to_navigate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Belong groups")
    type_into(page, "Search", "harbor")
    tab_to(page, "Show groups")
    press_to_navigate(page, "Space")
    expect(page.get_by_text("1 group", exact=True)).to_be_visible()
    # Back up from the button to the search box with Shift+Tab: the text is kept.
    tab_to(page, "Search", backwards=True)
    assert page.evaluate("document.activeElement.value") == "harbor"
    tab_to(page, "Open Harbor Circle")
    press_to_navigate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Open Harbor Circle")
    tab_to(page, "Join the group")
    press_to_navigate(page)

    expect(page.get_by_role("status")).to_contain_text("Welcome! You are now a member of Open Harbor Circle.")
    message = wait_for_mail(smtp_mailer, staff.email, "Welcome to Open Harbor Circle")
    assert "Open Harbor Circle" in body_of(message)


def test_it_lets_a_visitor_comment_and_read_the_reply_with_the_keyboard_alone(page, visit):
    from tests.comments.factories import TopicFactory

    TopicFactory(name="Proposed educational equity policy")
    director = DirectorFactory(full_name="Dana Director")
    secret = with_totp(director)

    page.goto("/")
    tab_to(page, "Share a comment")
    press_to_navigate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Share a comment with the district")
    tab_to(page, "Topic")
    page.keyboard.type("Proposed")  # a closed select picks the option whose name starts with what is typed
    assert page.evaluate("document.activeElement.selectedOptions[0].text") == "Proposed educational equity policy"
    type_into(page, "Your comment", "Please add more bus routes to the east side.")
    tab_to(page, "Send my comment")
    press_to_navigate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your comment was sent")
    code = page.locator("output").inner_text().strip()
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{4}", code)

    # The director answers in the admin, with the keyboard too.
    admin = visit()
    admin.goto("/admin/")
    type_into(admin, "Email", director.email)
    type_into(admin, "Password", PASSWORD)
    press_to_navigate(admin)
    type_into(admin, "Code", totp_code(secret))
    press_to_navigate(admin)
    expect(admin.get_by_role("heading", level=1)).to_contain_text("administration")
    tab_to(admin, "Public comments")  # the app's section link
    tab_to(admin, "Public comments")  # the model's list
    press_to_navigate(admin)
    tab_to(admin, "Please add more bus routes", limit=150)
    press_to_navigate(admin)
    tab_to(admin, "Status")
    admin.keyboard.type("Answered")
    type_into(admin, "Public reply", "Thank you. Two new routes start in January.")
    tab_to(admin, "Save", limit=150)
    press_to_navigate(admin)
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto("/comment/receipt/")
    type_into(page, "Receipt code", code)
    tab_to(page, "Check")
    press_to_navigate(page)
    expect(page.get_by_role("heading", name="Reply from the district")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("Two new routes start in January.")
    assert focus_state(page) is None or focus_state(page)["visible"]


def test_it_lets_a_member_answer_a_meeting_invitation_with_the_keyboard_alone(page):
    from tests.groups.factories import GroupFactory, LeadFactory, MembershipFactory
    from tests.meetings.factories import first_occurrence, schedule

    harbor = GroupFactory(name="Harbor Lights Circle", slug="harbor-lights")
    lead = LeadFactory(group=harbor).user
    member = MembershipFactory(group=harbor, user=UserFactory(full_name="Milo Member")).user
    occurrence = first_occurrence(schedule(by=lead, group=harbor, title="Autumn potluck", invite=False))

    sign_in_with_the_keyboard(page, member.email)
    page.goto(f"/meetings/{occurrence.pk}/")
    tab_to(page, "Going")
    press_to_navigate(page)
    expect(page.get_by_text("You are going.")).to_be_visible()
    tab_to(page, "Add to my calendar (.ics)")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert b"Autumn potluck" in download.value.path().read_bytes()
