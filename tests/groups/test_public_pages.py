"""A group's public page and the list of such groups: for visitors and new hires, never members or counts."""

import pytest

from groups.models import Group
from tests.factories import UserFactory
from tests.meetings.factories import schedule

from .factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def lgbtq():
    """As the seed district's LGBTQ+ group asks: meeting dates and times viewable anonymously."""
    group = ConfidentialGroupFactory(
        name="LGBTQ+ Belong Group",
        slug="lgbtq",
        public_schedule=True,
        mission="Identify the needs of LGBTQIA+ staff and students.",
        goals=["Advocate for policy change", "Host events for the whole community"],
    )
    lead = LeadFactory(group=group, user=UserFactory(full_name="Lee Lead")).user
    for name in ("Ari Member", "Bo Member"):
        MembershipFactory(group=group, user=UserFactory(full_name=name))
    schedule(by=lead, group=group, title="Pride planning", address="Central library", invite=False)
    return group


def test_it_sends_a_visitor_from_the_group_address_to_its_public_page(client, lgbtq):
    response = client.get("/groups/lgbtq/")
    assert response.status_code == 302 and response["Location"] == "/groups/lgbtq/schedule/"


@pytest.mark.parametrize("slug", ["private-circle", "no-such-group", "archived-circle"])
def test_it_asks_a_visitor_to_sign_in_for_any_other_group_known_or_not(client, slug):
    GroupFactory(slug="private-circle")
    GroupFactory(slug="archived-circle", public_schedule=True, status=Group.Status.ARCHIVED)
    response = client.get(f"/groups/{slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_shows_name_mission_goals_and_schedule_but_no_member_or_count(client, lgbtq):
    response = client.get("/groups/lgbtq/schedule/")
    main = _main(response)
    for shown in ("LGBTQ+ Belong Group", "Identify the needs", "Advocate for policy change", "Pride planning"):
        assert shown in main
    for hidden in ("Lee Lead", "Ari Member", "Bo Member", "3 members", "member"):
        assert hidden not in main
    assert "Set-Cookie" not in response.headers


def test_it_lists_only_groups_with_a_public_page_and_sets_no_cookie(client, lgbtq):
    GroupFactory(name="Private Circle")
    response = client.get("/groups/public/")
    main = _main(response)
    assert "LGBTQ+ Belong Group" in main and 'href="/groups/lgbtq/schedule/"' in main
    assert "Private Circle" not in main
    assert "member" not in main
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_it_links_the_public_page_from_the_group_page_and_the_directory(client, staff, lgbtq):
    client.force_login(staff)
    assert 'href="/groups/lgbtq/schedule/"' in client.get("/groups/lgbtq/").text
    assert 'href="/groups/lgbtq/schedule/"' in client.get("/groups/").text
