"""Meetings turned into evidence, in a real browser: the lead projects the check-in page, three members check
in from phones (390 px), a latecomer outside the window is refused with the reason, the lead marks two more
by hand; the morning after, feedback e-mails arrive over real SMTP and are answered; the lead's view says
"fewer than 5" until the fifth answer; the director prints the annual report."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import reapply_data_migrations
from tests.factories import PASSWORD, DirectorFactory, UserFactory

from .conftest import axe_violations, body_of, sign_in, wait_for_mail

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _district(settings):
    reapply_data_migrations()
    settings.TIME_ZONE = "America/New_York"


def test_it_turns_a_meeting_into_attendance_feedback_and_the_annual_report(page, visit, smtp_mailer):
    from impact import services
    from meetings import services as meetings
    from meetings.models import Occurrence, district_zone
    from tests.meetings.factories import GroupFactory, LeadFactory, MembershipFactory, first_occurrence, schedule

    harbor = GroupFactory(name="Harbor Lights Circle", slug="harbor-lights")
    lead = LeadFactory(group=harbor, user=UserFactory(full_name="Lena Lead")).user
    members = [MembershipFactory(group=harbor, user=UserFactory(full_name=f"Member {n}")).user for n in range(6)]
    occurrence = first_occurrence(schedule(by=lead, group=harbor, title="Harbor circle"))
    start = timezone.now() - timedelta(minutes=10)
    Occurrence.objects.filter(pk=occurrence.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    for person in members[3:5]:
        meetings.rsvp_set(occurrence=Occurrence.objects.get(pk=occurrence.pk), user=person, response="going")

    # The lead projects the check-in page: a QR code and a short code.
    sign_in(page, lead.email, PASSWORD)
    page.goto(f"/meetings/{occurrence.pk}/")
    page.get_by_role("link", name="Check-in page (QR code)").click()
    expect(page.get_by_role("img", name="QR code for checking in")).to_be_visible()
    code = page.locator(".check-in-code code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    assert axe_violations(page) == []

    # Three members scan it on their phones.
    for person in members[:3]:
        phone = visit()
        phone.set_viewport_size(PHONE)
        sign_in(phone, person.email, PASSWORD)
        phone.goto(f"/check-in/{code}/")
        phone.get_by_role("button", name="Check in").click()
        expect(phone.get_by_role("status").last).to_contain_text("You are checked in to Harbor circle")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    again = phone
    again.goto(f"/check-in/{code}/")
    again.get_by_role("button", name="Check in").click()
    expect(again.get_by_role("status").last).to_contain_text("already checked in")
    assert axe_violations(again) == []

    # Hours later, a latecomer types the code: refused, and told why.
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=start - timedelta(hours=5), ends_at=start - timedelta(hours=4)
    )
    late = visit()
    late.set_viewport_size(PHONE)
    sign_in(late, members[5].email, PASSWORD)
    late.goto("/check-in/")
    late.get_by_label("Check-in code").fill(code.lower())
    late.get_by_role("button", name="Check in").click()
    expect(late.get_by_text("Check-in for this meeting has closed. Ask a lead to mark you present.")).to_be_visible()

    # The lead marks the two who replied "going" by hand; the three who checked in stay ticked.
    page.goto(f"/meetings/{occurrence.pk}/attendance/")
    for person in members[3:5]:
        page.get_by_label(person.full_name).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance saved: 5 attended.")

    # The morning after (beat runs the task hourly), five e-mails over SMTP, each answered.
    ended = Occurrence.objects.get(pk=occurrence.pk).ends_at
    morning = datetime.combine(
        timezone.localtime(ended, district_zone()).date() + timedelta(days=1), time(7, 5), tzinfo=district_zone()
    )
    assert services.feedback_requests_send(now=morning) == 5
    links = []
    for person in members[:5]:
        message = wait_for_mail(smtp_mailer, person.email, "Two questions about Harbor circle")
        links.append(re.search(r"/feedback/[^/\s]+/", body_of(message)).group(0))
    assert not any(members[5].email in m["To"] and "Two questions" in m["Subject"] for m in smtp_mailer.messages)

    for index, link in enumerate(links):
        answer = visit()
        answer.set_viewport_size(PHONE)
        answer.goto(link)
        answer.get_by_label(str(index % 5 + 1), exact=True).check()
        answer.get_by_label("What would make it better?").fill(f"Suggestion number {index + 1}")
        answer.get_by_role("button", name="Send").click()
        expect(answer.get_by_role("status").last).to_contain_text("Your answer is saved without your name")
        page.goto(f"/meetings/{occurrence.pk}/feedback/")
        if index < 4:
            expect(page.get_by_text("Fewer than 5 people have answered.")).to_be_visible()
            expect(page.get_by_text("Suggestion number 1")).to_have_count(0)
        else:
            expect(page.get_by_text("Fewer than 5 people have answered.")).to_have_count(0)
            expect(page.get_by_text("Suggestion number 5")).to_be_visible()
            expect(page.locator("dd").nth(1)).to_have_text("3.0")

    # The director prints the annual report (A4 and Letter).
    director = DirectorFactory(full_name="Dana Director")
    desk = visit()
    sign_in(desk, director.email, PASSWORD)
    desk.get_by_role("navigation", name="Main").get_by_role("button", name="Director").click()
    desk.get_by_role("link", name="Annual report").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Annual report")
    expect(desk.get_by_role("row", name=re.compile("Harbor Lights Circle"))).to_contain_text("fewer than 5")
    assert axe_violations(desk) == []
    desk.emulate_media(media="print")
    expect(desk.get_by_role("button", name="Print")).to_be_hidden()
    for paper in ("A4", "Letter"):
        assert desk.pdf(format=paper).startswith(b"%PDF")
