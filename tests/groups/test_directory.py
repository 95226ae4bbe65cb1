"""The directory: full-text search, filters, "my groups", "groups I can join", and what each viewer may do."""

import pytest

from groups.models import Group, Membership
from tests.factories import AdministratorFactory

from .factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return {
        "privilege": GroupFactory(
            name="Deconstructing Privilege Belong Group",
            focus=Group.Focus.STUDY,
            summary="Understanding whiteness and privilege.",
            description="Members look inward at how they experience privilege.",
        ),
        "latinx": GroupFactory(
            name="Latinx/Hispanic Belong Group",
            focus=Group.Focus.ACTION,
            summary="Advocates for our students.",
            description="Partner with parent groups.",
        ),
        "erg": GroupFactory(
            name="Parents Employee Resource Group",
            excludes_administrators=True,
            summary="Collegial support for parents.",
            description="Professional development.",
        ),
        "forming": GroupFactory(
            name="Autoimmune Belong Group", status=Group.Status.FORMING, summary="Coming this year.", description=""
        ),
        "archived": GroupFactory(name="Old Archived Group", status=Group.Status.ARCHIVED),
    }


def _names(response):
    return [g.name for g in response.context["groups"]]


def test_it_lists_active_and_forming_groups_but_not_archived_ones(client, staff, seeded):
    client.force_login(staff)
    names = _names(client.get("/groups/"))
    assert "Old Archived Group" not in names
    assert names[0] != "Autoimmune Belong Group"  # active first, then forming
    assert len(names) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("privileges", "Deconstructing Privilege Belong Group"),  # stemmed match in the name
        ("inward", "Deconstructing Privilege Belong Group"),  # in the description
        ("advocate", "Latinx/Hispanic Belong Group"),  # in the summary, stemmed
        ("Latinx", "Latinx/Hispanic Belong Group"),
        ("parent -development", "Latinx/Hispanic Belong Group"),  # web-search syntax: exclude a word
    ],
)
def test_it_searches_names_summaries_and_descriptions(client, staff, seeded, query, expected):
    client.force_login(staff)
    assert _names(client.get("/groups/", {"q": query})) == [expected]


def test_it_survives_search_syntax_and_odd_input(client, staff, seeded):
    client.force_login(staff)
    for query in ['"unclosed', "& | ! :*", "(((", "x" * 500]:
        response = client.get("/groups/", {"q": query})
        assert response.status_code == 200
    # A control character is refused for the whole site by one middleware, with a clear page.
    assert client.get("/groups/", {"q": "\x00"}).status_code == 400


def test_it_filters_by_focus_and_status(client, staff, seeded):
    client.force_login(staff)
    assert _names(client.get("/groups/", {"focus": "study"})) == ["Deconstructing Privilege Belong Group"]
    assert _names(client.get("/groups/", {"status": "forming"})) == ["Autoimmune Belong Group"]


def test_it_explains_an_unknown_filter_value_instead_of_failing(client, staff, seeded):
    client.force_login(staff)
    response = client.get("/groups/", {"focus": "juggling", "status": "archived"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_it_shows_my_groups(client, staff, seeded):
    MembershipFactory(group=seeded["latinx"], user=staff)
    client.force_login(staff)
    assert _names(client.get("/groups/", {"mine": "on"})) == ["Latinx/Hispanic Belong Group"]


def test_it_shows_groups_i_can_join(client, seeded):
    principal = AdministratorFactory()
    MembershipFactory(group=seeded["latinx"], user=principal)
    client.force_login(principal)
    names = _names(client.get("/groups/", {"can_join": "on"}))
    assert names == ["Deconstructing Privilege Belong Group", "Autoimmune Belong Group"]


def test_it_shows_each_viewer_whether_they_can_join(client, seeded):
    client.force_login(AdministratorFactory())
    page = client.get("/groups/").text
    assert "This group is open to employees who are not administrators." in page
    # Whoever can join gets the button on the card itself.
    assert f'action="/groups/{seeded["privilege"].slug}/join/"' in page
    assert f'action="/groups/{seeded["erg"].slug}/join/"' not in page


def test_it_joins_straight_from_a_card_and_comes_back_to_the_directory(client, staff, seeded):
    client.force_login(staff)
    group = seeded["privilege"]
    page = client.get("/groups/", {"focus": "study"}).text
    assert f'action="/groups/{group.slug}/join/"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    response = client.post(f"/groups/{group.slug}/join/", {"next": "/groups/?focus=study"}, follow=True)
    assert response.redirect_chain[-1][0] == "/groups/?focus=study"
    assert f"Welcome! You are now a member of {group.name}." in response.text
    assert Membership.objects.filter(group=group, user=staff, status="active").exists()


def test_it_asks_to_join_from_a_card_of_a_group_a_lead_approves(client, staff):
    group = GroupFactory(name="Approval Circle", join_policy=Group.JoinPolicy.APPROVAL)
    client.force_login(staff)
    assert "Ask to join" in client.get("/groups/").text
    response = client.post(f"/groups/{group.slug}/join/", {"next": "/groups/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/groups/"
    assert "Your request was sent to the group" in response.text
    assert Membership.objects.get(group=group, user=staff).status == "pending"


def test_it_never_sends_a_card_join_to_another_site(client, staff):
    group = GroupFactory()
    client.force_login(staff)
    response = client.post(f"/groups/{group.slug}/join/", {"next": "https://evil.example/groups/"})
    assert response["Location"] == group.get_absolute_url()


def test_it_marks_the_viewers_own_groups(client, staff, seeded):
    MembershipFactory(group=seeded["latinx"], user=staff)
    client.force_login(staff)
    assert "You are a member" in client.get("/groups/").text


def test_it_shows_the_group_page_with_mission_goals_audience_and_charter_state(client, staff):
    group = GroupFactory(
        mission="We commit to being learners.",
        goals=["Advocate for students", "Listen"],
        audience="While targeted toward some, all staff members are welcome.",
    )
    client.force_login(staff)
    page = client.get(f"/groups/{group.slug}/").text
    for text in [
        "We commit to being learners.",
        "Advocate for students",
        "all staff members are welcome",
        "Charter in progress",
        "No meetings scheduled yet",
        "Contact to be added.",
    ]:
        assert text in page


def test_it_shows_an_adopted_charter_with_its_date(client, staff):
    import datetime

    group = GroupFactory(charter="We decide by consensus.", charter_adopted_on=datetime.date(2025, 10, 14))
    client.force_login(staff)
    page = client.get(f"/groups/{group.slug}/").text
    assert "We decide by consensus." in page
    assert "Adopted on" in page
    assert "Charter in progress" not in page


def test_it_shows_the_groups_next_meetings_on_its_page(client, staff):
    from datetime import timedelta

    from django.utils import timezone

    from meetings import models as meetings

    group = GroupFactory()
    start = timezone.now() + timedelta(days=2)
    meeting = meetings.Meeting.objects.create(
        group=group,
        title="Story circle",
        audience=meetings.Audience.MEMBERS,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    occurrence = meetings.Occurrence.objects.create(meeting=meeting, starts_at=start, ends_at=meeting.ends_at)
    client.force_login(staff)
    page = client.get(f"/groups/{group.slug}/").text
    assert "Story circle" in page
    assert occurrence.get_absolute_url() in page
