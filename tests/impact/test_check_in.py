"""Check-in: the projected code, its window, eligibility, double scans and what the pages never show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from groups.models import Membership
from meetings import services
from meetings.models import RSVP, CheckInCode
from tests.factories import UserFactory
from tests.groups.factories import ConfidentialGroupFactory, LeadFactory, MembershipFactory
from tests.meetings.factories import first_occurrence, schedule

from .conftest import move

pytestmark = pytest.mark.django_db


def test_it_shows_the_lead_a_qr_code_and_a_short_code_and_makes_one_code_per_date(client, meeting_now, lead):
    client.force_login(lead)
    page = client.get(f"/meetings/{meeting_now.pk}/check-in/")
    code = CheckInCode.objects.get(occurrence=meeting_now).code
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<path" in html
    assert code in html
    assert len(code) == 8 and code.isalnum()
    client.get(f"/meetings/{meeting_now.pk}/check-in/")
    assert CheckInCode.objects.filter(occurrence=meeting_now).count() == 1


def test_it_refuses_the_check_in_page_to_members_and_other_leads(client, meeting_now, member, other_lead):
    for person in (member, other_lead):
        client.force_login(person)
        assert client.get(f"/meetings/{meeting_now.pk}/check-in/").status_code == 403
    assert not CheckInCode.objects.exists()


def test_it_checks_a_member_in_once_and_says_already_on_a_second_scan(client, meeting_now, member):
    code = services.check_in_code_get_or_create(occurrence=meeting_now).code
    client.force_login(member)
    scanned = client.get(f"/check-in/{code}/")
    assert scanned.status_code == 200
    assert not RSVP.objects.filter(attended=True).exists()  # opening the link alone checks nobody in
    first = client.post("/check-in/", {"code": code.lower()})
    assert "You are checked in to Harbor circle" in first.content.decode()
    second = client.post("/check-in/", {"code": code})
    assert "already checked in" in second.content.decode()
    reply = RSVP.objects.get(occurrence=meeting_now, user=member)
    assert reply.attended is True and reply.response == RSVP.Response.GOING


@pytest.mark.parametrize(
    ("starts_in", "reason"),
    [(timedelta(hours=2), "has not opened yet"), (-timedelta(hours=4), "has closed")],
)
def test_it_refuses_outside_the_window_and_says_why(client, meeting_now, member, starts_in, reason):
    move(meeting_now, starts_in=starts_in)
    code = services.check_in_code_get_or_create(occurrence=meeting_now).code
    client.force_login(member)
    response = client.post("/check-in/", {"code": code})
    assert reason in response.content.decode()
    assert not RSVP.objects.filter(user=member, attended=True).exists()


def test_it_opens_thirty_minutes_before_and_closes_two_hours_after_the_end(meeting_now, member):
    code = services.check_in_code_get_or_create(occurrence=meeting_now).code
    start, end = meeting_now.starts_at, meeting_now.ends_at
    with pytest.raises(services.CheckInRefused):
        services.occurrence_check_in(code=code, user=member, now=start - timedelta(minutes=31))
    with pytest.raises(services.CheckInRefused):
        services.occurrence_check_in(code=code, user=member, now=end + timedelta(minutes=121))
    assert services.occurrence_check_in(code=code, user=member, now=start - timedelta(minutes=29)) == (
        meeting_now,
        False,
    )


def test_it_tells_someone_outside_the_group_why_they_cannot_check_in(client, meeting_now):
    stranger = UserFactory()
    code = services.check_in_code_get_or_create(occurrence=meeting_now).code
    client.force_login(stranger)
    response = client.post("/check-in/", {"code": code})
    assert "This meeting is for members of Harbor Lights Circle" in response.content.decode()
    assert not RSVP.objects.filter(user=stranger).exists()


def test_it_refuses_a_wrong_code_and_stops_someone_trying_codes(client, meeting_now, member, settings):
    settings.CHECK_IN_MAX_WRONG_CODES_PER_HOUR = 3
    code = services.check_in_code_get_or_create(occurrence=meeting_now).code
    client.force_login(member)
    for attempt in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        assert "does not match any meeting" in client.post("/check-in/", {"code": attempt}).content.decode()
    refused = client.post("/check-in/", {"code": code})  # even the right code, once the limit is reached
    assert "Too many wrong codes" in refused.content.decode()
    assert not RSVP.objects.filter(user=member, attended=True).exists()
    cache.clear()
    assert "You are checked in" in client.post("/check-in/", {"code": code}).content.decode()


def test_it_never_shows_who_else_checked_in_to_a_confidential_group(client):
    circle = ConfidentialGroupFactory(name="Quiet Harbor", slug="quiet-harbor")
    lead = LeadFactory(group=circle).user
    first = MembershipFactory(group=circle, user=UserFactory(full_name="Frances First")).user
    second = MembershipFactory(group=circle, user=UserFactory(full_name="Sam Second")).user
    occurrence = move(first_occurrence(schedule(by=lead, group=circle)), starts_in=-timedelta(minutes=5))
    code = services.check_in_code_get_or_create(occurrence=occurrence).code
    services.occurrence_check_in(code=code, user=first)
    client.force_login(second)
    pages = [client.get(f"/check-in/{code}/"), client.post("/check-in/", {"code": code})]
    client.force_login(lead)
    pages.append(client.get(f"/meetings/{occurrence.pk}/check-in/"))
    for page in pages:
        assert "Frances First" not in page.content.decode()
    assert "2 people checked in so far" in pages[-1].content.decode()
    assert Membership.objects.filter(group=circle, hidden=True).count() == 3


def test_it_lets_a_lead_still_fix_attendance_by_hand_after_check_in(client, meeting_now, lead, member):
    code = services.check_in_code_get_or_create(occurrence=meeting_now).code
    services.occurrence_check_in(code=code, user=member)
    came = MembershipFactory(group=meeting_now.meeting.group).user
    services.rsvp_set(occurrence=meeting_now, user=came, response="going")
    client.force_login(lead)
    client.post(f"/meetings/{meeting_now.pk}/attendance/", {"attended": [came.pk]})
    assert RSVP.objects.get(user=member).attended is False
    assert RSVP.objects.get(user=came).attended is True


def test_it_lets_a_lead_set_professional_learning_hours(client, meeting_now, lead, member):
    client.force_login(member)
    assert client.post(f"/meetings/series/{meeting_now.meeting_id}/hours/", {"credit_hours": "2"}).status_code == 403
    client.force_login(lead)
    client.post(f"/meetings/series/{meeting_now.meeting_id}/hours/", {"credit_hours": "1.5"})
    meeting_now.meeting.refresh_from_db()
    assert str(meeting_now.meeting.credit_hours) == "1.50"
    client.post(f"/meetings/series/{meeting_now.meeting_id}/hours/", {"credit_hours": "99"})
    meeting_now.meeting.refresh_from_db()
    assert str(meeting_now.meeting.credit_hours) == "1.50"


def test_it_pins_the_queries_of_the_check_in_pages(client, meeting_now, lead, member, django_assert_num_queries):
    code = services.check_in_code_get_or_create(occurrence=meeting_now).code
    for _ in range(5):
        services.occurrence_check_in(code=code, user=MembershipFactory(group=meeting_now.meeting.group).user)
    client.force_login(lead)
    client.get(f"/meetings/{meeting_now.pk}/check-in/")
    with django_assert_num_queries(4):
        assert client.get(f"/meetings/{meeting_now.pk}/check-in/").status_code == 200
