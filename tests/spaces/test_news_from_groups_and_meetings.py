"""Decided requests and changed or cancelled meetings reach people's notifications through the groups and
meetings apps' signals (those apps know nothing of spaces)."""

from __future__ import annotations

import pytest

from groups import services as group_services
from groups.models import Group, Membership
from meetings import services as meeting_services
from spaces.models import Kind, Notification
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, LeadFactory
from tests.meetings.factories import first_occurrence, schedule

pytestmark = pytest.mark.django_db


def test_it_tells_the_asker_when_a_request_is_approved_or_declined(world):
    group = GroupFactory(name="Tide Pool", join_policy=Group.JoinPolicy.APPROVAL)
    lead = LeadFactory(group=group).user
    asker, refused = UserFactory(), UserFactory()
    for person in (asker, refused):
        group_services.group_join(group=group, user=person)
    pending = Membership.objects.filter(group=group, status=Membership.Status.PENDING)

    group_services.request_approve(group=group, membership=pending.get(user=asker), by=lead)
    group_services.request_decline(group=group, membership=pending.get(user=refused), by=lead)

    for person in (asker, refused):
        [note] = Notification.objects.filter(user=person)
        assert (note.kind, note.group_id) == (Kind.REQUEST_DECIDED, group.pk)


def test_it_tells_everyone_invited_when_a_group_meeting_changes_or_is_cancelled(world):
    meeting = schedule(by=world.lead, group=world.group)
    occurrence = first_occurrence(meeting)

    meeting_services.meeting_update(meeting=meeting, by=world.lead, title="Moved upstairs")
    changed = set(Notification.objects.filter(kind=Kind.MEETING_CHANGED).values_list("user_id", flat=True))
    assert {world.member.pk, world.second.pk, world.third.pk} <= changed
    assert world.outsider.pk not in changed

    meeting_services.occurrence_cancel(occurrence=occurrence, by=world.lead, reason="Snow day")
    assert Notification.objects.filter(kind=Kind.MEETING_CHANGED, user=world.member).count() == 2


def test_it_leaves_district_events_to_their_e_mail(world, director):
    meeting = schedule(by=director, group=None, audience="all_staff", title="Convocation")
    meeting_services.meeting_update(meeting=meeting, by=director, title="Convocation, new room")
    assert not Notification.objects.filter(kind=Kind.MEETING_CHANGED).exists()
