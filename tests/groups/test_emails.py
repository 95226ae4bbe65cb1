"""Every e-mail the groups capability sends, delivered through the outbox to Django's test mailbox."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import EmailCategory
from groups import services
from groups.models import Group, GroupProposal, Membership
from tests.factories import DirectorFactory, UserFactory

from .factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Runs a service and delivers what it queued, as the worker would after the commit."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def _to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


def test_it_welcomes_a_new_member_and_tells_the_leads(deliver, mailoutbox):
    group = GroupFactory(name="Harbor Readers")
    lead = LeadFactory(group=group).user
    member = UserFactory(full_name="Priya Member")
    deliver(services.group_join, group=group, user=member)

    [welcome] = _to(mailoutbox, member)
    assert welcome.subject == "Welcome to Harbor Readers"
    assert "You are now a member of Harbor Readers" in welcome.body
    assert f"/groups/{group.slug}/" in welcome.body
    assert welcome.from_email.startswith("Harbor Readers <")
    [note] = _to(mailoutbox, lead)
    assert note.subject == "A new member joined Harbor Readers"
    assert "Priya Member joined Harbor Readers" in note.body
    assert "Priya" not in note.subject


def test_it_lists_the_groups_next_meetings_in_the_welcome(deliver, mailoutbox):
    from meetings import models as meetings

    group = GroupFactory()
    start = timezone.now() + timedelta(days=3)
    meeting = meetings.Meeting.objects.create(
        group=group,
        title="Monthly circle",
        audience=meetings.Audience.MEMBERS,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    meetings.Occurrence.objects.create(meeting=meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    member = UserFactory()
    deliver(services.group_join, group=group, user=member)
    [welcome] = _to(mailoutbox, member)
    assert "Monthly circle" in welcome.body
    assert "No meetings are scheduled yet" not in welcome.body


def test_it_keeps_a_confidential_groups_mail_neutral(deliver, mailoutbox):
    group = ConfidentialGroupFactory(name="Quiet Cove Circle")
    lead = LeadFactory(group=group).user
    member = UserFactory(full_name="Dana Discreet")
    deliver(services.group_join, group=group, user=member)

    for message in mailoutbox:
        assert message.subject == "A message from Belong"
        assert "Quiet Cove" not in message.from_email
        assert "Dana" not in message.subject
    [note] = _to(mailoutbox, lead)
    assert "Dana Discreet joined Quiet Cove Circle" in note.body
    assert "confidential" in note.body


def test_it_acknowledges_a_request_and_tells_the_leads(deliver, mailoutbox):
    group = GroupFactory(name="Veterans Circle", join_policy=Group.JoinPolicy.APPROVAL)
    lead = LeadFactory(group=group).user
    person = UserFactory(full_name="Sam Asker")
    deliver(services.group_join, group=group, user=person, message="Served 8 years.")
    [ack] = _to(mailoutbox, person)
    assert ack.subject == "Your request to join Veterans Circle"
    [note] = _to(mailoutbox, lead)
    assert note.subject == "A request to join Veterans Circle is waiting"
    assert "Sam Asker asks to join" in note.body
    assert f"/groups/{group.slug}/roster/" in note.body


def test_it_tells_the_person_when_their_request_is_approved_with_the_leads_message(deliver, mailoutbox):
    group = GroupFactory(name="Veterans Circle", join_policy=Group.JoinPolicy.APPROVAL)
    lead = LeadFactory(group=group).user
    request = PendingFactory(group=group)
    deliver(services.request_approve, group=group, membership=request, by=lead, message="See you Tuesday!")
    [message] = mailoutbox
    assert message.to == [request.user.email]
    assert "approved" in message.subject
    assert "See you Tuesday!" in message.body
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE


def test_it_tells_the_person_when_their_request_is_declined(deliver, mailoutbox):
    group = GroupFactory(name="Veterans Circle", join_policy=Group.JoinPolicy.APPROVAL)
    lead = LeadFactory(group=group).user
    request = PendingFactory(group=group)
    deliver(services.request_decline, group=group, membership=request, by=lead, message="We are full <this> year.")
    [message] = mailoutbox
    assert message.to == [request.user.email]
    assert "did not approve your request" in message.body
    assert "We are full <this> year." in message.body  # plain text, not HTML-escaped
    assert not Membership.objects.filter(pk=request.pk).exists()


def test_it_delivers_the_decision_even_to_someone_who_switched_updates_off(deliver, mailoutbox):
    group = GroupFactory(join_policy=Group.JoinPolicy.APPROVAL)
    lead = LeadFactory(group=group).user
    request = PendingFactory(group=group, user=UserFactory(email_opt_outs=[EmailCategory.GROUP_UPDATES]))
    deliver(services.request_approve, group=group, membership=request, by=lead)
    assert len(mailoutbox) == 1


def test_it_emails_each_member_once_as_the_group(deliver, mailoutbox):
    group = GroupFactory(name="Harbor Readers")
    lead = LeadFactory(group=group).user
    members = [MembershipFactory(group=group).user for _ in range(3)]
    PendingFactory(group=group)  # not a member yet: no message
    sent = deliver(services.group_email, group=group, sender=lead, subject="Book club", body="Chapter 3 & 4.")
    assert sent == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in [lead, *members])
    message = mailoutbox[0]
    assert message.subject == "[Harbor Readers] Book club"
    assert message.from_email.startswith("Harbor Readers <")
    assert "Chapter 3 & 4." in message.body
    assert "Chapter 3 &amp; 4." in message.alternatives[0].content


def test_it_respects_a_members_choice_to_stop_lead_messages(deliver, mailoutbox):
    group = GroupFactory()
    lead = LeadFactory(group=group).user
    MembershipFactory(group=group, user=UserFactory(email_opt_outs=[EmailCategory.GROUP_MESSAGES]))
    deliver(services.group_email, group=group, sender=lead, subject="Hi", body="Hello all")
    assert [m.to for m in mailoutbox] == [[lead.email]]


def test_it_uses_a_neutral_subject_for_a_group_message_when_asked(deliver, mailoutbox):
    group = ConfidentialGroupFactory(name="Quiet Cove Circle")
    lead = LeadFactory(group=group).user
    deliver(services.group_email, group=group, sender=lead, subject="Pride planning", body="Let's meet.")
    [message] = mailoutbox
    assert message.subject == "A message from Belong"
    assert "Quiet Cove" not in message.from_email
    assert message.body.startswith("Pride planning")


def test_it_tells_directors_about_a_proposal_and_the_proposer_about_the_decision(deliver, mailoutbox):
    director = DirectorFactory()
    proposer = UserFactory(full_name="Ines Idea")
    proposal = deliver(
        services.group_propose,
        proposer=proposer,
        name="Night Shift Circle",
        purpose="Custodial staff on evening shifts meeting at a time that suits them.",
        would_lead=True,
    )
    [note] = mailoutbox
    assert note.to == [director.email]
    assert note.subject == "New group proposal: Night Shift Circle"
    assert "Ines Idea proposes a new group" in note.body

    deliver(services.proposal_decide, proposal=proposal, by=director, approve=True, message="Great idea.")
    decided = mailoutbox[1]
    assert decided.to == [proposer.email]
    assert decided.subject == "Your group idea was approved: Night Shift Circle"
    assert "Great idea." in decided.body
    assert "/groups/night-shift-circle/" in decided.body


def test_it_tells_the_proposer_about_a_decline_too(deliver, mailoutbox):
    director = DirectorFactory()
    proposal = GroupProposal.objects.create(proposer=UserFactory(), name="Duplicate Circle", purpose="Something")
    deliver(services.proposal_decide, proposal=proposal, by=director, approve=False, message="Join X instead.")
    [decided] = mailoutbox
    assert decided.subject == "About your group idea: Duplicate Circle"
    assert "Join X instead." in decided.body


def test_it_sends_an_invitation(deliver, mailoutbox):
    group = GroupFactory(name="Invited Circle", join_policy=Group.JoinPolicy.INVITATION)
    lead = LeadFactory(group=group, user=UserFactory(full_name="Ida Inviter")).user
    guest = UserFactory()
    deliver(services.member_invite, group=group, user=guest, by=lead)
    [invitation] = mailoutbox
    assert invitation.subject == "You are invited to join Invited Circle"
    assert "Ida Inviter invites you" in invitation.body


def test_it_writes_in_the_recipients_language(deliver, mailoutbox):
    group = GroupFactory()
    member = UserFactory(preferred_language="es")
    deliver(services.group_join, group=group, user=member)
    [welcome] = mailoutbox
    from belong.models import OutboxMessage

    assert OutboxMessage.objects.get(recipient=member).language == "es"
    assert welcome.to == [member.email]
