"""New-hire welcome (once per person, in their language) and the director's aggregate overview."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import selectors, services
from groups.models import Group, MembershipEvent
from tests.factories import DirectorFactory, UserFactory

from .factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db


def _announce(created_ids, changed_ids=()):
    """What the HR import does after it commits: announce who was created or changed."""
    from accounts.models import User
    from accounts.signals import staff_imported

    staff_imported.send(sender=User, created_ids=list(created_ids), changed_ids=list(changed_ids))


def test_it_welcomes_a_new_hire_once_listing_the_groups_and_how_to_propose(
    django_capture_on_commit_callbacks, mailoutbox
):
    normal = GroupFactory(name="Harbor Readers", summary="We read together.")
    LeadFactory(group=normal, user=UserFactory(full_name="Lena Lead"))
    ConfidentialGroupFactory(name="Quiet Cove Circle")
    GroupFactory(name="Old Circle", status=Group.Status.ARCHIVED)
    hire = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        _announce([hire.pk])
    with django_capture_on_commit_callbacks(execute=True):
        _announce([hire.pk])  # a re-import of the same person

    [welcome] = mailoutbox
    assert welcome.to == [hire.email]
    assert welcome.subject == "Welcome! Meet the Belong groups"
    assert "Harbor Readers" in welcome.body
    assert "We read together." in welcome.body
    assert "Lena Lead" in welcome.body
    assert "Quiet Cove Circle" in welcome.body
    assert "Old Circle" not in welcome.body
    assert "/groups/propose/" in welcome.body
    # A new hire has no password: the e-mail says a code comes by e-mail, and links to where to ask for it.
    assert "There is no password; we e-mail you a one-time code" in welcome.body
    assert "/accounts/login/code/" in welcome.body
    hire.refresh_from_db()
    assert hire.welcomed_at is not None


def test_it_never_names_a_confidential_groups_leads_in_the_welcome(django_capture_on_commit_callbacks, mailoutbox):
    group = ConfidentialGroupFactory()
    LeadFactory(group=group, user=UserFactory(full_name="Secret Steward"))
    with django_capture_on_commit_callbacks(execute=True):
        services.new_hire_welcome_send(user=UserFactory())
    assert "Secret Steward" not in mailoutbox[0].body


def test_it_welcomes_in_the_new_hires_language(django_capture_on_commit_callbacks, mailoutbox):
    from belong.models import OutboxMessage

    hire = UserFactory(preferred_language="es")
    services.new_hire_welcome_send(user=hire)
    assert OutboxMessage.objects.get(recipient=hire, kind="groups.welcome").language == "es"


def test_it_does_not_welcome_someone_already_welcomed_or_inactive():
    assert not services.new_hire_welcome_send(user=UserFactory(welcomed_at=timezone.now()))
    assert not services.new_hire_welcome_send(user=UserFactory(is_active=False))


def test_it_shows_the_director_counts_growth_requests_proposals_and_leaderless_groups(client):
    led = GroupFactory(name="Led Circle")
    LeadFactory(group=led)
    MembershipFactory(group=led)
    PendingFactory(group=led)
    GroupFactory(name="Leaderless Circle")
    from .factories import ProposalFactory

    ProposalFactory()
    MembershipEvent.objects.create(group=led, change=1, at=timezone.now() - timedelta(days=200))
    MembershipEvent.objects.create(group=led, change=1, at=timezone.now())
    client.force_login(DirectorFactory())
    response = client.get("/groups/overview/")
    assert response.status_code == 200
    context = response.context
    assert context["total_members"] == 2
    assert context["pending_requests"] == 1
    assert context["pending_proposals"] == 1
    assert [g.name for g in context["groups_without_lead"]] == ["Leaderless Circle"]
    assert [p.members for p in context["growth"]][-1] == 2
    assert len(context["growth"]) == 12
    assert "<svg" in response.text
    assert '<title id="growth-title">' in response.text
    assert "<table" in response.text  # the same figures for screen readers


def test_it_computes_growth_month_by_month():
    group = GroupFactory()
    now = timezone.now()
    for days, change in [(400, 1), (100, 1), (95, 1), (40, -1), (1, 1)]:
        MembershipEvent.objects.create(group=group, change=change, at=now - timedelta(days=days))
    points = selectors.growth()
    assert points[0].members == 1  # the member from 400 days ago
    assert points[-1].members == 3


def test_it_pins_the_overviews_queries(client, django_assert_num_queries):
    for _ in range(5):
        LeadFactory(group=GroupFactory())
    client.force_login(DirectorFactory())
    client.get("/groups/overview/")
    # (session and user come from the cache) groups with counts, growth (one aggregate), proposals count.
    with django_assert_num_queries(3):
        client.get("/groups/overview/")
