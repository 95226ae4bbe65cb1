"""What people do with Belong, end to end in a real browser against a live server, asserting what they see.

E-mail goes through the real outbox to a real SMTP server (aiosmtpd): the live server's requests commit,
so the outbox's on-commit delivery runs (Celery is eager in tests) and the message arrives over SMTP.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.conftest import reapply_data_migrations
from tests.factories import PASSWORD, AdministratorFactory, DirectorFactory, UserFactory

from .conftest import axe_violations, body_of, sign_in, wait_for_mail
from .world import totp_code, with_totp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _district(settings):
    reapply_data_migrations()  # the director's review and editing permissions
    settings.TIME_ZONE = "America/New_York"
    settings.COMMENT_FORM_MIN_SECONDS = 0


def test_it_lets_staff_sign_in_find_a_group_join_it_and_get_the_confirmation_e_mail(page, smtp_mailer):
    from tests.groups.factories import GroupFactory, LeadFactory

    harbor = GroupFactory(name="Open Harbor Circle", slug="open-harbor", summary="Staff who love the sea.")
    LeadFactory(group=harbor)
    GroupFactory(name="Lantern Readers", slug="lantern-readers", summary="A book circle.")
    staff = UserFactory(full_name="Sam Staff")

    sign_in(page, staff.email, PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Belong groups")
    page.get_by_role("searchbox", name="Search").fill("harbor")
    page.get_by_role("button", name="Show groups").click()
    expect(page.get_by_text("1 group", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Lantern Readers")).to_have_count(0)
    page.get_by_role("link", name="Open Harbor Circle").click()
    page.get_by_role("button", name="Join the group").click()

    expect(page.get_by_role("status")).to_contain_text("Welcome! You are now a member of Open Harbor Circle.")
    expect(page.get_by_text("You are a member")).to_be_visible()
    assert axe_violations(page) == []
    message = wait_for_mail(smtp_mailer, staff.email, "Welcome to Open Harbor Circle")
    assert "Open Harbor Circle" in body_of(message)


def test_it_tells_an_administrator_why_a_group_is_closed_and_lets_a_lead_approve_a_request(page, visit, smtp_mailer):
    from groups.models import Group
    from tests.groups.factories import GroupFactory, LeadFactory

    GroupFactory(name="Classroom Voices", slug="classroom-voices", excludes_administrators=True)
    lanterns = GroupFactory(name="Lantern Readers", slug="lantern-readers", join_policy=Group.JoinPolicy.APPROVAL)
    lead = LeadFactory(group=lanterns, user=UserFactory(full_name="Lena Lead")).user
    principal = AdministratorFactory(full_name="Pat Principal")
    requester = UserFactory(full_name="Rita Requester")

    sign_in(page, principal.email, PASSWORD)
    page.goto("/groups/classroom-voices/")
    membership = page.get_by_role("region", name="Your membership")
    expect(membership).to_contain_text("Not open to you")
    expect(membership).to_contain_text("This group is open to employees who are not administrators.")
    expect(membership.get_by_role("button")).to_have_count(0)

    asker = visit()
    sign_in(asker, requester.email, PASSWORD)
    asker.goto("/groups/lantern-readers/")
    asker.get_by_label("Message to the leads (optional)").fill("I run the school library.")
    asker.get_by_role("button", name="Ask to join").click()
    expect(asker.get_by_role("status")).to_contain_text("Your request was sent to the group's leads.")

    leader = visit()
    sign_in(leader, lead.email, PASSWORD)
    leader.goto("/groups/lantern-readers/")
    leader.get_by_role("link", name="Roster and requests").click()
    request = leader.get_by_role("listitem").filter(has_text="Rita Requester")
    expect(request).to_contain_text("I run the school library.")
    request.get_by_label("Message to the person (optional)").fill("Welcome aboard!")
    request.get_by_role("button", name="Approve Rita Requester").click()
    expect(leader.get_by_role("status")).to_contain_text("Request approved; they have been told by e-mail.")
    expect(leader.get_by_role("row", name=re.compile("Rita Requester"))).to_be_visible()
    assert axe_violations(leader) == []

    told = wait_for_mail(smtp_mailer, requester.email, "Welcome to Lantern Readers: your request was approved")
    assert "Welcome aboard!" in body_of(told)


def test_it_lets_a_lead_schedule_a_meeting_and_a_member_reply_and_download_it(page, visit, smtp_mailer):
    from tests.meetings.factories import GroupFactory, LeadFactory, MembershipFactory

    harbor = GroupFactory(name="Harbor Lights Circle", slug="harbor-lights")
    lead = LeadFactory(group=harbor, user=UserFactory(full_name="Lena Lead")).user
    member = MembershipFactory(group=harbor, user=UserFactory(full_name="Milo Member")).user

    sign_in(page, lead.email, PASSWORD)
    page.goto("/groups/harbor-lights/")
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Title").fill("Autumn potluck")
    page.get_by_label("Agenda").fill("Bring a dish from home.")
    next_week = (date.today() + timedelta(days=7)).isoformat()
    page.get_by_label("Date", exact=True).fill(next_week)
    page.get_by_label("Starts at").fill("15:30")
    page.get_by_label("Ends at").fill("16:30")
    page.get_by_label("Other address").fill("Harbor View K-8 School library, 9 Harbor Way")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("status")).to_contain_text("Invitations are on their way.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn potluck")
    meeting_url = page.url

    invitation = wait_for_mail(smtp_mailer, member.email, "Autumn potluck")
    assert invitation is not None

    guest = visit()
    sign_in(guest, member.email, PASSWORD)
    guest.goto(meeting_url)
    guest.get_by_role("button", name="Going", exact=True).click()
    expect(guest.get_by_text("You are going.")).to_be_visible()
    expect(guest.get_by_role("button", name="Going", exact=True)).to_have_attribute("aria-pressed", "true")
    assert axe_violations(guest) == []
    with guest.expect_download() as download:
        guest.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Autumn potluck"]
    assert download.value.suggested_filename.endswith(".ics")


def test_it_shows_a_group_s_public_schedule_to_a_signed_out_visitor(page):
    from tests.meetings.factories import GroupFactory, LeadFactory, schedule

    harbor = GroupFactory(name="Harbor Lights Circle", slug="harbor-lights", public_schedule=True)
    lead = LeadFactory(group=harbor).user
    schedule(by=lead, group=harbor, title="Open house", agenda="Private agenda text", invite=False)

    response = page.goto("/groups/harbor-lights/schedule/")
    assert response.status == 200
    # The group's public page: its name, then its schedule.
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Lights Circle")
    expect(page.get_by_role("heading", name="Meeting schedule")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Open house")).to_be_visible()
    expect(page.get_by_text("Private agenda text")).to_have_count(0)
    expect(page.get_by_role("main").get_by_role("link", name="Staff sign-in")).to_be_visible()
    assert page.context.cookies() == []


def send_comment(page) -> str:
    page.goto("/")
    page.get_by_role("link", name="Share a comment").first.click()
    page.get_by_label("Topic").select_option(label="Proposed educational equity policy")
    page.get_by_label("Your comment").fill("Please add more bus routes to the east side.")
    page.get_by_role("button", name="Send my comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your comment was sent")
    assert axe_violations(page) == []
    return page.locator("output").inner_text().strip()


def director_replies(tab, director, secret: str, reply: str) -> None:
    tab.goto("/admin/")
    tab.get_by_label("Email").fill(director.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_label("Code").fill(totp_code(secret))
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("link", name="Public comments", exact=True).last.click()  # the model, not its app
    tab.get_by_role("link", name=re.compile("Please add more bus routes")).first.click()
    tab.get_by_label("Status").select_option(label="Answered")
    tab.get_by_label("Public reply").fill(reply)
    tab.get_by_role("button", name="Save", exact=True).click()
    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")
    assert axe_violations(tab) == []


def read_reply(tab, code: str) -> None:
    tab.goto("/comment/receipt/")
    tab.get_by_label("Receipt code").fill(code)
    tab.get_by_role("button", name="Check").click()


def test_it_lets_a_visitor_comment_anonymously_and_read_the_district_s_reply_with_the_receipt(page, visit):
    from tests.comments.factories import TopicFactory

    TopicFactory(name="Proposed educational equity policy")
    director = DirectorFactory(full_name="Dana Director")
    secret = with_totp(director)

    code = send_comment(page)
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{4}", code)
    assert page.context.cookies() == []
    read_reply(page, code)
    expect(page.get_by_text("There is no reply yet.")).to_be_visible()

    director_replies(visit(), director, secret, "Thank you. Two new routes start in January.")

    read_reply(page, code)
    expect(page.get_by_role("heading", name="Reply from the district")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("Two new routes start in January.")
    expect(page.get_by_text("Answered", exact=True)).to_be_visible()
    assert axe_violations(page) == []


def test_it_shows_a_signed_out_visitor_the_public_equity_plan(page):
    from datetime import date
    from decimal import Decimal

    from tests.equity_plan import factories as plan

    district_plan = plan.PlanFactory(slug="deib-plan", title="DEIB 3-Year Plan", summary="Belonging for every student.")
    panel = plan.WorkstreamFactory(plan=district_plan, code="1", title="Curriculum panel")
    plan.ActionItemFactory(workstream=panel, title="Review reading lists", percent_complete=50)
    indicator = plan.IndicatorFactory(workstream=panel, name="Students who feel they belong")
    plan.MeasurementFactory(indicator=indicator, measured_on=date(2026, 1, 1), value=Decimal("48"))
    plan.PlanFactory(slug="draft", title="Unannounced Plan", is_published=False)

    page.goto("/")
    page.get_by_role("link", name="Equity plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DEIB 3-Year Plan")
    expect(page.get_by_text("Belonging for every student.")).to_be_visible()
    expect(page.get_by_text("Unannounced Plan")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Curriculum panel")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Curriculum panel")
    expect(page.get_by_role("cell", name="Review reading lists")).to_be_visible()
    expect(page.get_by_text("Students who feel they belong").first).to_be_visible()
    expect(
        page.get_by_role("img").filter(has_text="Students who feel they belong").or_(page.locator("svg[role='img']"))
    ).not_to_have_count(0)
