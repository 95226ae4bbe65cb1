"""Large groups: the directory, the group page and the roster show a page at a time and never lose anyone."""

import pytest

from groups.selectors import GROUP_PAGE_MEMBERS, ROSTER_PAGE_SIZE, ROSTER_QUEUE_LIMIT
from groups.views import DIRECTORY_PAGE_SIZE
from tests.factories import UserFactory

from .factories import GroupFactory, LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db


def _members(group, count, **kwargs):
    users = [UserFactory(full_name=f"Member {n:04d}") for n in range(count)]
    for user in users:
        MembershipFactory(group=group, user=user, **kwargs)
    return users


def test_it_pages_the_directory_and_keeps_the_filters(client):
    for n in range(DIRECTORY_PAGE_SIZE + 5):
        GroupFactory(name=f"Circle {n:03d}", summary="Readers of poetry", focus="study")
    client.force_login(UserFactory())
    first = client.get("/groups/?focus=study")
    assert f"{DIRECTORY_PAGE_SIZE + 5} groups" in first.text
    assert len(first.context["groups"]) == DIRECTORY_PAGE_SIZE
    assert 'href="?focus=study&amp;page=2"' in first.text
    second = client.get("/groups/?focus=study&page=2")
    assert [g.name for g in second.context["groups"]] == [f"Circle {n:03d}" for n in range(30, 35)]
    for bad in ["0", "-1", "abc", "999999999999999999999", "2.5"]:
        assert client.get(f"/groups/?page={bad}").status_code == 200


def test_it_pages_the_roster_and_finds_a_member_by_name_or_email(client):
    group = GroupFactory()
    lead = LeadFactory(group=group, user=UserFactory(full_name="Ada Lead")).user
    users = _members(group, ROSTER_PAGE_SIZE + 3)
    client.force_login(lead)
    url = f"/groups/{group.slug}/roster/"
    first = client.get(url)
    assert '<th scope="row">Ada Lead' in first.text and "Member 0000" in first.text
    assert f"Member {ROSTER_PAGE_SIZE:04d}" not in first.text
    assert f"Members ({ROSTER_PAGE_SIZE + 4})" in first.text
    last = client.get(url + "?page=2")
    assert f"Member {ROSTER_PAGE_SIZE + 2:04d}" in last.text and '<th scope="row">Ada Lead' not in last.text
    found = client.get(url, {"q": users[7].email.upper()})
    assert "Member 0007" in found.text and "Member 0008" not in found.text
    assert "1 member matches" in found.text
    nobody = client.get(url, {"q": "zzz-nobody"})
    assert "No member matches" in nobody.text
    for bad in ["abc", "-3", "99999", "1" * 40]:
        assert client.get(url, {"page": bad, "q": "%_\\"}).status_code == 200


def test_it_lists_the_oldest_requests_and_says_how_many_wait(client):
    group = GroupFactory(join_policy="approval")
    lead = LeadFactory(group=group).user
    for n in range(ROSTER_QUEUE_LIMIT + 2):
        PendingFactory(group=group, user=UserFactory(full_name=f"Asker {n:04d}"))
    client.force_login(lead)
    page = client.get(f"/groups/{group.slug}/roster/")
    assert f"Requests to join ({ROSTER_QUEUE_LIMIT + 2})" in page.text
    assert f"The {ROSTER_QUEUE_LIMIT} oldest of {ROSTER_QUEUE_LIMIT + 2} requests are shown" in page.text
    assert "Asker 0000" in page.text and f"Asker {ROSTER_QUEUE_LIMIT + 1:04d}" not in page.text


def test_it_pages_the_listed_members_on_the_group_page(client):
    group = GroupFactory()
    _members(group, GROUP_PAGE_MEMBERS + 1, visible_to_members=True)
    viewer = MembershipFactory(group=group).user
    client.force_login(viewer)
    url = f"/groups/{group.slug}/"
    first = client.get(url)
    assert "Member 0000" in first.text and f"Member {GROUP_PAGE_MEMBERS:04d}" not in first.text
    assert 'href="?page=2"' in first.text
    second = client.get(url + "?page=2")
    assert f"Member {GROUP_PAGE_MEMBERS:04d}" in second.text and 'href="?page=1"' in second.text
    assert "Member 0000" in client.get(url + "?page=50").text  # past the end: back to the start
    assert client.get(url + "?page=x").status_code == 200
