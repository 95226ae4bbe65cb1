"""Meetings for tests, made through the real service as leads make them.

Groups and memberships come from tests/groups/factories.py, the one set of them for every app's tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from groups.models import Group
from meetings import services
from meetings.models import Audience, Meeting, Occurrence, district_zone


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=district_zone())


def next_week() -> date:
    return timezone.localdate() + timedelta(days=7)


def schedule(
    *,
    by=None,
    group: Group | None = None,
    day: date | None = None,
    start=(15, 30),
    end=(16, 30),
    audience: str = Audience.MEMBERS,
    **extra,
) -> Meeting:
    day = day or next_week()
    return services.meeting_schedule(
        by=by,
        group=group,
        title=extra.pop("title", "Monthly gathering"),
        audience=audience,
        starts_at=local(day, *start),
        ends_at=local(day, *end),
        **extra,
    )


def first_occurrence(meeting: Meeting) -> Occurrence:
    return meeting.occurrences.order_by("starts_at").first()
