"""A small district for the security tests: three groups, one meeting, a plan, a comment, and one person per role.

Roles (the columns of the authorization matrix):
- anonymous      nobody signed in
- staff          a teacher who belongs to no group
- administrator  a principal (job role), not an admin-site user
- member         an active member of the normal group G
- lead           a lead of G
- other_lead     a lead of another group H, nothing to do with G
- director       the equity director (admin-site user in the "Equity director" permission group)
- superuser
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from belong.tasks import BEAT_KEY
from tests.factories import AdministratorFactory, DirectorFactory, SuperuserFactory, UserFactory

ROLES = ("anonymous", "staff", "administrator", "member", "lead", "other_lead", "director", "superuser")

# Data migrations that grant permissions: a transactional test elsewhere flushes their rows and
# --reuse-db carries that into the next run, so they are applied again before each test here.
PERMISSION_MIGRATIONS = [
    ("accounts.migrations.0003_hr_import_permission", "grant_hr"),
    ("groups.migrations.0003_equity_director_permissions", "grant"),
    ("equity_plan.migrations.0002_equity_director_permissions", "grant"),
    ("comments.migrations.0002_review_permission", "grant"),
    ("impact.migrations.0003_equity_director_permissions", "grant"),
]


def grant_permissions() -> None:
    from django.apps import apps
    from django.contrib.auth.models import Group as PermissionGroup

    from accounts.models import EQUITY_DIRECTOR_GROUP

    PermissionGroup.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    for module_name, function in PERMISSION_MIGRATIONS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        grant = getattr(module, function, None)
        if grant is not None:
            grant(apps, None)


@pytest.fixture(autouse=True)
def _security_settings(settings):
    # The admin's second-factor gate has its own test (test_admin_mfa.py); here it would hide the admin.
    settings.ADMIN_REQUIRES_MFA = False
    settings.COMMENT_FORM_MIN_SECONDS = 0
    settings.TIME_ZONE = "America/New_York"


@dataclass
class World:
    users: dict
    group: object  # G: a normal, open group with a public schedule
    confidential: object  # C: a confidential group
    other: object  # H: another normal group
    archived: object
    pending: object  # a pending request to join G
    member_membership: object  # the member's membership of G
    other_membership: object  # a member of H
    confidential_membership: object
    meeting: object  # a members-only meeting of G
    occurrence: object
    confidential_occurrence: object
    district_event: object
    plan: object
    draft_plan: object
    year: object
    workstream: object
    item: object
    indicator: object
    topic: object
    comment: object
    receipt_code: str
    extra: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.users.get(role)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One district per test module, built once inside a transaction that is rolled back at the end.

    Each test still runs in its own savepoint (the `db` fixture), so what a test changes is undone.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        grant_permissions()
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db) -> World:
    # The root conftest empties the cache before each test; the health page needs a recent beat tick.
    cache.set(BEAT_KEY, time.time(), timeout=None)
    return shared_world


def build_world() -> World:
    from comments import services as comment_services
    from groups.models import Group
    from tests.comments.factories import TopicFactory
    from tests.equity_plan.factories import (
        ActionItemFactory,
        IndicatorFactory,
        PlanFactory,
        PlanYearFactory,
        WorkstreamFactory,
    )
    from tests.groups.factories import (
        ConfidentialGroupFactory,
        GroupFactory,
        LeadFactory,
        MembershipFactory,
        PendingFactory,
    )
    from tests.meetings.factories import first_occurrence, schedule

    group = GroupFactory(name="Open Harbor Circle", slug="open-harbor", public_schedule=True)
    confidential = ConfidentialGroupFactory(name="Quiet Cove Circle", slug="quiet-cove")
    other = GroupFactory(name="Far Shore Circle", slug="far-shore")
    archived = GroupFactory(name="Old Mill Circle", slug="old-mill", status=Group.Status.ARCHIVED)

    users = {
        "anonymous": None,
        "staff": UserFactory(full_name="Sam Staff"),
        "administrator": AdministratorFactory(full_name="Pat Principal"),
        "director": DirectorFactory(full_name="Dana Director"),
        "superuser": SuperuserFactory(full_name="Sue Super"),
    }
    lead_membership = LeadFactory(group=group, user=UserFactory(full_name="Lena Lead"))
    users["lead"] = lead_membership.user
    member_membership = MembershipFactory(
        group=group, user=UserFactory(full_name="Milo Member"), visible_to_members=True
    )
    users["member"] = member_membership.user
    users["other_lead"] = LeadFactory(group=other, user=UserFactory(full_name="Oscar Other")).user
    other_membership = MembershipFactory(group=other, user=UserFactory(full_name="Hana Hmember"))
    pending = PendingFactory(group=group, user=UserFactory(full_name="Pia Pending"))
    confidential_lead = LeadFactory(group=confidential, user=UserFactory(full_name="Cleo Confidential")).user
    confidential_membership = MembershipFactory(group=confidential, user=UserFactory(full_name="Cai Quiet"))
    LeadFactory(group=archived, user=UserFactory(full_name="Arlo Archived"))

    day = timezone.localdate() + timedelta(days=7)
    meeting = schedule(by=users["lead"], group=group, day=day, invite=False, title="Harbor monthly gathering")
    confidential_meeting = schedule(
        by=confidential_lead, group=confidential, day=day, invite=False, title="Quiet Cove gathering"
    )
    district_event = schedule(
        by=users["director"], group=None, day=day, audience="all_staff", title="District gathering", invite=False
    )

    plan = PlanFactory(slug="deib-plan", title="DEIB 3-Year Plan")
    draft_plan = PlanFactory(slug="draft-plan", title="Unannounced Plan", is_published=False)
    year = PlanYearFactory(plan=plan, number=1)
    workstream = WorkstreamFactory(plan=plan, year=year)
    item = ActionItemFactory(workstream=workstream)
    indicator = IndicatorFactory(workstream=workstream)

    topic = TopicFactory(name="Proposed educational equity policy")
    submitted = comment_services.comment_submit(topic=topic, body="Please publish progress yearly.", language="en")

    return World(
        users=users,
        group=group,
        confidential=confidential,
        other=other,
        archived=archived,
        pending=pending,
        member_membership=member_membership,
        other_membership=other_membership,
        confidential_membership=confidential_membership,
        meeting=meeting,
        occurrence=first_occurrence(meeting),
        confidential_occurrence=first_occurrence(confidential_meeting),
        district_event=district_event,
        plan=plan,
        draft_plan=draft_plan,
        year=year,
        workstream=workstream,
        item=item,
        indicator=indicator,
        topic=topic,
        comment=submitted.comment,
        receipt_code=submitted.receipt_code,
    )


@pytest.fixture
def browser():
    """A test client whose view exceptions become 500 responses, so an assertion can name them."""
    return Client(raise_request_exception=False)


def sign_in(client: Client, world: World, role: str) -> None:
    user = world.user(role)
    if user is not None:
        client.force_login(user)
