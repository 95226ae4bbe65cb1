"""The home page, its own app on top of the others: one page per role, each block with an empty state."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from equity_plan.models import ActionItem
from groups.models import Group, Membership
from home import selectors
from meetings import services as meeting_services
from tests.comments.factories import CommentFactory, TopicFactory
from tests.equity_plan.factories import ActionItemFactory, PlanFactory, WorkstreamFactory
from tests.factories import DirectorFactory, UserFactory
from tests.groups.factories import (
    ConfidentialGroupFactory,
    GroupFactory,
    LeadFactory,
    MembershipFactory,
    PendingFactory,
    ProposalFactory,
)
from tests.meetings.factories import first_occurrence, schedule

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _section(main: str, heading_id: str) -> str:
    start = main.index(f'id="{heading_id}"')
    return main[start : main.index("</section>", start)]


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


# --- Staff -------------------------------------------------------------------------------------------


@pytest.fixture
def harbor():
    group = GroupFactory(name="Open Harbor Circle", slug="open-harbor", public_schedule=True, mission="Belonging.")
    lead = LeadFactory(group=group, user=UserFactory(full_name="Lena Lead")).user
    return group, lead


def test_it_shows_staff_their_next_meetings_with_reply_buttons_that_come_back_home(client, staff, harbor):
    group, lead = harbor
    MembershipFactory(group=group, user=staff)
    occurrence = first_occurrence(schedule(by=lead, group=group, title="Harbor gathering", invite=False))
    client.force_login(staff)
    main = _main(client.get("/"))
    assert "Harbor gathering" in main
    assert f'action="/meetings/{occurrence.pk}/reply/"' in main
    assert 'value="going"' in main and 'value="not_going"' in main

    response = client.post(f"/meetings/{occurrence.pk}/reply/", {"response": "not_going", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    # A declined meeting stays on the home page, its reply shown, so it can be changed.
    main = _main(client.get("/"))
    assert "Harbor gathering" in main
    assert 'value="not_going" class="btn btn-sm btn-secondary" aria-pressed="true"' in main


def test_it_never_follows_a_reply_back_to_another_site(client, staff, harbor):
    group, lead = harbor
    MembershipFactory(group=group, user=staff)
    occurrence = first_occurrence(schedule(by=lead, group=group, invite=False))
    client.force_login(staff)
    response = client.post(f"/meetings/{occurrence.pk}/reply/", {"response": "going", "next": "https://evil.example/"})
    assert response["Location"] == f"/meetings/{occurrence.pk}/"


def test_it_shows_each_of_my_groups_with_its_next_date(client, staff, harbor):
    group, lead = harbor
    MembershipFactory(group=group, user=staff)
    quiet = GroupFactory(name="Quiet Reading Circle")
    MembershipFactory(group=quiet, user=staff)
    occurrence = first_occurrence(schedule(by=lead, group=group, invite=False))
    context = selectors.staff(staff)
    by_group = {m.group.name: m for m in context["active_memberships"]}
    assert by_group["Open Harbor Circle"].next_starts_at == occurrence.starts_at
    assert by_group["Quiet Reading Circle"].next_starts_at is None
    client.force_login(staff)
    assert "No meeting scheduled" in _main(client.get("/"))


def test_it_shows_invitations_and_groups_i_can_join(client, staff):
    inviting = GroupFactory(name="Inviting Circle")
    MembershipFactory(group=inviting, user=staff, status=Membership.Status.INVITED, joined_at=None)
    GroupFactory(name="Open Door Circle")
    GroupFactory(name="Invitation Only Circle", join_policy=Group.JoinPolicy.INVITATION)
    client.force_login(staff)
    main = _main(client.get("/"))
    assert "Invitations waiting" in main and "Inviting Circle" in main
    assert "Open Door Circle" in main
    assert "Invitation Only Circle" not in main


def test_it_gives_every_empty_block_a_way_to_act(client, staff):
    client.force_login(staff)
    main = _main(client.get("/"))
    assert "You have not joined a group yet." in main and 'href="/groups/"' in main
    assert "No meetings coming up." in main and 'href="/me/meetings/"' in main
    assert "There is no other group open to you right now." in main and 'href="/groups/propose/"' in main
    assert "Invitations waiting" not in main and "Groups you lead" not in main and "equity director" not in main


# --- Leads -------------------------------------------------------------------------------------------------


def test_it_shows_a_lead_requests_flags_and_their_next_meetings_replies(client, harbor):
    group, lead = harbor
    PendingFactory(group=group)
    PendingFactory(group=group)
    MembershipFactory(group=group, eligibility_flagged_at=timezone.now())
    members = [MembershipFactory(group=group).user for _ in range(3)]
    occurrence = first_occurrence(schedule(by=lead, group=group, invite=False))
    meeting_services.rsvp_set(occurrence=occurrence, user=members[0], response="going")
    meeting_services.rsvp_set(occurrence=occurrence, user=members[1], response="going")
    meeting_services.rsvp_set(occurrence=occurrence, user=members[2], response="not_going")
    client.force_login(lead)
    main = _main(client.get("/"))
    assert "2 requests waiting" in main
    assert "1 flagged member to review" in main
    assert "2 going" in main and "0 maybe" in main and "1 not going" in main
    # Counts only: nobody who replied is named on the lead's home page.
    for member in members:
        assert member.full_name not in main


def test_it_offers_a_lead_without_meetings_to_schedule_one(client, harbor):
    group, lead = harbor
    client.force_login(lead)
    main = _main(client.get("/"))
    assert "No request waiting." in main and "No flagged member." in main
    assert f'href="/groups/{group.slug}/meetings/new/"' in main


# --- The equity director ------------------------------------------------------------------------------------


def test_it_shows_the_director_what_waits_for_a_decision(client):
    director = DirectorFactory()
    ProposalFactory(name="Night Shift Circle")
    topic = TopicFactory()
    CommentFactory(topic=topic)
    CommentFactory(topic=topic, status=Comment.Status.ANSWERED)
    workstream = WorkstreamFactory(plan=PlanFactory())
    today = timezone.localdate()
    ActionItemFactory(workstream=workstream, title="Late reading list", due_on=today - timedelta(days=3))
    ActionItemFactory(workstream=workstream, title="Due climate survey", due_on=today + timedelta(days=10))
    ActionItemFactory(workstream=workstream, title="Far item", due_on=today + timedelta(days=200))
    ActionItemFactory(workstream=workstream, title="Done item", due_on=today, status=ActionItem.Status.COMPLETE)
    GroupFactory(name="Leaderless Circle")
    led = GroupFactory(name="Led Circle")
    LeadFactory(group=led)
    client.force_login(director)
    main = _main(client.get("/"))
    assert "Night Shift Circle" in main
    assert "New comments" in main and '<p class="home-figure mb-1">1</p>' in main
    assert "Late reading list" in main and "late: due" in main
    assert "Due climate survey" in main
    assert "Far item" not in main and "Done item" not in main
    leaderless = _section(main, "leaderless-heading")
    assert "Leaderless Circle" in leaderless and "Led Circle" not in leaderless


def test_it_gives_the_directors_empty_blocks_a_way_to_act(client):
    director = DirectorFactory()
    client.force_login(director)
    main = _main(client.get("/"))
    assert "No proposal is waiting for a decision." in main
    assert "No new public comment" in main and f'href="{reverse("comments:review")}"' in main
    assert "Nothing in the plan is due" in main
    assert "Every group has a lead." in main


def test_it_shows_staff_none_of_the_directors_blocks(client, staff):
    ProposalFactory(name="Night Shift Circle")
    client.force_login(staff)
    main = _main(client.get("/"))
    assert "Night Shift Circle" not in main and "Proposals to decide" not in main


# --- Privacy ----------------------------------------------------------------------------------------------


def test_it_never_shows_an_outsider_a_confidential_groups_members_or_count(client, staff):
    quiet = ConfidentialGroupFactory(name="Quiet Cove Circle", public_schedule=True, mission="A quiet harbour.")
    lead = LeadFactory(group=quiet, user=UserFactory(full_name="Cleo Confidential")).user
    for name in ("Cai Quiet", "Cora Quiet", "Cyd Quiet"):
        MembershipFactory(group=quiet, user=UserFactory(full_name=name))
    schedule(by=lead, group=quiet, title="Quiet gathering", invite=False)
    quiet.refresh_from_db()
    assert quiet.member_count == 4
    for viewer in (None, staff, DirectorFactory()):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        for url in ("/", "/groups/public/", f"/groups/{quiet.slug}/schedule/"):
            response = client.get(url, follow=True)
            main = _main(response)
            for name in ("Cleo Confidential", "Cai Quiet", "Cora Quiet", "Cyd Quiet"):
                assert name not in main, (viewer, url)
            assert "4 members" not in main and "4 member" not in main, (viewer, url)


# --- Signed out ---------------------------------------------------------------------------------------------


def test_it_welcomes_a_visitor_with_the_public_groups_the_plan_and_the_comment_form(client, harbor):
    group, _lead = harbor
    GroupFactory(name="Private Schedule Circle")
    main = _main(client.get("/"))
    assert 'href="/groups/public/"' in main
    assert f'href="/groups/{group.slug}/schedule/"' in main
    assert 'href="/plan/"' in main and f'href="{reverse("comments:form")}"' in main
    assert "Private Schedule Circle" not in main


# --- Query counts ---------------------------------------------------------------------------------------------


def _busy_district(lead, group, staff):
    for n in range(5):
        other = GroupFactory()
        MembershipFactory(group=other, user=staff)
        schedule(by=LeadFactory(group=other).user, group=other, invite=False, title=f"Other {n}")
    for _ in range(3):
        schedule(by=lead, group=group, invite=False)
        PendingFactory(group=group)
    MembershipFactory(group=group, user=staff)
    for _ in range(6):
        GroupFactory()


# Session and user come from the cache; the blocks: next meetings, memberships with their next dates, joinable
# groups.
STAFF_QUERIES = 3


def test_it_reads_the_staff_home_page_in_a_fixed_number_of_queries(client, staff, harbor, django_assert_num_queries):
    group, lead = harbor
    client.force_login(staff)
    client.get("/")  # warm the site settings cache
    with django_assert_num_queries(STAFF_QUERIES):
        client.get("/")
    _busy_district(lead, group, staff)
    with django_assert_num_queries(STAFF_QUERIES):
        assert client.get("/").status_code == 200


def test_it_reads_the_lead_home_page_in_a_fixed_number_of_queries(client, staff, harbor, django_assert_num_queries):
    group, lead = harbor
    client.force_login(lead)
    client.get("/")
    _busy_district(lead, group, staff)
    with django_assert_num_queries(STAFF_QUERIES + 2):
        assert client.get("/").status_code == 200


def test_it_reads_the_director_home_page_in_a_fixed_number_of_queries(client, staff, harbor, django_assert_num_queries):
    group, lead = harbor
    director = DirectorFactory()
    client.force_login(director)
    client.get("/")
    _busy_district(lead, group, staff)
    ProposalFactory.create_batch(7)
    workstream = WorkstreamFactory(plan=PlanFactory())
    ActionItemFactory.create_batch(7, workstream=workstream, due_on=timezone.localdate())
    # + proposals, comments, plan items, groups without a lead; + the director's permission groups (2).
    with django_assert_num_queries(STAFF_QUERIES + 4 + 2):
        assert client.get("/").status_code == 200


def test_it_reads_the_signed_out_home_page_in_one_query(client, harbor, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(1):
        assert client.get("/").status_code == 200
