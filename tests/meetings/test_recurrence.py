"""Series expand in the district's wall-clock time, so daylight-saving changes do not move them."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings import recurrence
from meetings.models import Audience

from .factories import local, schedule

NEW_YORK = ZoneInfo("America/New_York")


def next_fall_back(after: date) -> date:
    """The first Sunday of November (US clocks go back) after `after`."""
    year = after.year
    while True:
        first = date(year, 11, 1)
        sunday = first + timedelta(days=(6 - first.weekday()) % 7)
        if sunday > after + timedelta(days=7):
            return sunday
        year += 1


def test_it_keeps_a_weekly_meeting_at_half_past_three_across_the_november_change():
    # A fixed past week is fine here: expanding does not check that dates are in the future.
    first = local(date(2026, 10, 27), 15, 30)
    pairs = recurrence.expand(
        starts_at=first, ends_at=local(date(2026, 10, 27), 16, 30), rule="FREQ=WEEKLY", repeat_until=date(2026, 11, 10)
    )
    assert [timezone.localtime(start, NEW_YORK).strftime("%m-%d %H:%M") for start, _end in pairs] == [
        "10-27 15:30",
        "11-03 15:30",
        "11-10 15:30",
    ]
    assert [timezone.localtime(end, NEW_YORK).strftime("%H:%M") for _start, end in pairs] == ["16:30"] * 3
    # The instant moves by an hour in UTC: that is the point.
    assert pairs[0][0].astimezone(ZoneInfo("UTC")).hour == 19
    assert pairs[1][0].astimezone(ZoneInfo("UTC")).hour == 20


@pytest.mark.django_db
def test_it_stores_and_exports_a_series_spanning_the_clock_change_at_the_same_local_time(group, lead):
    sunday = next_fall_back(timezone.localdate())
    tuesday_before = sunday - timedelta(days=5)
    meeting = schedule(
        by=lead, group=group, day=tuesday_before, recurrence="FREQ=WEEKLY", repeat_until=sunday + timedelta(days=9)
    )
    occurrences = list(meeting.occurrences.order_by("starts_at"))
    assert len(occurrences) == 3
    offsets = {timezone.localtime(o.starts_at, NEW_YORK).utcoffset() for o in occurrences}
    assert offsets == {timedelta(hours=-4), timedelta(hours=-5)}
    for occurrence in occurrences:
        assert timezone.localtime(occurrence.starts_at, NEW_YORK).strftime("%H:%M") == "15:30"
        assert timezone.localtime(occurrence.ends_at, NEW_YORK).strftime("%H:%M") == "16:30"

    from meetings import calendar

    parsed = Calendar.from_ical(calendar.calendar_for(occurrences))
    starts = [event.decoded("dtstart") for event in parsed.walk("VEVENT")]
    assert [start.strftime("%H:%M") for start in starts] == ["15:30"] * 3
    assert {str(event["dtstart"].params["TZID"]) for event in parsed.walk("VEVENT")} == {"America/New_York"}


def test_it_builds_first_tuesday_monthly_from_the_first_date():
    assert recurrence.rule_for(recurrence.Repeat.MONTHLY_WEEKDAY, date(2026, 12, 1)) == "FREQ=MONTHLY;BYDAY=+1TU"
    assert recurrence.rule_for(recurrence.Repeat.MONTHLY_WEEKDAY, date(2026, 12, 29)) == "FREQ=MONTHLY;BYDAY=-1TU"
    assert recurrence.rule_for(recurrence.Repeat.NONE, date(2026, 12, 1)) == ""


@pytest.mark.django_db
def test_it_expands_first_tuesday_monthly_for_a_year_and_no_further(group, lead):
    today = timezone.localdate()
    first = date(today.year + 1, 1, 1) + timedelta(days=(1 - date(today.year + 1, 1, 1).weekday()) % 7)
    meeting = schedule(
        by=lead,
        group=group,
        day=first,
        audience=Audience.MEMBERS,
        recurrence=recurrence.rule_for(recurrence.Repeat.MONTHLY_WEEKDAY, first),
    )
    days = [timezone.localtime(o.starts_at, NEW_YORK).date() for o in meeting.occurrences.order_by("starts_at")]
    assert len(days) == 12
    assert all(day.weekday() == 1 and day.day <= 7 for day in days)
    assert days[-1] <= recurrence.last_possible_day(first) < date(first.year + 1, 1, 1)
