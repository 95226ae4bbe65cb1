"""My participation: attended meetings by school year with hours, and the printable record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from impact.models import CertificateSettings
from impact.selectors import school_year_of
from meetings import services as meetings
from tests.factories import UserFactory
from tests.groups.factories import ConfidentialGroupFactory, LeadFactory, MembershipFactory
from tests.meetings.factories import first_occurrence, schedule

from .conftest import move

pytestmark = pytest.mark.django_db


def came(person, occurrence):
    code = meetings.check_in_code_get_or_create(occurrence=occurrence).code
    meetings.occurrence_check_in(code=code, user=person, now=occurrence.starts_at)


def past_meeting(group, lead, *, days_ago: int, title: str, hours: str | None = None):
    meeting = schedule(by=lead, group=group, title=title)
    if hours:
        meetings.meeting_set_credit_hours(meeting=meeting, hours=Decimal(hours), by=lead)
    return move(first_occurrence(meeting), starts_in=-timedelta(days=days_ago), length=timedelta(minutes=90))


def test_it_lists_what_a_person_attended_by_school_year_with_hours(client, group, lead, member):
    recent = past_meeting(group, lead, days_ago=2, title="Book circle", hours="2")
    older = past_meeting(group, lead, days_ago=400, title="Last year's circle")
    skipped = past_meeting(group, lead, days_ago=3, title="Missed circle")
    came(member, recent)
    came(member, older)
    assert skipped
    client.force_login(member)
    page = client.get("/me/participation/").content.decode()
    assert "Book circle" in page and "Last year&#x27;s circle" in page and "Missed circle" not in page
    this_year = school_year_of(recent.starts_at.date())
    assert f"School year {this_year}\u2013{str(this_year + 1)[-2:]}: 2.00 hours" in page
    assert "1.50" in page  # no hours set: the meeting's length

    csv = client.get(f"/me/participation/{this_year}.csv").content.decode()
    assert "Book circle" in csv and "2.00" in csv


def test_it_prints_a_record_with_the_districts_policy_and_leaves_confidential_groups_out_unless_asked(client):
    person = UserFactory(full_name="Rae Record")
    circle = ConfidentialGroupFactory(name="Quiet Harbor", slug="quiet-harbor")
    circle_lead = LeadFactory(group=circle).user
    MembershipFactory(group=circle, user=person)
    open_group_lead = LeadFactory().user
    MembershipFactory(group=open_group_lead.memberships.get().group, user=person)
    quiet = past_meeting(circle, circle_lead, days_ago=2, title="Quiet gathering")
    shared = past_meeting(open_group_lead.memberships.get().group, open_group_lead, days_ago=2, title="Open circle")
    came(person, quiet)
    came(person, shared)
    CertificateSettings.objects.create(awards_credit=True, policy_text="Counts toward PD hours.", signatory="Dana D")
    client.force_login(person)
    year = school_year_of(shared.starts_at.date())
    record = client.get(f"/me/participation/{year}/").content.decode()
    assert "Rae Record" in record and "Open circle" in record and "Counts toward PD hours." in record
    assert "Quiet gathering" not in record and "Quiet Harbor" not in record
    assert "1 meeting of a confidential group is left out" in record
    assert "Quiet gathering" in client.get(f"/me/participation/{year}/?confidential=1").content.decode()
    assert client.get(f"/me/participation/{year - 5}/").status_code == 404


def test_it_shows_a_person_only_their_own_record(client, group, lead, member):
    came(member, past_meeting(group, lead, days_ago=2, title="Book circle"))
    client.force_login(UserFactory())
    assert "Book circle" not in client.get("/me/participation/").content.decode()


def test_it_pins_the_queries_of_my_participation(client, group, lead, member, django_assert_num_queries):
    for days in range(2, 8):
        came(member, past_meeting(group, lead, days_ago=days, title=f"Circle {days}"))
    client.force_login(member)
    client.get("/me/participation/")
    with django_assert_num_queries(1):
        assert client.get("/me/participation/").status_code == 200
