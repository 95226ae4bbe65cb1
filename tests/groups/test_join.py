"""Joining, asking to join, refusals, leaving, invitations; one membership however many clicks."""

import threading

import pytest
from django.db import connection

from accounts.models import JobRole
from belong.models import OutboxMessage
from groups import services
from groups.models import Group, Membership, MembershipEvent
from tests.factories import AdministratorFactory, UserFactory

from .factories import GroupFactory, LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_it_joins_an_open_group_with_one_post(client, staff, group):
    client.force_login(staff)
    response = client.post(f"/groups/{group.slug}/join/", follow=True)
    membership = Membership.objects.get(group=group, user=staff)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.joined_at is not None
    assert f"You are now a member of {group.name}" in response.text
    assert MembershipEvent.objects.filter(group=group).count() == 1


def test_it_makes_one_membership_on_a_double_click(client, staff, group):
    client.force_login(staff)
    first = client.post(f"/groups/{group.slug}/join/")
    second = client.post(f"/groups/{group.slug}/join/", follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "You are already a member of this group." in second.text
    assert Membership.objects.filter(group=group, user=staff).count() == 1


def test_it_only_joins_by_post(client, staff, group):
    client.force_login(staff)
    assert client.get(f"/groups/{group.slug}/join/").status_code == 405
    assert not Membership.objects.exists()


def test_it_sends_a_request_to_the_leads_when_approval_is_needed(client, staff):
    group = GroupFactory(join_policy=Group.JoinPolicy.APPROVAL)
    client.force_login(staff)
    response = client.post(f"/groups/{group.slug}/join/", {"message": "I coach the debate team."}, follow=True)
    membership = Membership.objects.get(group=group, user=staff)
    assert membership.status == Membership.Status.PENDING
    assert membership.request_message == "I coach the debate team."
    assert "sent to the group&#x27;s leads" in response.text
    assert not MembershipEvent.objects.exists()
    again = client.post(f"/groups/{group.slug}/join/", follow=True)
    assert "already waiting" in again.text


def test_it_refuses_with_the_reason_in_plain_words(client):
    group = GroupFactory(excludes_administrators=True)
    client.force_login(AdministratorFactory())
    response = client.post(f"/groups/{group.slug}/join/", follow=True)
    assert "This group is open to employees who are not administrators." in response.text
    assert not Membership.objects.exists()


def test_it_shows_the_reason_and_no_join_button_on_the_group_page(client):
    group = GroupFactory(excludes_administrators=True)
    client.force_login(AdministratorFactory())
    page = client.get(f"/groups/{group.slug}/").text
    assert "This group is open to employees who are not administrators." in page
    assert f"/groups/{group.slug}/join/" not in page


def test_it_lets_a_member_leave_and_deletes_the_membership(client, staff, group):
    MembershipFactory(group=group, user=staff)
    client.force_login(staff)
    response = client.post(f"/groups/{group.slug}/leave/", follow=True)
    assert f"You left {group.name}" in response.text
    assert not Membership.objects.filter(group=group, user=staff).exists()
    assert list(MembershipEvent.objects.values_list("change", flat=True)) == [-1]
    # Leaving twice is harmless.
    assert "not a member" in client.post(f"/groups/{group.slug}/leave/", follow=True).text


def test_it_lets_someone_withdraw_a_pending_request(client, staff):
    group = GroupFactory(join_policy=Group.JoinPolicy.APPROVAL)
    services.group_join(group=group, user=staff)
    client.force_login(staff)
    client.post(f"/groups/{group.slug}/leave/")
    assert not Membership.objects.exists()
    assert not MembershipEvent.objects.exists()


def test_it_lets_even_a_flagged_member_leave(client):
    group = GroupFactory(eligible_roles=[JobRole.TEACHER])
    membership = MembershipFactory(group=group, user=UserFactory(job_role=JobRole.NURSE))
    services.membership_flag_ineligible(user_ids=[membership.user_id])
    client.force_login(membership.user)
    client.post(f"/groups/{group.slug}/leave/")
    assert not Membership.objects.exists()


def test_it_lets_a_lead_invite_someone_to_an_invitation_only_group(client, staff):
    group = GroupFactory(join_policy=Group.JoinPolicy.INVITATION)
    lead = LeadFactory(group=group).user
    assert services.group_join(group=group, user=staff).membership is None

    client.force_login(lead)
    response = client.post(f"/groups/{group.slug}/roster/invite/", {"email": staff.email.upper()})
    assert response.status_code == 302
    assert Membership.objects.get(group=group, user=staff).status == Membership.Status.INVITED

    client.force_login(staff)
    assert "Accept the invitation" in client.get(f"/groups/{group.slug}/").text
    client.post(f"/groups/{group.slug}/join/")
    assert Membership.objects.get(group=group, user=staff).status == Membership.Status.ACTIVE


def test_it_404s_unknown_groups(client, staff):
    client.force_login(staff)
    assert client.get("/groups/no-such-group/").status_code == 404
    assert client.post("/groups/no-such-group/join/").status_code == 404
    assert client.get("/groups/no-such-group/roster/").status_code == 404


def test_it_hides_archived_groups_from_staff(client, staff):
    group = GroupFactory(status=Group.Status.ARCHIVED)
    client.force_login(staff)
    assert client.get(f"/groups/{group.slug}/").status_code == 404
    assert group.name not in client.get("/groups/").text


def test_it_sends_anonymous_visitors_to_sign_in(client, group):
    for response in (
        client.get("/groups/"),
        client.get(f"/groups/{group.slug}/"),
        client.post(f"/groups/{group.slug}/join/"),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not Membership.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("policy", [Group.JoinPolicy.OPEN, Group.JoinPolicy.APPROVAL])
def test_it_makes_one_membership_when_two_joins_race(policy):
    group = GroupFactory(join_policy=policy)
    LeadFactory(group=group)
    user = UserFactory()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def join():
        try:
            barrier.wait(timeout=10)
            results.append(services.group_join(group=group, user=user))
        except Exception as error:  # any error fails the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=join) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Membership.objects.filter(group=group, user=user).count() == 1
    assert sorted(r.created for r in results) == [False, True]
    assert {r.membership.pk for r in results} == {Membership.objects.get(user=user).pk}
    # One welcome and one note to the lead, not two.
    assert OutboxMessage.objects.filter(recipient=user).count() == 1
    assert MembershipEvent.objects.filter(group=group).count() == (1 if policy == Group.JoinPolicy.OPEN else 0)


def test_it_answers_a_too_long_request_message_without_joining(client, staff):
    group = GroupFactory(join_policy=Group.JoinPolicy.APPROVAL)
    client.force_login(staff)
    response = client.post(f"/groups/{group.slug}/join/", {"message": "x" * 2001}, follow=True)
    assert "at most 2000 characters" in response.text
    assert not Membership.objects.exists()


def test_it_joins_in_four_queries_inside_a_callers_transaction(django_assert_num_queries):
    # The caller's transaction makes group_join's a savepoint (2 of the 4): the confidential setting, the
    # person's place on the roster and the leads in one locking read; the membership, its growth-chart
    # event and the e-mails in one insert. No second savepoint around the insert and no re-check of the
    # confidential setting after it.
    group = GroupFactory()
    LeadFactory(group=group)
    group = Group.objects.prefetch_related("eligible_schools").get(pk=group.pk)
    user = UserFactory()
    with django_assert_num_queries(4):
        result = services.group_join(group=group, user=user)
    assert result.created
    assert not result.membership.hidden


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_callers_transaction_usable_when_a_join_loses_a_race():
    from django.db import transaction

    group = GroupFactory()
    user = UserFactory()
    inserted, release = threading.Event(), threading.Event()

    def theirs():
        # Another request inserts the same membership and commits only once this one is waiting on it.
        try:
            with transaction.atomic():
                MembershipFactory(group=group, user=user)
                inserted.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    other = threading.Thread(target=theirs)
    other.start()
    assert inserted.wait(timeout=10)
    threading.Timer(0.5, release.set).start()
    with transaction.atomic():
        # The roster read sees nothing (theirs is not committed); the insert waits on the unique index,
        # then fails inside group_join's savepoint, not in the caller's transaction.
        result = services.group_join(group=group, user=user)
        assert not result.created
        assert Membership.objects.filter(group=group, user=user).count() == 1  # the transaction still works
    other.join(timeout=30)
    assert result.membership.pk == Membership.objects.get(group=group, user=user).pk
    assert MembershipEvent.objects.filter(group=group).count() == 0  # the lost join's event went with it


@pytest.mark.django_db(transaction=True)
def test_it_hides_a_join_that_waited_for_the_director_to_make_the_group_confidential():
    import time

    from django.db import transaction

    from tests.factories import DirectorFactory

    group = GroupFactory()
    LeadFactory(group=group)
    stale = Group.objects.get(pk=group.pk)  # read before the switch, as the join view did
    joiner = UserFactory()
    director = DirectorFactory()
    results, errors = [], []

    def join():
        try:
            results.append(services.group_join(group=stale, user=joiner))
        except Exception as error:  # any error fails the test below
            errors.append(error)
        finally:
            connection.close()

    joining = threading.Thread(target=join)
    with transaction.atomic():
        services.group_set_confidential(group=group, confidential=True, by=director)
        joining.start()
        time.sleep(0.5)
        assert results == []  # the join waits on the director's row lock
    joining.join(timeout=30)
    assert errors == []
    assert results[0].membership.hidden
    assert Membership.objects.get(group=group, user=joiner).hidden


def test_it_joins_with_one_post_in_few_queries(client, staff, group, django_assert_num_queries):
    LeadFactory(group=group)
    client.force_login(staff)
    client.get("/")  # the session and the user are cached, as for someone who has been reading the site
    # The group with its schools' IDs (1), then the join inside the test's transaction (4, see above).
    # It was 12: the schools' prefetch, the roster read, a savepoint of its own (2) and the confidential
    # re-check went; the locking read came and took the leads' read in; the inserts became one.
    with django_assert_num_queries(5):
        response = client.post(f"/groups/{group.slug}/join/")
    assert response.status_code == 302
    assert Membership.objects.get(group=group, user=staff).status == Membership.Status.ACTIVE


def test_it_reads_the_active_leads_a_join_tells_field_for_field():
    # services._leads reads by hand (belong.rows): the same users the ORM builds, and only active leads.
    group = GroupFactory()
    leads = [LeadFactory(group=group).user for _ in range(2)]
    LeadFactory(group=group, user=UserFactory(is_active=False))
    LeadFactory(group=group, status=Membership.Status.PENDING)
    MembershipFactory(group=group)
    LeadFactory(group=GroupFactory())

    found = sorted(services._leads(group), key=lambda user: user.pk)
    assert [user.pk for user in found] == sorted(user.pk for user in leads)
    for user in found:
        expected = type(user).objects.get(pk=user.pk)
        assert {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in user._meta.concrete_fields
        }
    assert [user.pk for user in services._leads(group, exclude_user_id=leads[0].pk)] == [leads[1].pk]


@pytest.mark.parametrize("leads", [0, 1, 3])
def test_it_tells_exactly_the_active_leads_read_with_the_lock(leads):
    # The join reads the leads in its locking statement: one row per lead, or one row of NULLs.
    group = GroupFactory()
    expected = {LeadFactory(group=group).user.email for _ in range(leads)}
    LeadFactory(group=group, user=UserFactory(is_active=False))
    joiner = UserFactory()
    result = services.group_join(group=group, user=joiner)
    assert result.created
    told = OutboxMessage.objects.filter(kind="groups.lead_new_member").values_list("to_email", flat=True)
    assert set(told) == expected and len(told) == leads
    assert OutboxMessage.objects.filter(kind="groups.joined", to_email=joiner.email).count() == 1
