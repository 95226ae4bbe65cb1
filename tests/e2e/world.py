"""One small district, built once per scanning module: people in each role, groups, a meeting, a plan, comments.

Every page of the portal is opened against this data, so each page shows real content (a roster with
members, a plan with an indicator chart, a comment with a reply) rather than its empty state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tests.conftest import reapply_data_migrations
from tests.factories import AdministratorFactory, DirectorFactory, SchoolFactory, UserFactory

PEOPLE = ("staff", "lead", "administrator", "director")


@dataclass
class World:
    emails: dict[str, str] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)
    totp_secret: str = ""

    def url(self, template: str) -> str:
        return template.format(**self.ids)


def with_totp(user) -> str:
    """Give a user an authenticator app (as the admin demands of staff); return its secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def build() -> World:
    from django.core import signing

    from accounts.models import EmailCategory
    from comments.models import Comment
    from groups.models import Group, Membership
    from meetings.models import Audience
    from tests.comments.factories import CommentFactory, TagFactory, TopicFactory
    from tests.equity_plan import factories as plan
    from tests.groups.factories import GroupFactory, LeadFactory, MembershipFactory, PendingFactory, ProposalFactory
    from tests.meetings.factories import first_occurrence, schedule

    reapply_data_migrations()  # the flush before building removed the data migrations' rows
    world = World()
    school = SchoolFactory(name="Maple Grove Elementary", code="maple-grove")
    staff = UserFactory(full_name="Sam Staff", school=school)
    lead = UserFactory(full_name="Lena Lead", school=school)
    administrator = AdministratorFactory(full_name="Pat Principal", school=school)
    director = DirectorFactory(full_name="Dana Director", school=school)
    world.totp_secret = with_totp(director)
    world.emails = {
        "staff": staff.email,
        "lead": lead.email,
        "administrator": administrator.email,
        "director": director.email,
    }

    harbor = GroupFactory(
        name="Open Harbor Circle",
        slug="open-harbor",
        public_schedule=True,
        mission="Belonging for every adult in our schools.",
        contact_email="harbor@district.example",
    )
    LeadFactory(group=harbor, user=lead)
    MembershipFactory(group=harbor, user=staff, visible_to_members=True)
    for name in ("Mia Member", "Noah Member"):
        MembershipFactory(group=harbor, user=UserFactory(full_name=name, school=school), visible_to_members=True)
    PendingFactory(
        group=harbor,
        user=UserFactory(full_name="Rita Requester", school=school),
        request_message="I would like to join.",
    )
    GroupFactory(name="Lantern Readers", slug="lantern-readers", join_policy=Group.JoinPolicy.APPROVAL)
    GroupFactory(name="Classroom Voices", slug="classroom-voices", excludes_administrators=True)
    GroupFactory(name="Quiet Cove Circle", slug="quiet-cove", is_confidential=True)
    LeadFactory(
        group=GroupFactory(name="Other Shore Circle", slug="other-shore"),
        user=UserFactory(full_name="Oscar Other", school=school),
    )
    assert Membership.objects.filter(group=harbor).count() == 5

    meeting = schedule(
        by=lead,
        group=harbor,
        title="Monthly gathering",
        agenda="Welcome and a shared reading.",
        school=school,
        capacity=20,
        invite=False,
    )
    occurrence = first_occurrence(meeting)
    event = schedule(
        by=director,
        group=None,
        title="District heritage night",
        audience=Audience.ALL_STAFF,
        address="Central High School auditorium",
        invite=False,
    )
    proposal = ProposalFactory(proposer=staff, name="Night Shift Circle")

    district_plan = plan.PlanFactory(slug="deib-plan", title="DEIB 3-Year Plan")
    plan.PlanFactory(slug="earlier-plan", title="Equity Plan 2021-2024", start_year=2021, end_year=2024)
    plan.PlanYearFactory(plan=district_plan, number=1, title="Year one: listening")
    panel = plan.WorkstreamFactory(plan=district_plan, code="1", title="Curriculum panel")
    item = plan.ActionItemFactory(workstream=panel, title="Review reading lists")
    plan.ProgressUpdateFactory(item=item)
    indicator = plan.IndicatorFactory(workstream=panel, name="Students who feel they belong")
    for day, value in ((date(2025, 9, 1), "42"), (date(2026, 1, 1), "48")):
        plan.MeasurementFactory(indicator=indicator, measured_on=day, value=Decimal(value))

    topic = TopicFactory(name="Proposed educational equity policy")
    TagFactory(name="Transportation")
    comment = CommentFactory(topic=topic, body="Please publish progress every year.")
    CommentFactory(
        topic=topic, disclosed=True, status=Comment.Status.ANSWERED, reply="Thank you; we will publish a yearly report."
    )

    world.ids = {
        "group": harbor.slug,
        "meeting": occurrence.pk,
        "event": first_occurrence(event).pk,
        # As belong.mail.unsubscribe_token signs it for the List-Unsubscribe link of each e-mail.
        "unsubscribe": signing.dumps(
            {"u": staff.pk, "c": EmailCategory.NEWS}, salt="belong.unsubscribe", compress=True
        ),
        "series": meeting.pk,
        "proposal": proposal.pk,
        "plan": district_plan.slug,
        "year": district_plan.years.get().pk,
        "workstream": panel.pk,
        "item": item.pk,
        "indicator": indicator.pk,
        "comment": comment.pk,
        "topic": topic.pk,
    }
    return world
