"""'Have an idea for a group that isn't here?': the staff form and the director's decision in the admin."""

import pytest

from groups.models import Group, GroupProposal, Membership
from tests.factories import DirectorFactory, UserFactory

from .factories import GroupFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_it_takes_a_proposal_from_any_staff_member(client, staff):
    client.force_login(staff)
    assert "Have an idea for a group that isn" in client.get("/groups/propose/").text
    response = client.post(
        "/groups/propose/",
        {
            "name": "  Night   Shift Circle ",
            "purpose": "Evening custodial staff meeting at a time that suits them.",
            "audience": "Anyone on an evening shift.",
            "would_lead": "on",
        },
        follow=True,
    )
    assert "The equity director will review your idea" in response.text
    proposal = GroupProposal.objects.get()
    assert proposal.name == "Night Shift Circle"
    assert proposal.would_lead
    assert proposal.proposer == staff


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "This field is required."),
        ({"name": "ab", "purpose": "A long enough purpose."}, "at least three characters"),
        ({"name": "N" * 121, "purpose": "A long enough purpose."}, "at most 120 characters"),
        ({"name": "Fine Name", "purpose": "short"}, "a little more"),
        ({"name": "Fine Name", "purpose": "p" * 4001}, "at most 4000 characters"),
        ({"name": "Fine Name", "purpose": "A long enough purpose.", "audience": "a" * 2001}, "at most 2000 characters"),
    ],
)
def test_it_answers_a_bad_proposal_with_errors_next_to_the_fields(client, staff, data, error):
    client.force_login(staff)
    response = client.post("/groups/propose/", data)
    assert response.status_code == 400
    assert error in response.text
    assert 'aria-invalid="true"' in response.text
    if "name" in data and len(data["name"]) < 50:
        assert data["name"] in response.text
    assert not GroupProposal.objects.exists()


def test_it_points_to_an_existing_group_of_the_same_name(client, staff):
    GroupFactory(name="Existing Circle")
    client.force_login(staff)
    response = client.post("/groups/propose/", {"name": "existing circle", "purpose": "A long enough purpose."})
    assert "already exists" in response.text


def test_it_lets_the_director_approve_in_the_admin_which_creates_a_forming_group_led_by_the_proposer(client):
    proposal = ProposalFactory(name="Night Shift Circle", would_lead=True)
    client.force_login(DirectorFactory())
    assert client.get(f"/admin/groups/groupproposal/{proposal.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/groups/groupproposal/{proposal.pk}/change/",
        {
            "name": proposal.name,
            "purpose": proposal.purpose,
            "audience": proposal.audience,
            "would_lead": "on",
            "decision_message": "Lovely idea.",
            "decision": "approve",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == GroupProposal.Status.APPROVED
    group = proposal.group
    assert group.status == Group.Status.FORMING
    assert group.slug == "night-shift-circle"
    lead = Membership.objects.get(group=group)
    assert (lead.user, lead.role, lead.status) == (proposal.proposer, "lead", "active")


def test_it_lets_the_director_decline_with_an_admin_action(client):
    proposals = [ProposalFactory(decision_message="Please join an existing group."), ProposalFactory()]
    client.force_login(DirectorFactory())
    response = client.post(
        "/admin/groups/groupproposal/",
        {
            "action": "decline_proposals",
            "_selected_action": [p.pk for p in proposals],
        },
        follow=True,
    )
    assert "2 proposals decided." in response.text
    assert set(GroupProposal.objects.values_list("status", flat=True)) == {"declined"}
    assert not Group.objects.exists()


def test_it_approves_with_an_admin_action_and_reports_a_name_clash(client):
    GroupFactory(name="Taken Name")
    clash, fine = ProposalFactory(name="Taken Name"), ProposalFactory(name="Fresh Name", would_lead=False)
    client.force_login(DirectorFactory())
    response = client.post(
        "/admin/groups/groupproposal/",
        {
            "action": "approve_proposals",
            "_selected_action": [clash.pk, fine.pk],
        },
        follow=True,
    )
    assert "already exists" in response.text
    clash.refresh_from_db()
    fine.refresh_from_db()
    assert clash.status == GroupProposal.Status.PENDING
    assert fine.status == GroupProposal.Status.APPROVED
    assert Membership.objects.get(group=fine.group).role == Membership.Role.MEMBER


def test_it_decides_a_proposal_once(client):
    from django.core.exceptions import ValidationError

    from groups import services

    director = DirectorFactory()
    proposal = ProposalFactory()
    services.proposal_decide(proposal=proposal, by=director, approve=False)
    with pytest.raises(ValidationError):
        services.proposal_decide(proposal=proposal, by=director, approve=True)


def test_it_keeps_proposals_out_of_staff_hands_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/groups/groupproposal/").status_code == 403


def test_it_avoids_reserved_and_taken_addresses_for_new_groups():
    from groups import services

    GroupFactory(name="Something Else", slug="overview-circle")
    director = DirectorFactory()
    reserved = services.proposal_decide(proposal=ProposalFactory(name="Overview"), by=director, approve=True)
    assert reserved.group.slug == "overview-2"
