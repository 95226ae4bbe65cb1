"""Confidentiality is each member's consent, recorded when they join, not a flag the director can untick.

The attack (Trust issue, finding 1): the director unticks "Confidential membership" in the admin and opens
the roster, its CSV, the admin's membership list or the group page, and reads every name that joined hidden.
"""

from __future__ import annotations

import csv
import importlib
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from belong.models import AuditLog, OutboxMessage
from groups import services
from groups.models import Group, Membership
from meetings import services as meeting_services
from meetings.models import RSVP, Occurrence
from tests.factories import DirectorFactory, SuperuserFactory, UserFactory
from tests.meetings.factories import first_occurrence, schedule

from .factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SECRET_NAMES = ("Hugo Secret-Hidden", "Lila Secret-Listed", "Jo Joined-Hidden")


def _admin_form(group: Group, **changes) -> dict:
    data = {
        "name_en": group.name,
        "slug": group.slug,
        "summary_en": group.summary,
        "status": group.status,
        "focus": group.focus,
        "description_en": group.description,
        "mission_en": "",
        "goals_en": "",
        "audience_en": "",
        "charter_en": "",
        "charter_adopted_on": "",
        "contact_email": "",
        "join_policy": group.join_policy,
        "neutral_email_subjects": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    if group.is_confidential:
        data["is_confidential"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def revealed(client, confidential):
    """The attack: someone joins hidden, then the director switches the group to open through the admin."""
    joiner = UserFactory(full_name="Jo Joined-Hidden")
    services.group_join(group=confidential.group, user=joiner)
    director = DirectorFactory()
    client.force_login(director)
    url = f"/admin/groups/group/{confidential.group.pk}/change/"

    unconfirmed = client.post(url, _admin_form(confidential.group, is_confidential=None))
    assert unconfirmed.status_code == 200
    assert "4 existing members joined hidden and stay hidden; new members will be listed." in unconfirmed.text
    confidential.group.refresh_from_db()
    assert confidential.group.is_confidential, "nothing changes before the director confirms"

    done = client.post(url, _admin_form(confidential.group, is_confidential=None, confirm_confidential_change="on"))
    assert done.status_code == 302, done.context["adminform"].form.errors
    confidential.group.refresh_from_db()
    assert not confidential.group.is_confidential
    confidential.director = director
    confidential.joiner = joiner
    return confidential


def test_it_records_the_consent_when_people_join_a_confidential_group(confidential):
    joiner = UserFactory()
    result = services.group_join(group=confidential.group, user=joiner)
    assert result.membership.hidden
    assert set(confidential.group.memberships.values_list("hidden", flat=True)) == {True}
    assert not MembershipFactory(group=GroupFactory()).hidden


def test_it_logs_the_switch_with_what_it_did(revealed):
    entry = AuditLog.objects.get(action="groups.confidential_off")
    assert entry.actor == revealed.director
    assert entry.object_id == str(revealed.group.pk)
    assert entry.detail["hidden_members"] == 4
    assert set(revealed.group.memberships.values_list("hidden", flat=True)) == {True}


def test_it_keeps_hidden_joiners_off_the_directors_roster_after_the_switch(client, revealed):
    response = client.get(f"/groups/{revealed.group.slug}/roster/")
    assert response.status_code == 200
    for name in (*SECRET_NAMES, "Lena Secret-Lead"):
        assert name not in response.text
    assert "4 members joined while the group was confidential" in response.text


def test_it_keeps_hidden_joiners_out_of_the_directors_csv(client, revealed):
    response = client.post(f"/groups/{revealed.group.slug}/roster.csv", {"purpose": "Check the numbers"})
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert rows[0][0] == "Name"
    assert rows[1:] == []
    assert AuditLog.objects.get(action="groups.roster_export").detail["rows"] == 0


def test_it_keeps_hidden_joiners_off_the_group_page_and_the_admin(client, revealed):
    page = client.get(f"/groups/{revealed.group.slug}/")
    assert page.status_code == 200
    for name in (*SECRET_NAMES, "Lena Secret-Lead"):
        assert name not in page.text
    client.force_login(SuperuserFactory())
    for url in (
        "/admin/groups/membership/",
        f"/admin/groups/group/{revealed.group.pk}/change/",
        "/admin/groups/membership/?q=Secret",
    ):
        admin_page = client.get(url)
        assert admin_page.status_code == 200
        for name in (*SECRET_NAMES, "Lena Secret-Lead"):
            assert name not in admin_page.text, url
    hidden = revealed.hidden_membership
    # The admin sends a superuser away from a hidden membership, as from a missing object.
    assert client.get(f"/admin/groups/membership/{hidden.pk}/change/").status_code == 302


def test_it_still_shows_everyone_to_the_groups_own_leads(client, revealed):
    client.force_login(revealed.lead)
    roster = client.get(f"/groups/{revealed.group.slug}/roster/")
    for name in SECRET_NAMES:
        assert name in roster.text
    exported = _csv_rows(client.post(f"/groups/{revealed.group.slug}/roster.csv", {"purpose": "Sign-in sheet"}))
    assert {row[0] for row in exported[1:]} >= set(SECRET_NAMES)


def test_it_lists_people_who_join_after_the_switch(client, revealed):
    newcomer = UserFactory(full_name="Nina Newcomer")
    assert not services.group_join(group=revealed.group, user=newcomer).membership.hidden
    roster = client.get(f"/groups/{revealed.group.slug}/roster/")
    assert "Nina Newcomer" in roster.text
    assert "Jo Joined-Hidden" not in roster.text


def test_it_refuses_a_directors_roster_action_on_someone_hidden(client, revealed):
    response = client.post(
        f"/groups/{revealed.group.slug}/roster/", {"membership": revealed.hidden_membership.pk, "action": "remove"}
    )
    assert response.status_code == 400
    assert Membership.objects.filter(pk=revealed.hidden_membership.pk).exists()


def test_it_lets_a_member_choose_to_be_shown_and_hide_again_logged(client, revealed):
    member = revealed.member_hidden
    client.force_login(member)
    url = f"/groups/{revealed.group.slug}/membership/"
    page = client.get(url)
    assert page.status_code == 200
    assert "You are hidden" in page.text

    assert client.post(url, {"visibility": "shown"}).status_code == 302
    assert not Membership.objects.get(pk=revealed.hidden_membership.pk).hidden
    assert AuditLog.objects.get(action="groups.membership_shown").actor == member
    client.force_login(revealed.director)
    assert "Hugo Secret-Hidden" in client.get(f"/groups/{revealed.group.slug}/roster/").text

    client.force_login(member)
    assert client.post(url, {"visibility": "hidden"}).status_code == 302
    assert Membership.objects.get(pk=revealed.hidden_membership.pk).hidden
    assert AuditLog.objects.filter(action="groups.membership_hidden", actor=member).count() == 1
    client.force_login(revealed.director)
    assert "Hugo Secret-Hidden" not in client.get(f"/groups/{revealed.group.slug}/roster/").text


@pytest.mark.parametrize("value", ["", "everyone", "<script>"])
def test_it_answers_a_bad_choice_on_the_membership_page_with_400(client, confidential, value):
    client.force_login(confidential.member_hidden)
    response = client.post(f"/groups/{confidential.group.slug}/membership/", {"visibility": value})
    assert response.status_code == 400
    assert "Choose who can see you." in response.text


def test_it_lets_no_one_else_change_a_members_choice(confidential):
    with pytest.raises(services.RosterError):
        services.membership_set_hidden(membership=confidential.hidden_membership, hidden=False, by=confidential.lead)
    assert Membership.objects.get(pk=confidential.hidden_membership.pk).hidden


def test_it_hides_everyone_when_a_group_becomes_confidential(normal):
    director = DirectorFactory()
    services.group_set_confidential(group=normal.group, confidential=True, by=director)
    assert set(normal.group.memberships.values_list("hidden", flat=True)) == {True}
    entry = AuditLog.objects.get(action="groups.confidential_on")
    assert entry.detail["newly_hidden"] == 3
    services.group_set_confidential(group=normal.group, confidential=False, by=director)
    assert set(normal.group.memberships.values_list("hidden", flat=True)) == {True}


def test_it_hides_everyone_however_the_flag_is_switched_on(normal):
    # A history revert or a shell saves the group directly, bypassing the service.
    group = Group.objects.get(pk=normal.group.pk)
    group.is_confidential = True
    group.save()
    assert set(normal.group.memberships.values_list("hidden", flat=True)) == {True}


def test_it_hides_a_join_that_read_the_group_before_it_became_confidential():
    group = GroupFactory()
    stale = Group.objects.get(pk=group.pk)
    services.group_set_confidential(group=group, confidential=True, by=DirectorFactory())
    membership = services.group_join(group=stale, user=UserFactory()).membership
    assert membership.hidden
    assert Membership.objects.get(pk=membership.pk).hidden


def test_it_shows_the_director_what_switching_on_does_before_saving(client, normal):
    client.force_login(DirectorFactory())
    url = f"/admin/groups/group/{normal.group.pk}/change/"
    response = client.post(url, _admin_form(normal.group, is_confidential="on", neutral_email_subjects=None))
    assert response.status_code == 200
    assert "All 3 people on the roster will be hidden" in response.text
    assert not Group.objects.get(pk=normal.group.pk).is_confidential


def test_it_marks_existing_memberships_of_confidential_groups_hidden_in_the_data_migration(confidential):
    Membership.objects.update(hidden=False)
    from django.apps import apps

    importlib.import_module("groups.migrations.0007_membership_hidden_consent").hide_confidential_memberships(
        apps, None
    )
    assert set(confidential.group.memberships.values_list("hidden", flat=True)) == {True}


def test_it_keeps_hidden_members_off_the_directors_attendance_sheet(client):
    group = ConfidentialGroupFactory()
    lead = LeadFactory(group=group).user
    hidden = MembershipFactory(group=group, user=UserFactory(full_name="Ada Attendee-Hidden")).user
    occurrence = first_occurrence(schedule(by=lead, group=group))
    meeting_services.rsvp_set(occurrence=occurrence, user=hidden, response="going")
    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(lead)
    assert client.post(f"/meetings/{occurrence.pk}/attendance/", {"attended": [hidden.pk]}).status_code == 302
    director = DirectorFactory()
    services.group_set_confidential(group=group, confidential=False, by=director)
    shown = MembershipFactory(group=group, user=UserFactory(full_name="Sam Shown")).user
    RSVP.objects.create(occurrence=occurrence, user=shown, response=RSVP.Response.GOING)
    client.force_login(director)
    sheet = client.get(f"/meetings/{occurrence.pk}/attendance/")
    assert sheet.status_code == 200
    assert "Sam Shown" in sheet.text
    assert "Ada Attendee-Hidden" not in sheet.text
    assert client.post(f"/meetings/{occurrence.pk}/attendance/", {"attended": [shown.pk]}).status_code == 302
    assert RSVP.objects.get(user=shown).attended is True
    assert RSVP.objects.get(user=hidden).attended is True, "the director's save leaves hidden people's marks"


def test_it_reminds_leads_that_a_new_member_joined_hidden(django_capture_on_commit_callbacks, mailoutbox):
    group = ConfidentialGroupFactory()
    lead = LeadFactory(group=group).user
    invitee = UserFactory(full_name="Ivo Invited")
    services.member_invite(group=group, user=invitee, by=lead)
    services.group_set_confidential(group=group, confidential=False, by=DirectorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.group_join(group=group, user=invitee)
    [notice] = [m for m in mailoutbox if m.to == [lead.email] and "Ivo Invited" in m.body]
    assert "joined while the group was confidential" in notice.body


def test_it_does_not_confirm_a_hidden_membership_to_a_director_inviting_that_person(client, revealed):
    response = client.post(f"/groups/{revealed.group.slug}/roster/invite/", {"email": revealed.member_hidden.email})
    assert response.status_code == 302
    assert "already on this group" not in client.get(f"/groups/{revealed.group.slug}/roster/").text
    assert not OutboxMessage.objects.filter(kind="groups.invited").exists()
    client.force_login(revealed.lead)
    refused = client.post(f"/groups/{revealed.group.slug}/roster/invite/", {"email": revealed.member_hidden.email})
    assert refused.status_code == 400
    assert "already on this group" in refused.text


def test_it_hides_in_the_data_migration_those_who_joined_before_an_earlier_switch_off(confidential):
    # The state the attack left behind before this change: the flag unticked, nothing on the memberships.
    group = Group.objects.get(pk=confidential.group.pk)
    group.is_confidential = False
    group.save()
    later = MembershipFactory(group=group, user=UserFactory(full_name="Lou Later"))
    Membership.objects.update(hidden=False)
    from django.apps import apps

    importlib.import_module("groups.migrations.0007_membership_hidden_consent").hide_confidential_memberships(
        apps, None
    )
    assert set(group.memberships.exclude(pk=later.pk).values_list("hidden", flat=True)) == {True}
    assert not Membership.objects.get(pk=later.pk).hidden


def test_it_does_not_confirm_a_hidden_membership_when_an_admin_adds_the_same_person(admin_client):
    """After a group stops being confidential, "already exists" would tell the admin who joined hidden."""
    group = GroupFactory(is_confidential=True)
    hidden_member = UserFactory()
    services.group_join(group=group, user=hidden_member)
    services.group_set_confidential(group=group, confidential=False, by=SuperuserFactory())
    visible_member = UserFactory()
    services.group_join(group=group, user=visible_member)

    answer = admin_client.post(
        "/admin/groups/membership/add/",
        {
            "group": group.pk,
            "user": hidden_member.pk,
            "role": "member",
            "status": "active",
        },
    )
    assert answer.status_code == 302 and answer.url == "/admin/groups/membership/"
    assert Membership.objects.filter(group=group, user=hidden_member).count() == 1
    assert Membership.objects.get(group=group, user=hidden_member).hidden
    listing = admin_client.get(answer.url)
    assert hidden_member.email not in listing.text

    duplicate = admin_client.post(
        "/admin/groups/membership/add/",
        {
            "group": group.pk,
            "user": visible_member.pk,
            "role": "member",
            "status": "active",
        },
    )
    assert duplicate.status_code == 200
    assert "already on this group" in duplicate.text


@pytest.mark.django_db(transaction=True)
def test_it_hides_a_join_in_flight_when_a_shell_makes_the_group_confidential():
    # A history revert or a shell saves the group without the service: the save waits for the join that
    # already read the group as open (it holds a KEY SHARE lock until it commits), then hides it too. A
    # request to join: an active join's count trigger would make the save wait on the row anyway.
    import threading
    import time

    from django.db import connection, transaction

    group = GroupFactory(join_policy=Group.JoinPolicy.APPROVAL)
    joiner = UserFactory()
    joined, release = threading.Event(), threading.Event()
    errors = []

    def join():
        try:
            with transaction.atomic():
                services.group_join(group=group, user=joiner)
                joined.set()
                release.wait(timeout=10)  # the caller's transaction is still open
        except Exception as error:  # any error fails the test below
            errors.append(error)
        finally:
            connection.close()

    joining = threading.Thread(target=join)
    joining.start()
    assert joined.wait(timeout=10)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    switched = Group.objects.get(pk=group.pk)
    switched.is_confidential = True
    switched.save()
    assert time.monotonic() - started > 0.3  # it waited for the join's commit
    joining.join(timeout=30)
    assert errors == []
    assert Membership.objects.get(group=group, user=joiner).hidden
