"""The demo meetings: the kick-off, the administrators' event, monthly series, a public schedule."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from meetings import demo
from meetings.models import Audience, Meeting, Occurrence
from tests.factories import AdministratorFactory, SchoolFactory, UserFactory
from tests.groups.factories import GroupFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_meetings_once(equity_director):
    SchoolFactory(name="Putnam Avenue Upper School", code="putnam-avenue")
    SchoolFactory(name="Central Office", code="central-office")
    lgbtq = GroupFactory(name="LGBTQ+ Belong Group", slug="lgbtq-belong-group", is_confidential=True)
    LeadFactory(group=lgbtq)
    people = {
        "director": equity_director,
        "teacher": UserFactory(),
        "lead": UserFactory(),
        "principal": AdministratorFactory(),
    }

    demo.load(io.StringIO(), people)
    counts = (Meeting.objects.count(), Occurrence.objects.count())
    demo.load(io.StringIO(), people)
    assert (Meeting.objects.count(), Occurrence.objects.count()) == counts

    kick_off = Meeting.objects.get(title=demo.KICK_OFF)
    assert kick_off.group is None and kick_off.audience == Audience.NON_ADMINISTRATORS
    assert kick_off.school.code == "putnam-avenue"
    start = timezone.localtime(kick_off.starts_at)
    assert (start.strftime("%H:%M"), timezone.localtime(kick_off.ends_at).strftime("%H:%M")) == ("15:15", "17:00")
    assert kick_off.starts_at > timezone.now() and start.weekday() < 5
    assert Meeting.objects.get(title=demo.ADMINISTRATORS_EVENT).audience == Audience.ADMINISTRATORS

    series = Meeting.objects.get(group=lgbtq)
    dates = [timezone.localtime(o.starts_at) for o in series.occurrences.all()]
    assert len(dates) == 12
    assert all(d.weekday() == 1 and d.day <= 7 and d.strftime("%H:%M") == "15:30" for d in dates)
    lgbtq.refresh_from_db()
    assert lgbtq.public_schedule
