"""Eligibility: every rule, their combinations, the reasons people read, and the HR-change flag."""

import itertools

import pytest

from accounts.models import JobRole
from groups import eligibility, services
from groups.eligibility import Outcome
from groups.models import Group, Membership
from tests.factories import AdministratorFactory, SchoolFactory, UserFactory

from .factories import GroupFactory, LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_it_lets_any_active_staff_member_join_an_open_group(staff, group):
    decision = eligibility.check(staff, group)
    assert decision.outcome == Outcome.JOIN
    assert decision.allowed


def test_it_refuses_inactive_accounts(group):
    decision = eligibility.check(UserFactory(is_active=False), group)
    assert decision.outcome == Outcome.REFUSE
    assert decision.reason == "Only active staff members can join groups."


def test_it_refuses_anonymous_visitors(group):
    from django.contrib.auth.models import AnonymousUser

    assert eligibility.check(AnonymousUser(), group).outcome == Outcome.REFUSE


def test_it_refuses_administrators_with_the_plain_words_reason():
    group = GroupFactory(excludes_administrators=True)
    decision = eligibility.check(AdministratorFactory(), group)
    assert decision.outcome == Outcome.REFUSE
    assert decision.reason == "This group is open to employees who are not administrators."
    assert eligibility.check(UserFactory(job_role=JobRole.PARAEDUCATOR), group).outcome == Outcome.JOIN


@pytest.mark.parametrize(
    "role", [JobRole.PRINCIPAL, JobRole.ASSISTANT_PRINCIPAL, JobRole.DISTRICT_ADMINISTRATOR, JobRole.SUPERINTENDENT]
)
def test_it_counts_every_administrator_role(role):
    group = GroupFactory(excludes_administrators=True)
    assert eligibility.check(UserFactory(job_role=role), group).outcome == Outcome.REFUSE


def test_it_limits_a_group_to_some_job_roles_and_names_them():
    group = GroupFactory(eligible_roles=[JobRole.COUNSELOR, JobRole.SOCIAL_WORKER])
    assert eligibility.check(UserFactory(job_role=JobRole.COUNSELOR), group).outcome == Outcome.JOIN
    decision = eligibility.check(UserFactory(job_role=JobRole.TEACHER), group)
    assert decision.outcome == Outcome.REFUSE
    assert decision.reason == "This group is open to these job roles: Counselor, Social worker."


def test_it_refuses_someone_without_a_job_role_when_roles_are_limited():
    group = GroupFactory(eligible_roles=[JobRole.TEACHER])
    assert eligibility.check(UserFactory(job_role=""), group).outcome == Outcome.REFUSE


def test_it_limits_a_group_to_some_schools_and_names_them():
    north, south = SchoolFactory(name="North Elementary"), SchoolFactory(name="South Middle")
    group = GroupFactory()
    group.eligible_schools.set([north])
    assert eligibility.check(UserFactory(school=north), group).outcome == Outcome.JOIN
    decision = eligibility.check(UserFactory(school=south), group)
    assert decision.reason == "This group is open to staff at: North Elementary."
    assert eligibility.check(UserFactory(school=None), group).outcome == Outcome.REFUSE


def test_it_asks_for_a_leads_approval_when_the_group_wants_it(staff):
    decision = eligibility.check(staff, GroupFactory(join_policy=Group.JoinPolicy.APPROVAL))
    assert decision.outcome == Outcome.REQUEST
    assert "approves each request" in decision.reason


def test_it_refuses_to_self_join_an_invitation_only_group(staff):
    decision = eligibility.check(staff, GroupFactory(join_policy=Group.JoinPolicy.INVITATION))
    assert decision.outcome == Outcome.REFUSE
    assert decision.reason == "Members join this group by invitation from its leads."


def test_it_refuses_archived_groups_and_welcomes_forming_ones(staff):
    assert eligibility.check(staff, GroupFactory(status=Group.Status.ARCHIVED)).outcome == Outcome.REFUSE
    assert eligibility.check(staff, GroupFactory(status=Group.Status.FORMING)).outcome == Outcome.JOIN


def test_it_gives_the_role_reason_before_the_approval_step():
    group = GroupFactory(excludes_administrators=True, join_policy=Group.JoinPolicy.APPROVAL)
    assert eligibility.check(AdministratorFactory(), group).reason == str(eligibility.NOT_ADMINISTRATORS)
    assert eligibility.check(UserFactory(), group).outcome == Outcome.REQUEST


def test_it_needs_every_rule_met_when_rules_combine():
    site = SchoolFactory()
    group = GroupFactory(excludes_administrators=True, eligible_roles=[JobRole.TEACHER, JobRole.PRINCIPAL])
    group.eligible_schools.set([site])
    assert eligibility.check(UserFactory(job_role=JobRole.TEACHER, school=site), group).outcome == Outcome.JOIN
    # A principal is a listed role but an administrator: the administrator rule still applies.
    assert eligibility.check(UserFactory(job_role=JobRole.PRINCIPAL, school=site), group).outcome == Outcome.REFUSE
    assert eligibility.check(UserFactory(job_role=JobRole.NURSE, school=site), group).outcome == Outcome.REFUSE
    assert eligibility.check(UserFactory(job_role=JobRole.TEACHER), group).outcome == Outcome.REFUSE


def test_it_checks_a_directory_of_groups_without_a_query_per_group(staff, django_assert_num_queries):
    site = SchoolFactory()
    for _ in range(5):
        GroupFactory().eligible_schools.set([site])
    groups = list(Group.objects.prefetch_related("eligible_schools"))
    with django_assert_num_queries(0):
        for group in groups:
            eligibility.check(staff, group)


def test_it_agrees_with_the_sql_filter_for_groups_i_can_join():
    """`joinable_by` (SQL, for the directory filter) and `check` (Python) must never disagree."""
    site, other_site = SchoolFactory(), SchoolFactory()
    groups = []
    for excludes, roles, schools, policy in itertools.product(
        [False, True], [[], [JobRole.TEACHER], [JobRole.PRINCIPAL, JobRole.NURSE]], [[], [site]], list(Group.JoinPolicy)
    ):
        group = GroupFactory(excludes_administrators=excludes, eligible_roles=roles, join_policy=policy)
        group.eligible_schools.set(schools)
        groups.append(group)
    GroupFactory(status=Group.Status.ARCHIVED)
    people = [
        UserFactory(job_role=JobRole.TEACHER, school=site),
        UserFactory(job_role=JobRole.NURSE, school=other_site),
        UserFactory(job_role=JobRole.PRINCIPAL, school=site),
        UserFactory(job_role="", school=None),
    ]
    member = people[0]
    MembershipFactory(user=member, group=groups[0])
    for person in people:
        in_sql = set(Group.objects.joinable_by(person).values_list("pk", flat=True))
        in_python = {
            g.pk
            for g in Group.objects.prefetch_related("eligible_schools")
            if eligibility.check(person, g).allowed and not g.memberships.filter(user=person).exists()
        }
        assert in_sql == in_python, person.job_role


def test_it_flags_but_keeps_a_membership_when_an_hr_change_makes_someone_ineligible(
    django_capture_on_commit_callbacks, mailoutbox
):
    group = GroupFactory(name="Classroom Voices", eligible_roles=[JobRole.TEACHER])
    lead = LeadFactory(group=group).user
    membership = MembershipFactory(group=group, user=UserFactory(job_role=JobRole.TEACHER))
    membership.user.job_role = JobRole.ASSISTANT_PRINCIPAL
    membership.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.membership_flag_ineligible(user_ids=[membership.user.pk]) == 1

    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert membership.eligibility_flagged_at is not None
    assert [m.to for m in mailoutbox] == [[lead.email]]
    assert "needs your review" in mailoutbox[0].subject
    assert membership.user.display_name not in mailoutbox[0].body


def test_it_does_not_flag_twice_and_clears_the_flag_when_someone_qualifies_again(
    django_capture_on_commit_callbacks, mailoutbox
):
    group = GroupFactory(excludes_administrators=True)
    LeadFactory(group=group)
    membership = MembershipFactory(group=group, user=UserFactory(job_role=JobRole.PRINCIPAL))
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_flag_ineligible(user_ids=[membership.user.pk])
        assert services.membership_flag_ineligible(user_ids=[membership.user.pk]) == 0
    assert len(mailoutbox) == 1

    membership.user.job_role = JobRole.TEACHER
    membership.user.save()
    services.membership_flag_ineligible(user_ids=[membership.user.pk])
    membership.refresh_from_db()
    assert membership.eligibility_flagged_at is None


def test_it_leaves_members_who_still_qualify_alone(staff):
    membership = MembershipFactory(user=staff, group=GroupFactory(eligible_roles=[JobRole.TEACHER]))
    assert services.membership_flag_ineligible(user_ids=[staff.pk]) == 0
    membership.refresh_from_db()
    assert membership.eligibility_flagged_at is None


def test_it_flags_memberships_when_the_hr_import_announces_changed_people():
    from accounts.models import User
    from accounts.signals import staff_imported

    group = GroupFactory(eligible_roles=[JobRole.TEACHER])
    membership = MembershipFactory(group=group, user=UserFactory(job_role=JobRole.NURSE))
    staff_imported.send(sender=User, created_ids=[], changed_ids=[membership.user.pk])
    membership.refresh_from_db()
    assert membership.eligibility_flagged_at is not None


def test_it_lets_leads_keep_a_flagged_member(client):
    group = GroupFactory(eligible_roles=[JobRole.TEACHER])
    lead = LeadFactory(group=group, user=UserFactory(job_role=JobRole.TEACHER)).user
    membership = MembershipFactory(group=group, user=UserFactory(job_role=JobRole.NURSE))
    services.membership_flag_ineligible(user_ids=[membership.user.pk])
    client.force_login(lead)
    page = client.get(f"/groups/{group.slug}/roster/")
    assert "Eligibility to review" in page.text

    response = client.post(f"/groups/{group.slug}/roster/", {"membership": membership.pk, "action": "keep"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.eligibility_flagged_at is None


def test_it_reads_the_school_rule_from_the_groups_own_query(django_assert_num_queries):
    # The join view loads the group with its schools' IDs (no prefetch): admitting costs no query, and a
    # refusal loads the names to explain itself, the same words as with the schools prefetched.
    north, south = SchoolFactory(name="North High"), SchoolFactory(name="South High")
    group = GroupFactory()
    group.eligible_schools.set([north, south])
    loaded = Group.objects.with_eligible_school_ids().get(pk=group.pk)
    prefetched = Group.objects.prefetch_related("eligible_schools").get(pk=group.pk)
    assert sorted(loaded.eligible_school_ids) == sorted([north.pk, south.pk])
    inside, outside = UserFactory(school=north), UserFactory(school=SchoolFactory())
    with django_assert_num_queries(0):
        assert eligibility.check(inside, loaded).outcome == Outcome.JOIN
    with django_assert_num_queries(1):
        refused = eligibility.check(outside, loaded)
    assert refused.outcome == Outcome.REFUSE
    assert refused.reason == eligibility.check(outside, prefetched).reason
    assert refused.reason == "This group is open to staff at: North High, South High."


def test_it_reads_an_empty_school_rule_as_every_school():
    group = Group.objects.with_eligible_school_ids().get(pk=GroupFactory().pk)
    assert group.eligible_school_ids == []
    assert eligibility.check(UserFactory(school=SchoolFactory()), group).outcome == Outcome.JOIN
