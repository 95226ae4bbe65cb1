"""The audience rule applies to every view of an event, not only to the listings.

Written as the attack: a teacher who types the address of an administrators-only event, its .ics file,
or reads it off a group's public schedule or page.
"""

from __future__ import annotations

import pytest

from meetings import services
from meetings.models import Audience
from meetings.selectors import public_schedule_for, upcoming_for_group
from tests.factories import UserFactory

from .factories import first_occurrence, schedule

pytestmark = pytest.mark.django_db

ADMIN_ONLY = "Principals budget briefing"


@pytest.fixture
def admin_event(equity_director):
    return first_occurrence(
        schedule(by=equity_director, group=None, title=ADMIN_ONLY, audience=Audience.ADMINISTRATORS)
    )


@pytest.fixture
def admin_group_meeting(group, lead):
    group.public_schedule = True
    group.save()
    return first_occurrence(schedule(by=lead, group=group, title=ADMIN_ONLY, audience=Audience.ADMINISTRATORS))


def _user(role, *, staff, administrator, member, lead, equity_director):
    return {
        "staff": staff,
        "administrator": administrator,
        "member": member,
        "lead": lead,
        "director": equity_director,
    }[role]


# Role x URL -> status for a district event for administrators only.
@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff", 404), ("member", 404), ("lead", 404), ("administrator", 200), ("director", 200)],
)
@pytest.mark.parametrize("suffix", ["/", ".ics"])
def test_it_shows_an_administrators_only_event_to_its_audience_only(
    client, admin_event, role, expected, suffix, staff, administrator, member, lead, equity_director
):
    client.force_login(
        _user(role, staff=staff, administrator=administrator, member=member, lead=lead, equity_director=equity_director)
    )
    response = client.get(f"/meetings/{admin_event.pk}{suffix}")
    assert response.status_code == expected
    assert (ADMIN_ONLY.encode() in response.content) == (expected == 200)


def test_it_refuses_the_ics_to_a_teacher_who_types_its_address(client, admin_event, staff):
    client.force_login(staff)
    response = client.get(f"/meetings/{admin_event.pk}.ics")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_it_refuses_a_reply_from_outside_the_audience_without_confirming_the_event(client, admin_event, staff):
    client.force_login(staff)
    assert client.post(f"/meetings/{admin_event.pk}/reply/", {"response": "going"}).status_code == 404


def test_it_keeps_the_event_for_someone_who_replied_before_their_role_changed(client, admin_event, administrator):
    services.rsvp_set(occurrence=admin_event, user=administrator, response="going")
    administrator.job_role = UserFactory.job_role
    administrator.save()
    client.force_login(administrator)
    assert client.get(f"/meetings/{admin_event.pk}.ics").status_code == 200


def test_it_leaves_the_event_out_of_a_teachers_feed_and_in_an_administrators(client, admin_event, staff, administrator):
    teacher_feed = client.get(f"/me/calendar/{staff.calendar_token}.ics")
    assert teacher_feed.status_code == 200 and ADMIN_ONLY.encode() not in teacher_feed.content
    principal_feed = client.get(f"/me/calendar/{administrator.calendar_token}.ics")
    assert ADMIN_ONLY.encode() in principal_feed.content


def test_it_leaves_an_administrators_only_meeting_off_the_public_schedule_and_feed(
    client, group, admin_group_meeting, lead
):
    open_meeting = first_occurrence(schedule(by=lead, group=group, title="Open circle", audience=Audience.ALL_STAFF))
    for url in (f"/groups/{group.slug}/schedule/", f"/groups/{group.slug}/schedule.ics"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Open circle" in response.content and ADMIN_ONLY.encode() not in response.content, url
    assert [o.pk for o in public_schedule_for(group)] == [open_meeting.pk]


def test_it_lists_a_groups_administrators_only_meeting_to_its_leads_and_administrators_only(
    group, admin_group_meeting, member, lead, administrator
):
    assert upcoming_for_group(group, member) == []
    assert upcoming_for_group(group) == []
    assert [o.pk for o in upcoming_for_group(group, lead)] == [admin_group_meeting.pk]
    assert [o.pk for o in upcoming_for_group(group, administrator)] == [admin_group_meeting.pk]


def test_it_still_shows_a_non_administrators_event_to_an_administrator_with_the_reason(
    client, equity_director, administrator
):
    occurrence = first_occurrence(
        schedule(by=equity_director, group=None, title="Kick-off", audience=Audience.NON_ADMINISTRATORS)
    )
    client.force_login(administrator)
    page = client.get(occurrence.get_absolute_url())
    assert page.status_code == 200 and "administrators cannot reply" in page.content.decode()
