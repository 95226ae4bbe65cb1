"""Every roster decision a lead takes names them in the audit log (services that take `by=` record it)."""

import pytest

from belong.models import AuditLog
from groups import services
from groups.models import Group, Membership

from .factories import GroupFactory, LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory(join_policy=Group.JoinPolicy.APPROVAL)


@pytest.fixture
def lead(group):
    return LeadFactory(group=group).user


def _entry(action: str, membership: Membership) -> AuditLog:
    entry = AuditLog.objects.get(action=action, object_id=str(membership.pk))
    # The group is named by id only, so the admin can hide the row if the group turns confidential.
    assert entry.detail["group_id"] == membership.group_id
    return entry


def test_it_names_the_lead_who_approved_a_request(group, lead):
    request = PendingFactory(group=group)
    services.request_approve(group=group, membership=request, by=lead)
    assert _entry("groups.request_approved", request).actor == lead


def test_it_names_the_lead_who_declined_a_request(group, lead):
    request = PendingFactory(group=group)
    services.request_decline(group=group, membership=request, by=lead)
    assert _entry("groups.request_declined", request).actor == lead


def test_it_names_the_lead_who_removed_a_member(group, lead):
    member = MembershipFactory(group=group)
    services.member_remove(group=group, membership=member, by=lead)
    assert _entry("groups.membership_removed", member).actor == lead


def test_it_names_the_lead_who_made_a_colead(group, lead):
    member = MembershipFactory(group=group)
    services.member_make_colead(group=group, membership=member, by=lead)
    assert _entry("groups.colead_made", member).actor == lead


def test_it_names_the_lead_who_kept_a_flagged_member(group, lead):
    member = MembershipFactory(group=group)
    services.member_keep_flagged(group=group, membership=member, by=lead)
    assert _entry("groups.flagged_member_kept", member).actor == lead
