"""Demo meetings: the Cambridge-style kick-off, an administrators' event, monthly group meetings and
a public schedule for the confidential LGBTQ+ group. Safe to run again: nothing is duplicated."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import School, User
from groups.models import Group, Membership

from . import services
from .models import RSVP, Audience, Meeting, district_zone
from .recurrence import Repeat, rule_for

KICK_OFF = "Employee Resource Groups kick-off"
ADMINISTRATORS_EVENT = "Employee Resource Groups: a session for administrators"

# (group name, where: school code or a community address, seats)
MONTHLY = [
    ("Latinx/Hispanic Belong Group", "cedar-hill", None, 30),
    ("LGBTQ+ Belong Group", None, "Riverside Public Library, Community Room, 10 Library Lane", None),
    ("Educators of Color Network", "riverside-high", None, None),
    ("Asian Belong Group", None, "Golden Lotus Bakery, 88 Market Street", 12),
]
PUBLIC_SCHEDULE_GROUP = "LGBTQ+ Belong Group"


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=district_zone())


def _kick_off_day(today: date) -> date:
    """The next May 23 (as in the seed), moved to the Monday when it falls on a weekend."""
    day = date(today.year, 5, 23)
    if day <= today:
        day = date(today.year + 1, 5, 23)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _next_first_tuesday(today: date) -> date:
    year, month = today.year, today.month
    while True:
        first = date(year, month, 1)
        tuesday = first + timedelta(days=(1 - first.weekday()) % 7)
        if tuesday > today:
            return tuesday
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _event(title: str, **fields) -> Meeting:
    existing = Meeting.objects.filter(title=title, group=fields.get("group")).first()
    return existing or services.meeting_schedule(title=title, invite=False, **fields)


def load(stdout, people: dict[str, User]) -> None:
    today = timezone.localdate()
    schools = {school.code: school for school in School.objects.all()}
    director = people["director"]

    kick_off_day = _kick_off_day(today)
    kick_off = _event(
        KICK_OFF,
        by=director,
        group=None,
        audience=Audience.NON_ADMINISTRATORS,
        starts_at=_at(kick_off_day, 15, 15),
        ends_at=_at(kick_off_day, 17, 0),
        school=schools.get("putnam-avenue"),
        capacity=150,
        agenda=(
            "Human Resources and the Educators of Color Committee launch Employee Resource Groups. Come help "
            "form and plan these volunteer-driven groups. For all staff except administrators: a separate "
            "event for administrators follows."
        ),
    )
    admin_day = today + timedelta(days=14)
    _event(
        ADMINISTRATORS_EVENT,
        by=director,
        group=None,
        audience=Audience.ADMINISTRATORS,
        starts_at=_at(admin_day, 15, 30),
        ends_at=_at(admin_day, 17, 0),
        school=schools.get("central-office"),
        agenda="How principals and district leaders can support Employee Resource Groups at their sites.",
    )

    first_tuesday = _next_first_tuesday(today)
    series = 0
    for name, school_code, address, capacity in MONTHLY:
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        lead = (
            Membership.objects.filter(group=group, role=Membership.Role.LEAD, status=Membership.Status.ACTIVE)
            .select_related("user")
            .first()
        )
        _event(
            f"{group.name}: monthly meeting",
            by=lead.user if lead else director,
            group=group,
            audience=Audience.MEMBERS,
            starts_at=_at(first_tuesday, 15, 30),
            ends_at=_at(first_tuesday, 16, 30),
            school=schools.get(school_code) if school_code else None,
            address=address or "",
            capacity=capacity,
            recurrence=rule_for(Repeat.MONTHLY_WEEKDAY, first_tuesday),
            agenda="First Tuesday of every month: check-in, the month's topic, and planning what comes next.",
        )
        series += 1

    Group.objects.filter(name=PUBLIC_SCHEDULE_GROUP).update(public_schedule=True)

    # A few replies so the pages have something to show.
    first_kick_off = kick_off.occurrences.order_by("starts_at").first()
    if first_kick_off is not None:
        RSVP.objects.get_or_create(
            occurrence=first_kick_off, user=people["teacher"], defaults={"response": RSVP.Response.GOING}
        )
        RSVP.objects.get_or_create(
            occurrence=first_kick_off, user=people["lead"], defaults={"response": RSVP.Response.GOING}
        )
    stdout.write(
        f"  meetings: {Meeting.objects.count()} meetings and events ({series} monthly series); "
        f"public schedule for {PUBLIC_SCHEDULE_GROUP}"
    )
