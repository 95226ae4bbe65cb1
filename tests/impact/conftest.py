"""Fixtures for impact's tests: the meetings fixtures (a group, its lead, a member, the district's zone)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Occurrence
from tests.comments.conftest import _comment_settings, submit, topic  # noqa: F401 - fixtures
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, LeadFactory
from tests.meetings.conftest import (  # noqa: F401 - fixtures
    _district_time_zone,
    administrator,
    equity_director,
    member,
    other_lead,
)
from tests.meetings.factories import first_occurrence, schedule


def move(occurrence: Occurrence, *, starts_in: timedelta, length: timedelta = timedelta(hours=1)) -> Occurrence:
    """Put a date at a time relative to now (services refuse to schedule in the past; tests need it)."""
    start = timezone.now() + starts_in
    Occurrence.objects.filter(pk=occurrence.pk).update(starts_at=start, ends_at=start + length)
    occurrence.refresh_from_db()
    return occurrence


@pytest.fixture
def group(db):
    return GroupFactory(name="Harbor Lights Circle", slug="harbor-lights")


@pytest.fixture
def lead(group):
    return LeadFactory(group=group, user=UserFactory(full_name="Lena Lead")).user


@pytest.fixture
def meeting_now(group, lead):
    """A members-only meeting of `group` that started ten minutes ago: check-in is open."""
    occurrence = first_occurrence(schedule(by=lead, group=group, title="Harbor circle"))
    return move(occurrence, starts_in=-timedelta(minutes=10))
