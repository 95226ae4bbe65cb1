"""Group.member_count is kept by a database trigger, whatever writes the memberships."""

import csv
import io

import pytest
from django.db import connection

from accounts.models import JobRole
from groups import services
from groups.models import Group, Membership
from tests.factories import DirectorFactory, SchoolFactory, UserFactory

from .factories import GroupFactory, LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db


def _count(group: Group) -> int:
    return Group.objects.values_list("member_count", flat=True).get(pk=group.pk)


def _actual(group: Group) -> int:
    return Membership.objects.filter(group=group, status=Membership.Status.ACTIVE).count()


def test_it_counts_joins_and_leaves_through_the_services():
    group = GroupFactory()
    people = UserFactory.create_batch(3)
    for person in people:
        services.group_join(group=group, user=person)
    assert _count(group) == 3
    services.group_leave(group=group, user=people[0])
    services.group_leave(group=group, user=people[0])  # a second click changes nothing
    assert _count(group) == 2 == _actual(group)


def test_it_counts_a_request_only_once_approved():
    group = GroupFactory(join_policy=Group.JoinPolicy.APPROVAL)
    lead = LeadFactory(group=group).user
    result = services.group_join(group=group, user=UserFactory())
    assert _count(group) == 1  # the lead
    services.request_approve(group=group, membership=result.membership, by=lead)
    assert _count(group) == 2
    declined = services.group_join(group=group, user=UserFactory())
    services.request_decline(group=group, membership=declined.membership, by=lead)
    assert _count(group) == 2 == _actual(group)


def test_it_counts_writes_that_bypass_the_services():
    group, other = GroupFactory(), GroupFactory()
    pending = PendingFactory(group=group)
    member = MembershipFactory(group=group)
    assert _count(group) == 1
    pending.status = Membership.Status.ACTIVE
    pending.save()  # e.g. the admin's membership inline
    member.save()  # a save that changes nothing
    assert _count(group) == 2
    Membership.objects.filter(pk=member.pk).update(group=other)
    assert (_count(group), _count(other)) == (1, 1)
    Membership.objects.filter(group=group).update(status=Membership.Status.PENDING)
    assert _count(group) == 0
    Membership.objects.filter(group=other).delete()
    assert _count(other) == 0


def test_it_never_writes_a_stale_count_back():
    group = GroupFactory()
    stale = Group.objects.get(pk=group.pk)
    MembershipFactory.create_batch(2, group=group)
    stale.summary = "Edited by the director while two people joined."
    stale.save()
    assert _count(group) == 2
    assert Group.objects.get(pk=group.pk).summary.startswith("Edited")


def test_it_repairs_counts_after_a_bulk_load_without_the_trigger():
    group = GroupFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while FK checks are pending
        cursor.execute("ALTER TABLE groups_membership DISABLE TRIGGER groups_membership_count")
        MembershipFactory.create_batch(3, group=group)
        cursor.execute("ALTER TABLE groups_membership ENABLE TRIGGER groups_membership_count")
    assert _count(group) == 0
    assert services.group_recount_members() == 1
    assert _count(group) == 3
    assert services.group_recount_members(group_ids=[group.pk]) == 0


def test_it_shows_the_count_on_the_directory_and_group_page(client):
    group = GroupFactory(name="Lantern Readers")
    MembershipFactory.create_batch(4, group=group)
    PendingFactory(group=group)
    client.force_login(UserFactory())
    assert "4 members" in client.get("/groups/").text
    assert "4 members" in client.get(f"/groups/{group.slug}/").text


def test_it_exports_every_member_with_readable_labels(client):
    group = GroupFactory()
    lead = LeadFactory(group=group, user=UserFactory(full_name="Lena Lead"))
    school = SchoolFactory(name="Maple Elementary")
    MembershipFactory(
        group=group,
        user=UserFactory(
            full_name="", preferred_name="", email="no.name@district.test", job_role=JobRole.TEACHER, school=school
        ),
    )
    PendingFactory(group=group, user=UserFactory(full_name="Petra Pending"))
    client.force_login(lead.user)
    response = client.post(f"/groups/{group.slug}/roster.csv", {"purpose": "Sign-in sheet for the retreat"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Name", "E-mail", "Job role"]
    by_email = {row[1]: row for row in rows[1:]}
    assert len(by_email) == 3
    unnamed = by_email["no.name@district.test"]
    assert unnamed[0] == "no.name@district.test"
    assert unnamed[2:6] == ["Teacher", "Maple Elementary", "Member", "Member"]
    assert unnamed[6]  # joined date
    pending = next(row for row in rows if row[0] == "Petra Pending")
    assert pending[5] == "Waiting for a lead's approval" and pending[6] == ""


def test_it_keeps_the_directors_overview_counts(client):
    group = GroupFactory()
    LeadFactory(group=group)
    MembershipFactory.create_batch(2, group=group)
    PendingFactory.create_batch(2, group=group)
    client.force_login(DirectorFactory())
    response = client.get("/groups/overview/")
    row = next(g for g in response.context["groups"] if g.pk == group.pk)
    assert (row.member_count, row.pending_count, row.lead_count) == (3, 2, 1)
