"""Every change a lead makes to a meeting names them in the audit log (services that take `by=` record it)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from belong.models import AuditLog
from meetings import services

from .factories import first_occurrence, local, next_week, schedule

pytestmark = pytest.mark.django_db


def _entry(action: str, object_type: str, pk: int) -> AuditLog:
    # "meeting" / "occurrence" are the object types the admin hides for a confidential group.
    return AuditLog.objects.get(action=action, object_type=object_type, object_id=str(pk))


def test_it_names_who_changed_a_series(group, lead):
    meeting = schedule(by=lead, group=group)
    services.meeting_update(meeting=meeting, by=lead, title="Renamed gathering")
    entry = _entry("meetings.meeting_changed", "meeting", meeting.pk)
    assert entry.actor == lead
    assert entry.detail == {"fields": ["title"]}


def test_it_names_who_moved_one_date(group, lead):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    day = next_week() + timedelta(days=1)
    services.occurrence_update(occurrence=occurrence, by=lead, starts_at=local(day, 16), ends_at=local(day, 17))
    assert _entry("meetings.occurrence_changed", "occurrence", occurrence.pk).actor == lead


def test_it_names_who_cancelled_one_date(group, lead):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    services.occurrence_cancel(occurrence=occurrence, by=lead, reason="Snow day")
    assert _entry("meetings.occurrence_cancelled", "occurrence", occurrence.pk).actor == lead


def test_it_names_who_cancelled_a_series(group, lead):
    meeting = schedule(by=lead, group=group)
    services.meeting_cancel(meeting=meeting, by=lead, reason="The group paused")
    entry = _entry("meetings.meeting_cancelled", "meeting", meeting.pk)
    assert entry.actor == lead
    assert entry.detail == {"dates": 1}
