"""Query counts are part of the contract: pinned, and the same with 3 or 30 groups and 3 or 60 members."""

import pytest
from django.utils import timezone

from accounts.models import JobRole
from belong import shared_pages
from belong.models import AuditLog
from tests.factories import SchoolFactory, UserFactory

from .factories import GroupFactory, LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db

# Every signed-in page: the session and the user (with the menu's director flag) come from the cache, no query.
# Directory searched or filtered by the viewer's own standing: + how many groups match, + a page of groups
# with the viewer's status, + their schools rule.
DIRECTORY_QUERIES = 3
# Directory as opened (a shared page, belong.shared_pages): + the listing's version with the viewer's own
# memberships, in one statement; the first viewer of a version also pays for the page: + count, + a page of
# groups, + schools.
SHARED_DIRECTORY_QUERIES = 1
SHARED_DIRECTORY_FIRST_QUERIES = 4
# Group page (a member viewing): + group with its schools' ids and the viewer's membership (one statement,
# groups.access._group_and_viewer), + the schools' names (the group here is open to one school the viewer
# does not work at: the refusal names it). The first viewer of a version with that standing also pays for
# the page: + its schools, + leads, + a page of listed members, + the next meetings (from the meetings app).
# The count is a column. A confidential group's page is never shared.
GROUP_PAGE_QUERIES = 2
GROUP_PAGE_FIRST_QUERIES = 6
# Roster: + group with the viewer's lead membership (one statement), + the queues' counts, + leads, + the
# waiting requests, + flagged, + invited, + a page of members (counted from the column; a search adds a
# COUNT), + the audit row every view of names writes (who, when, which group, how many rows: the Trust issue
# asks for it). A queue the counts say is empty is not read: no flags and no invitations waiting (the usual
# case) is two fewer.
# Those are paid by the first view of each version of the group (the roster is a shared page, rendered once
# per version and viewer), by a search, and for a confidential group on every view. Any other view: + group
# with the viewer's lead membership, + the audit row.
ROSTER_QUERIES = 8
ROSTER_QUERIES_NOTHING_FLAGGED_OR_INVITED = 6
SHARED_ROSTER_QUERIES = 2


def _populate(groups: int, members_each: int):
    site = SchoolFactory()
    made = []
    for n in range(groups):
        group = GroupFactory(eligible_roles=[JobRole.TEACHER] if n % 2 else [])
        group.eligible_schools.set([site] if n % 3 == 0 else [])
        LeadFactory(group=group)
        for _ in range(members_each):
            MembershipFactory(group=group, visible_to_members=True)
        PendingFactory(group=group)
        made.append(group)
    return made


@pytest.mark.parametrize("size", [(3, 3), (30, 3), (3, 60)])
def test_it_pins_the_directorys_queries(client, django_assert_num_queries, size):
    groups = _populate(*size)
    viewer = UserFactory()
    MembershipFactory(group=groups[0], user=viewer)
    client.force_login(viewer)
    client.get("/groups/")
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get("/groups/?q=&focus=&status=&can_join=on")
    assert response.status_code == 200
    with django_assert_num_queries(DIRECTORY_QUERIES):
        client.get("/groups/?q=circle&mine=on")


@pytest.mark.parametrize("members", [3, 60])
def test_it_pins_the_group_pages_queries(client, django_assert_num_queries, members):
    [group] = _populate(1, members)
    viewer = MembershipFactory(group=group, visible_to_members=True).user
    client.force_login(viewer)
    url = f"/groups/{group.slug}/"
    client.get(url)  # the session, the user and the site settings reach the cache
    shared_pages.clear()
    with django_assert_num_queries(GROUP_PAGE_FIRST_QUERIES):
        client.get(url)
    with django_assert_num_queries(GROUP_PAGE_QUERIES):
        response = client.get(url)
    assert response.text.count("<li>") >= members


@pytest.mark.parametrize("members", [3, 60])
def test_it_pins_a_confidential_group_pages_queries(client, django_assert_num_queries, members):
    [group] = _populate(1, members)
    group.is_confidential = True
    group.save()
    viewer = MembershipFactory(group=group, visible_to_members=True).user
    client.force_login(viewer)
    url = f"/groups/{group.slug}/"
    client.get(url)
    for _ in range(2):  # rendered for each request: nothing of it is kept
        with django_assert_num_queries(GROUP_PAGE_FIRST_QUERIES):
            response = client.get(url)
    assert response.text.count("<li>") >= members


@pytest.mark.parametrize("size", [(3, 3), (30, 3), (3, 60)])
def test_it_pins_the_shared_directorys_queries(client, django_assert_num_queries, size):
    groups = _populate(*size)
    viewer = UserFactory()
    MembershipFactory(group=groups[0], user=viewer)
    client.force_login(viewer)
    client.get("/groups/?status=active")
    shared_pages.clear()
    with django_assert_num_queries(SHARED_DIRECTORY_FIRST_QUERIES):
        client.get("/groups/?status=active")
    with django_assert_num_queries(SHARED_DIRECTORY_QUERIES):
        response = client.get("/groups/?status=active")
    assert response.status_code == 200
    client.force_login(UserFactory())
    client.get("/me/")  # another viewer's session and user reach the cache
    with django_assert_num_queries(SHARED_DIRECTORY_QUERIES):
        client.get("/groups/?status=active")


@pytest.mark.parametrize("members", [3, 60])
def test_it_pins_the_rosters_queries(client, django_assert_num_queries, members):
    [group] = _populate(1, members)
    lead = group.memberships.get(role="lead").user
    client.force_login(lead)
    url = f"/groups/{group.slug}/roster/"
    client.get(url)
    shared_pages.clear()
    with django_assert_num_queries(ROSTER_QUERIES_NOTHING_FLAGGED_OR_INVITED):
        client.get(url)
    with django_assert_num_queries(SHARED_ROSTER_QUERIES):
        client.get(url)
    with django_assert_num_queries(ROSTER_QUERIES_NOTHING_FLAGGED_OR_INVITED + 1):
        client.get(url + "?q=a")  # a search is never shared, and counts its matches

    MembershipFactory(group=group, status="invited")
    MembershipFactory(group=group, eligibility_flagged_at=timezone.now())
    with django_assert_num_queries(ROSTER_QUERIES):  # a new version of the group
        response = client.get(url)
    assert "Eligibility to review (1)" in response.text and "Invited, not yet accepted (1)" in response.text
    with django_assert_num_queries(SHARED_ROSTER_QUERIES):
        client.get(url)


def test_it_records_every_view_of_a_shared_roster(client):
    [group] = _populate(1, 3)
    lead = group.memberships.get(role="lead").user
    client.force_login(lead)
    for _ in range(3):
        client.get(f"/groups/{group.slug}/roster/")
    views = AuditLog.objects.filter(action="groups.roster_view", actor=lead)
    assert views.count() == 3
    assert {entry.detail["rows"] for entry in views} == {5}  # the lead, 3 members, 1 request
