"""Leads' roster: approve, decline, remove, co-lead, e-mail, audited CSV export; bad input answered clearly."""

import pytest

from belong.models import AuditLog, OutboxMessage
from groups.models import Group, Membership, MembershipEvent
from tests.factories import DirectorFactory, UserFactory

from .factories import GroupFactory, LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval_group():
    return GroupFactory(name="Approval Circle", slug="approval-circle", join_policy=Group.JoinPolicy.APPROVAL)


@pytest.fixture
def lead_client(client, approval_group):
    lead = LeadFactory(group=approval_group).user
    client.force_login(lead)
    client.lead = lead
    return client


def _roster(group):
    return f"/groups/{group.slug}/roster/"


def test_it_shows_pending_requests_with_their_message(lead_client, approval_group):
    PendingFactory(group=approval_group, user=UserFactory(full_name="Rita Requester"), request_message="Count me in")
    page = lead_client.get(_roster(approval_group)).text
    assert "Requests to join (1)" in page
    assert "Rita Requester" in page
    assert "Count me in" in page


def test_it_approves_a_request(lead_client, approval_group):
    request = PendingFactory(group=approval_group)
    response = lead_client.post(
        _roster(approval_group), {"membership": request.pk, "action": "approve", "message": "Welcome!"}, follow=True
    )
    assert "Request approved" in response.text
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE
    assert MembershipEvent.objects.filter(group=approval_group, change=1).count() == 1
    assert OutboxMessage.objects.get(recipient=request.user).context["message"] == "Welcome!"


def test_it_declines_a_request_and_deletes_it(lead_client, approval_group):
    request = PendingFactory(group=approval_group)
    lead_client.post(_roster(approval_group), {"membership": request.pk, "action": "decline"})
    assert not Membership.objects.filter(pk=request.pk).exists()
    assert OutboxMessage.objects.filter(recipient=request.user, kind="groups.request_declined").count() == 1


def test_it_says_so_when_a_request_was_already_decided(lead_client, approval_group):
    member = MembershipFactory(group=approval_group)
    response = lead_client.post(_roster(approval_group), {"membership": member.pk, "action": "approve"}, follow=True)
    assert "already been decided" in response.text


def test_it_removes_a_member(lead_client, approval_group):
    member = MembershipFactory(group=approval_group)
    lead_client.post(_roster(approval_group), {"membership": member.pk, "action": "remove"})
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert MembershipEvent.objects.filter(group=approval_group, change=-1).count() == 1


def test_it_will_not_let_a_lead_remove_themselves_from_the_roster(lead_client, approval_group):
    own = Membership.objects.get(group=approval_group, user=lead_client.lead)
    response = lead_client.post(_roster(approval_group), {"membership": own.pk, "action": "remove"}, follow=True)
    assert "use the Leave button" in response.text
    assert Membership.objects.filter(pk=own.pk).exists()


def test_it_makes_a_member_co_lead(lead_client, approval_group):
    member = MembershipFactory(group=approval_group)
    lead_client.post(_roster(approval_group), {"membership": member.pk, "action": "colead"})
    member.refresh_from_db()
    assert member.role == Membership.Role.LEAD
    # The new co-lead now manages the roster too.
    lead_client.force_login(member.user)
    assert lead_client.get(_roster(approval_group)).status_code == 200


def test_it_will_not_make_a_pending_request_co_lead(lead_client, approval_group):
    request = PendingFactory(group=approval_group)
    response = lead_client.post(_roster(approval_group), {"membership": request.pk, "action": "colead"}, follow=True)
    assert "approve their request first" in response.text
    request.refresh_from_db()
    assert request.role == Membership.Role.MEMBER


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"membership": "", "action": "approve"},
        {"membership": "not-a-number", "action": "approve"},
        {"membership": "999999999", "action": "approve"},
        {"membership": "1", "action": ""},
    ],
)
def test_it_answers_bad_roster_input_with_a_clear_message(lead_client, approval_group, data):
    response = lead_client.post(_roster(approval_group), data)
    assert response.status_code == 400
    assert "There is a problem" in response.text


def test_it_refuses_another_groups_membership_ids(lead_client, approval_group):
    stranger = PendingFactory(group=GroupFactory())
    for action in ("approve", "decline", "remove", "colead", "keep"):
        response = lead_client.post(_roster(approval_group), {"membership": stranger.pk, "action": action})
        assert response.status_code == 400
        assert "not on this group&#x27;s roster" in response.text
    stranger.refresh_from_db()
    assert stranger.status == Membership.Status.PENDING


def test_it_keeps_a_too_long_decline_message_and_explains(lead_client, approval_group):
    request = PendingFactory(group=approval_group)
    text = "Sorry. " * 400
    response = lead_client.post(
        _roster(approval_group), {"membership": request.pk, "action": "decline", "message": text}
    )
    assert response.status_code == 400
    assert "at most 2000 characters" in response.text
    assert text.strip() in response.text
    assert Membership.objects.filter(pk=request.pk).exists()


def test_it_lets_the_director_manage_a_normal_group_without_a_lead(client):
    group = GroupFactory(join_policy=Group.JoinPolicy.APPROVAL)
    request = PendingFactory(group=group)
    client.force_login(DirectorFactory())
    page = client.get(_roster(group))
    assert "as the equity director" in page.text
    client.post(_roster(group), {"membership": request.pk, "action": "approve"})
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE


def test_it_emails_the_group_from_the_compose_form(lead_client, approval_group):
    MembershipFactory(group=approval_group)
    response = lead_client.post(
        f"/groups/{approval_group.slug}/email/", {"subject": "Hello", "body": "Meeting moved."}, follow=True
    )
    assert "on its way to 2 members" in response.text
    assert OutboxMessage.objects.filter(kind="groups.message").count() == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "This field is required."),
        ({"subject": "   ", "body": "x"}, "This field is required."),
        ({"subject": "Hi", "body": "   "}, "This field is required."),
        ({"subject": "S" * 151, "body": "x"}, "at most 150 characters"),
        ({"subject": "Hi", "body": "x" * 10001}, "at most 10000 characters"),
    ],
)
def test_it_answers_a_bad_group_email_with_errors_and_keeps_the_text(lead_client, approval_group, data, error):
    response = lead_client.post(f"/groups/{approval_group.slug}/email/", data)
    assert response.status_code == 400
    assert error in response.text
    if data.get("subject", "").strip():
        assert data["subject"] in response.text
    assert not OutboxMessage.objects.filter(kind="groups.message").exists()


def test_it_exports_the_roster_as_csv_after_asking_why(lead_client, approval_group):
    MembershipFactory(group=approval_group, user=UserFactory(full_name='Cora, Comma "Q"'))
    form = lead_client.get(f"/groups/{approval_group.slug}/roster.csv")
    assert form.status_code == 200
    assert "Why do you need this list?" in form.text

    response = lead_client.post(f"/groups/{approval_group.slug}/roster.csv", {"purpose": "Sign-in sheet, March"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("Name,E-mail,Job role")
    assert '"Cora, Comma ""Q"""' in body
    entry = AuditLog.objects.get(action="groups.roster_export")
    assert entry.actor == lead_client.lead
    assert entry.purpose == "Sign-in sheet, March"
    assert entry.object_id == str(approval_group.pk)


@pytest.mark.parametrize("purpose", ["", "   ", "abc", "x" * 501])
def test_it_will_not_export_without_a_real_purpose(lead_client, approval_group, purpose):
    response = lead_client.post(f"/groups/{approval_group.slug}/roster.csv", {"purpose": purpose})
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "This field is required."),
        ("not-an-address", "Enter a valid email address."),
        ("nobody@district.example", "No active staff member has this e-mail address."),
    ],
)
def test_it_answers_a_bad_invitation_clearly(lead_client, approval_group, email, error):
    response = lead_client.post(f"/groups/{approval_group.slug}/roster/invite/", {"email": email})
    assert response.status_code == 400
    assert error in response.text


def test_it_will_not_invite_someone_already_on_the_roster(lead_client, approval_group):
    member = MembershipFactory(group=approval_group)
    response = lead_client.post(f"/groups/{approval_group.slug}/roster/invite/", {"email": member.user.email})
    assert response.status_code == 400
    assert "already on this group" in response.text


def test_it_counts_the_queues_and_the_hidden_for_a_lead_and_for_the_director(approval_group):
    from django.test import Client
    from django.utils import timezone

    lead = LeadFactory(group=approval_group).user
    MembershipFactory(group=approval_group, hidden=True)
    MembershipFactory(group=approval_group, eligibility_flagged_at=timezone.now())
    PendingFactory(group=approval_group)
    PendingFactory(group=approval_group, hidden=True, eligibility_flagged_at=timezone.now())
    MembershipFactory(group=approval_group, status=Membership.Status.INVITED)
    lead_client, director_client = Client(), Client()
    lead_client.force_login(lead)
    director_client.force_login(DirectorFactory())

    as_lead = lead_client.get(_roster(approval_group)).text
    assert "Requests to join (2)" in as_lead and "Eligibility to review (2)" in as_lead
    assert "Invited, not yet accepted (1)" in as_lead and 'id="hidden-members"' not in as_lead

    # The director is never shown, nor counted, anyone who joined hidden; they are told how many members that is.
    as_director = director_client.get(_roster(approval_group)).text
    assert "Requests to join (1)" in as_director and "Eligibility to review (1)" in as_director
    assert "Invited, not yet accepted (1)" in as_director
    assert "1 member joined while the group was confidential" in as_director
