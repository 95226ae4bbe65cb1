"""The home page, its own app on top of the others."""

import pytest

from home import selectors
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_it_gives_the_home_page_my_memberships():
    user = UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=user)
    context = selectors.signed_in(user)
    assert [m.group for m in context["my_memberships"]] == [group]
    assert context["next_meetings"] == []


def test_it_shows_my_groups_on_the_home_page(client, staff):
    group = GroupFactory(name="Home Page Circle")
    MembershipFactory(group=group, user=staff)
    client.force_login(staff)
    assert "Home Page Circle" in client.get("/").text
