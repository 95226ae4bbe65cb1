"""Factories for meetings' tests. Meetings are made through the real service, as leads make them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from groups.models import Group, Membership
from meetings import services
from meetings.models import Audience, Meeting, Occurrence, district_zone
from tests.factories import UserFactory


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Meeting Circle {n}")
    slug = factory.Sequence(lambda n: f"meeting-circle-{n}")
    summary = "Staff gathering for conversation and community."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class LeadFactory(MembershipFactory):
    role = Membership.Role.LEAD


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
