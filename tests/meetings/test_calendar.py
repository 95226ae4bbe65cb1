"""Calendar files and feeds, parsed back with the icalendar library."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.models import Audience

from .factories import first_occurrence, next_week, schedule

pytestmark = pytest.mark.django_db


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def only_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_it_downloads_one_meeting_with_time_zone_uid_and_sequence(client, group, lead, member):
    meeting = schedule(by=lead, group=group, start=(15, 15), end=(17, 0), agenda="Plan the year.")
    occurrence = first_occurrence(meeting)
    client.force_login(member)
    calendar = parse(client.get(f"/meetings/{occurrence.pk}.ics"))

    assert str(calendar["method"]) == "PUBLISH"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    event = only_event(calendar)
    assert str(event["uid"]) == f"{occurrence.uid}@belong"
    assert event.decoded("dtstart") == occurrence.starts_at
    assert event.decoded("dtstart").strftime("%H:%M") == "15:15"
    assert event.decoded("dtend").strftime("%H:%M") == "17:00"
    assert str(event["dtstart"].params["TZID"]) == "America/New_York"
    assert int(event["sequence"]) == 0
    assert str(event["status"]) == "CONFIRMED"
    assert "Plan the year." in str(event["description"])


def test_it_keeps_the_uid_and_grows_the_sequence_with_each_change(client, group, lead, member):
    meeting = schedule(by=lead, group=group)
    occurrence = first_occurrence(meeting)
    client.force_login(member)
    before = only_event(parse(client.get(f"/meetings/{occurrence.pk}.ics")))

    services.meeting_update(meeting=meeting, by=lead, title="Monthly gathering (new room)")
    after_series_change = only_event(parse(client.get(f"/meetings/{occurrence.pk}.ics")))
    services.occurrence_update(
        occurrence=occurrence,
        by=lead,
        starts_at=occurrence.starts_at + timedelta(hours=1),
        ends_at=occurrence.ends_at + timedelta(hours=1),
        address="Library, 10 Library Lane",
    )
    after_date_change = only_event(parse(client.get(f"/meetings/{occurrence.pk}.ics")))

    assert str(before["uid"]) == str(after_series_change["uid"]) == str(after_date_change["uid"])
    assert int(before["sequence"]) < int(after_series_change["sequence"]) < int(after_date_change["sequence"])
    assert str(after_series_change["summary"]) == "Monthly gathering (new room)"
    assert after_date_change.decoded("dtstart").strftime("%H:%M") == "16:30"
    assert str(after_date_change["location"]) == "Library, 10 Library Lane"


def test_it_sends_cancel_for_a_cancelled_meeting(client, group, lead, member):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    client.force_login(member)
    sequence_before = int(only_event(parse(client.get(f"/meetings/{occurrence.pk}.ics")))["sequence"])
    services.occurrence_cancel(occurrence=occurrence, by=lead, reason="Snow day")

    calendar = parse(client.get(f"/meetings/{occurrence.pk}.ics"))
    assert str(calendar["method"]) == "CANCEL"
    event = only_event(calendar)
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) > sequence_before


def test_it_serves_a_private_feed_by_token_without_signing_in(client, group, lead, member):
    meeting = schedule(by=lead, group=group, recurrence="FREQ=WEEKLY", repeat_until=next_week() + timedelta(days=14))
    services.occurrence_cancel(occurrence=first_occurrence(meeting), by=lead)
    district_event = schedule(by=None, group=None, title="District kick-off", audience=Audience.ALL_STAFF)

    response = client.get(f"/me/calendar/{member.calendar_token}.ics")
    calendar = parse(response)
    assert not response.cookies
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["District kick-off"] + ["Monthly gathering"] * 3
    statuses = sorted(str(e["status"]) for e in calendar.walk("VEVENT"))
    assert statuses == ["CANCELLED", "CONFIRMED", "CONFIRMED", "CONFIRMED"]
    uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    assert f"{first_occurrence(district_event).uid}@belong" in uids


def test_it_answers_404_for_an_unknown_feed_token_and_after_a_reset(client, member):
    assert client.get("/me/calendar/not-a-real-token.ics").status_code == 404
    old = member.calendar_token
    client.force_login(member)
    response = client.post("/me/calendar/reset/")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.calendar_token != old
    client.logout()
    assert client.get(f"/me/calendar/{old}.ics").status_code == 404
    assert client.get(f"/me/calendar/{member.calendar_token}.ics").status_code == 200


def test_it_leaves_meetings_of_other_groups_and_declined_ones_out_of_the_feed(client, group, lead, member, other_lead):
    from .factories import GroupFactory

    schedule(by=other_lead, group=GroupFactory(), title="Someone else's meeting")
    declined = first_occurrence(schedule(by=lead, group=group, title="Declined one"))
    services.rsvp_set(occurrence=declined, user=member, response="not_going")
    calendar = parse(client.get(f"/me/calendar/{member.calendar_token}.ics"))
    assert calendar.walk("VEVENT") == []


def test_it_serves_the_public_group_feed_with_times_and_places_only(client, group, lead, member):
    group.public_schedule = True
    group.save()
    schedule(
        by=lead,
        group=group,
        address="Library, 10 Library Lane",
        online_url="https://meet.example/secret",
        agenda="Private agenda",
    )
    response = client.get(f"/groups/{group.slug}/schedule.ics")
    event = only_event(parse(response))
    assert not response.cookies
    assert str(event["location"]) == "Library, 10 Library Lane"
    assert "description" not in event and "organizer" not in event
    assert b"meet.example" not in response.content and b"Private agenda" not in response.content


def test_it_has_no_public_feed_when_the_schedule_is_not_public(client, group, lead):
    schedule(by=lead, group=group)
    assert client.get(f"/groups/{group.slug}/schedule.ics").status_code == 404
    assert client.get("/groups/no-such-group/schedule.ics").status_code == 404


def test_it_marks_times_as_the_district_zone_even_for_a_utc_server_clock(client, group, lead, member, settings):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    client.force_login(member)
    event = only_event(parse(client.get(f"/meetings/{occurrence.pk}.ics")))
    assert event.decoded("dtstart").tzinfo is not None
    assert event.decoded("dtstart") - timezone.localtime(occurrence.starts_at) == timedelta(0)
