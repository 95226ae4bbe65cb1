"""The admin never shows, filters or exports who belongs to a confidential group: not to the equity
director, not to superusers. Written as the attacks: every admin page with a confidential group's
people present, URL lookups on hidden fields and private relations, and admin edits that bypassed the
services (membership counts, calendar SEQUENCE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group as PermissionGroup
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import EQUITY_DIRECTOR_GROUP, User
from belong.admin_privacy import BelongAdminSite, lookup_is_safe
from belong.models import AuditLog, OutboxMessage
from groups import services as group_services
from groups.models import Group, Membership, MembershipEvent
from meetings import services as meeting_services
from meetings.models import RSVP, Audience, Meeting, Occurrence
from tests.factories import DirectorFactory, SuperuserFactory, UserFactory
from tests.groups.factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HIDDEN_GROUP = "Quiet Harbor Circle"
# Admins whose rows are people (or their addresses): they may name the person, never the group.
PERSON_ADMINS = {
    "accounts.User",
    "account.EmailAddress",
    "belong.OutboxMessage",
    "mfa.Authenticator",
    "socialaccount.SocialAccount",
    "socialaccount.SocialToken",
}


@dataclass
class Cast:
    confidential: Group
    lead: User
    member: User
    requester: User
    membership: Membership
    occurrence: Occurrence
    normal: Group
    visible: User

    @property
    def secrets(self) -> list[str]:
        people = (self.lead, self.member, self.requester)
        return [p.full_name for p in people] + [p.email for p in people]


def _local(days: int, hour: int):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()).replace(hour=hour))


@pytest.fixture
def cast(db) -> Cast:
    PermissionGroup.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    confidential = ConfidentialGroupFactory(name=HIDDEN_GROUP, join_policy=Group.JoinPolicy.APPROVAL)
    lead = LeadFactory(
        group=confidential, user=UserFactory(full_name="Lorelei Hiddenlead", email="lorelei.hiddenlead@district.test")
    ).user
    member = UserFactory(full_name="Marlow Hiddenmember", email="marlow.hiddenmember@district.test")
    membership = MembershipFactory(group=confidential, user=member)
    requester = UserFactory(full_name="Rowan Hiddenrequest", email="rowan.hiddenrequest@district.test")
    group_services.group_join(group=confidential, user=requester, message="Please")  # outbox rows to the leads
    group_services.group_email(group=confidential, sender=lead, subject="Next week", body="See you")
    meeting = meeting_services.meeting_schedule(
        by=lead,
        group=confidential,
        title="Harbor gathering",
        audience=Audience.MEMBERS,
        starts_at=_local(7, 15),
        ends_at=_local(7, 16),
    )
    occurrence = meeting.occurrences.get()
    meeting_services.rsvp_set(occurrence=occurrence, user=member, response="going")
    list(
        group_services.roster_export_csv(
            group=confidential, by=lead, purpose="Planning the retreat", include_hidden=True
        ).lines()
    )
    # The row meetings.services.attendance_mark writes once a meeting has started.
    AuditLog.objects.create(
        actor=lead,
        action="meetings.attendance_marked",
        object_type="occurrence",
        object_id=str(occurrence.pk),
        detail={"attended": 1},
    )
    # A change to the group saved by one of its people (a lead who is also an admin user, say).
    confidential.summary = "Changed by its lead"
    confidential._history_user = lead
    confidential.save()
    normal = GroupFactory(name="Open Meadow Circle")
    visible = MembershipFactory(group=normal, user=UserFactory(full_name="Vera Visible")).user
    return Cast(confidential, lead, member, requester, membership, occurrence, normal, visible)


def _admin_user(role: str) -> User:
    return SuperuserFactory() if role == "superuser" else DirectorFactory()


def _urls_for(model, admin_class) -> list[str]:
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{prefix}_changelist")]
    for pk in model._default_manager.values_list("pk", flat=True)[:40]:
        urls += [reverse(f"{prefix}_{view}", args=[pk]) for view in ("change", "history", "delete")]
    if isinstance(admin_class, SimpleHistoryAdmin):
        # One past version's own page (it shows who saved it).
        urls += [
            reverse(f"{prefix}_simple_history", args=[record.pk, record.history_id])
            for record in model.history.all()[:10]
        ]
    return urls


@pytest.mark.parametrize("role", ["superuser", "director"])
def test_it_never_shows_a_confidential_groups_people_on_any_admin_page(client, cast, role):
    client.force_login(_admin_user(role))
    seen_ok = 0
    for model, admin_class in admin.site._registry.items():
        person_rows = model._meta.label in PERSON_ADMINS
        for url in _urls_for(model, admin_class):
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
            page = response.content.decode()
            if person_rows:
                # The person's own rows may name them, never the confidential group.
                assert HIDDEN_GROUP not in page, url
                assert "Harbor gathering" not in page, url
            else:
                for secret in cast.secrets:
                    assert secret not in page, (url, secret)
            seen_ok += response.status_code == 200
    assert seen_ok > (60 if role == "superuser" else 10)  # the walk really read pages
    # The same pages show a normal group's people: the check above would have seen them.
    listing = client.get("/admin/groups/membership/")
    assert listing.status_code == 200 and "Vera Visible" in listing.text
    assert "members of confidential groups are not listed" in listing.text


@pytest.mark.parametrize("role", ["superuser", "director"])
def test_it_shows_counts_where_it_leaves_confidential_groups_out(client, cast, role):
    client.force_login(_admin_user(role))
    groups = client.get("/admin/groups/group/").text
    assert HIDDEN_GROUP in groups
    assert "members of confidential groups are not listed" in client.get("/admin/groups/membership/").text
    if role == "superuser":
        assert "meeting of confidential groups is not listed" in client.get("/admin/meetings/meeting/").text
        assert "reply to confidential groups" in client.get("/admin/meetings/rsvp/").text
        assert "entries about confidential groups are not listed" in client.get("/admin/belong/auditlog/").text


def test_it_lists_a_deleted_confidential_groups_memberships_as_a_count_only(client, cast):
    client.force_login(SuperuserFactory())
    page = client.get(f"/admin/groups/group/{cast.confidential.pk}/delete/")
    assert page.status_code == 200
    assert "Memberships: 3" in page.text or "Memberships: 3" in " ".join(page.text.split())
    for secret in cast.secrets:
        assert secret not in page.text
    user_page = client.get(f"/admin/accounts/user/{cast.member.pk}/delete/")
    assert user_page.status_code == 200 and HIDDEN_GROUP not in user_page.text


# --- Lookups ----------------------------------------------------------------------------------------


def _lookups(cast: Cast) -> list[tuple[str, str]]:
    row = OutboxMessage.objects.filter(kind="groups.message").first()
    scheduled = OutboxMessage.objects.filter(dedupe_key__startswith="meetings.scheduled").first()
    assert row is not None and scheduled is not None
    return [
        ("/admin/belong/outboxmessage/", f"context__group_id__regex=^{cast.confidential.pk}$"),
        ("/admin/belong/outboxmessage/", f"context__group_id={cast.confidential.pk}"),
        ("/admin/belong/outboxmessage/", "context__icontains=group"),
        ("/admin/belong/outboxmessage/", f"batch={row.batch}"),
        ("/admin/belong/outboxmessage/", f"dedupe_key__startswith={scheduled.dedupe_key[:25]}"),
        ("/admin/belong/auditlog/", f"detail__group={cast.confidential.name}"),
        ("/admin/accounts/user/", f"memberships={cast.membership.pk}"),
        ("/admin/accounts/user/", f"memberships__id__in={cast.membership.pk}"),
        ("/admin/accounts/user/", "meeting_rsvps__id__gte=0"),
        ("/admin/groups/group/", "memberships__user__email__startswith=marlow"),
        ("/admin/groups/group/", f"memberships={cast.membership.pk}"),
        ("/admin/meetings/occurrence/", f"rsvps__user={cast.member.pk}"),
        ("/admin/meetings/meeting/", "occurrences__rsvps__response=going"),
    ]


@pytest.mark.parametrize("role", ["superuser", "director"])
def test_it_answers_400_to_lookups_on_hidden_fields_and_private_relations(client, cast, role):
    client.force_login(_admin_user(role))
    refused = 0
    for url, query in _lookups(cast):
        response = client.get(f"{url}?{query}")
        if role == "director" and response.status_code == 403:
            continue  # no access to that admin at all
        assert response.status_code == 400, (url, query, response.status_code)
        for secret in cast.secrets:
            assert secret not in response.content.decode()
        refused += 1
    assert refused >= (13 if role == "superuser" else 2)


@pytest.mark.parametrize("role", ["superuser", "director"])
def test_it_still_answers_its_own_filters(client, cast, role):
    client.force_login(_admin_user(role))
    assert (
        client.get(f"/admin/groups/membership/?group__id__exact={cast.normal.pk}&status__exact=active").status_code
        == 200
    )
    assert client.get("/admin/groups/group/?is_confidential__exact=1").status_code == 200
    if role == "superuser":
        assert client.get("/admin/belong/outboxmessage/?status__exact=pending&kind=groups.message").status_code == 200
        assert client.get("/admin/accounts/user/?groups__id__exact=1&q=marlow").status_code == 200


def test_it_keeps_search_paths_away_from_private_relations(db):
    assert not lookup_is_safe(User, "memberships__group__name", set())
    assert not lookup_is_safe(Group, "memberships__user__email", set())
    assert not lookup_is_safe(OutboxMessage, "context__group_id", set())
    assert not lookup_is_safe(OutboxMessage, "to_email", {"to_email"})
    assert lookup_is_safe(Membership, "user__email", set())
    assert lookup_is_safe(Meeting, "group__name", set())

    class CuriousGroupAdmin(admin.ModelAdmin):
        search_fields = ["name", "memberships__user__email", "^memberships__user__full_name"]

    site = BelongAdminSite(name="probe")
    site.register(Group, CuriousGroupAdmin)
    assert site._registry[Group].get_search_fields(None) == ["name"]


# --- Admin edits go through the services ---------------------------------------------------------------


def test_it_counts_a_membership_added_in_the_admin_and_logs_who_added_it(client, cast):
    superuser = SuperuserFactory()
    client.force_login(superuser)
    newcomer = UserFactory(full_name="Nia Newcomer")
    before = MembershipEvent.objects.filter(group=cast.normal).count()
    response = client.post(
        "/admin/groups/membership/add/",
        {
            "group": cast.normal.pk,
            "user": newcomer.pk,
            "role": "member",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(group=cast.normal, user=newcomer)
    assert membership.joined_at is not None
    assert MembershipEvent.objects.filter(group=cast.normal).count() == before + 1
    assert MembershipEvent.objects.filter(group=cast.normal).latest("at").change == 1
    assert AuditLog.objects.filter(
        action="groups.membership_added", actor=superuser, object_id=str(membership.pk)
    ).exists()

    # Moving them back to pending, then removing them, counts a leave once.
    change_url = f"/admin/groups/membership/{membership.pk}/change/"
    assert client.post(change_url, {"role": "member", "status": "pending"}).status_code == 302
    assert MembershipEvent.objects.filter(group=cast.normal).latest("at").change == -1
    assert client.post(f"/admin/groups/membership/{membership.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert MembershipEvent.objects.filter(group=cast.normal).count() == before + 2


def _inline_data(cast: Cast, *rows: dict) -> dict:
    from tests.groups.test_admin import _form_data

    data = {
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum("id" in row for row in rows)),
    }
    for index, row in enumerate(rows):
        data.update({f"memberships-{index}-{name}": str(value) for name, value in row.items()})
        data[f"memberships-{index}-group"] = str(cast.normal.pk)
    return _form_data(cast.normal, **data)


def test_it_counts_a_membership_added_through_the_group_inline(client, cast):
    superuser = SuperuserFactory()
    client.force_login(superuser)
    newcomer = UserFactory(full_name="Ines Inline")
    existing = Membership.objects.get(group=cast.normal)
    data = _inline_data(
        cast,
        {"id": existing.pk, "user": existing.user_id, "role": "member", "status": "active"},
        {"user": newcomer.pk, "role": "member", "status": "active"},
    )
    response = client.post(f"/admin/groups/group/{cast.normal.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.filter(group=cast.normal, user=newcomer, status="active").exists()
    assert list(MembershipEvent.objects.filter(group=cast.normal).values_list("change", flat=True)) == [1]
    assert AuditLog.objects.filter(action="groups.membership_added", actor=superuser).count() == 1


def test_it_counts_a_leave_when_the_director_changes_a_status_in_the_inline(client, cast):
    director = DirectorFactory()
    client.force_login(director)
    existing = Membership.objects.get(group=cast.normal)
    data = _inline_data(cast, {"id": existing.pk, "user": existing.user_id, "role": "member", "status": "pending"})
    response = client.post(f"/admin/groups/group/{cast.normal.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    existing.refresh_from_db()
    assert existing.status == "pending" and existing.joined_at is None
    assert list(MembershipEvent.objects.filter(group=cast.normal).values_list("change", flat=True)) == [-1]
    assert AuditLog.objects.get(action="groups.membership_changed", actor=director).detail["changes"] == {
        "status": "pending"
    }


def test_it_refuses_an_admin_add_to_a_confidential_group(client, cast):
    client.force_login(SuperuserFactory())
    outsider = UserFactory()
    response = client.post(
        "/admin/groups/membership/add/",
        {
            "group": cast.confidential.pk,
            "user": outsider.pk,
            "role": "member",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=outsider).exists()
    assert "Select a valid choice" in response.text
    with pytest.raises(group_services.RosterError):
        group_services.membership_add(group=cast.confidential, user=outsider, by=None)


@pytest.mark.parametrize("role", ["superuser", "director"])
def test_it_keeps_meeting_dates_out_of_reach_of_the_admin_and_points_to_the_portal(client, role):
    PermissionGroup.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    director = DirectorFactory()
    meeting = meeting_services.meeting_schedule(
        by=director,
        group=None,
        title="District kick-off",
        audience=Audience.ALL_STAFF,
        starts_at=_local(7, 15),
        ends_at=_local(7, 16),
    )
    occurrence = meeting.occurrences.get()
    client.force_login(_admin_user(role) if role == "superuser" else director)
    sequence, starts_at = occurrence.calendar_sequence, occurrence.starts_at
    url = f"/admin/meetings/occurrence/{occurrence.pk}/change/"
    page = client.get(url)
    if role == "director":
        assert page.status_code == 403
        return
    assert page.status_code == 200
    assert reverse("meetings:edit_occurrence", args=[occurrence.pk]) in page.text
    assert 'name="starts_at_0"' not in page.text
    later = (starts_at + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    response = client.post(
        url,
        {
            "starts_at_0": later[:10],
            "starts_at_1": later[11:],
            "ends_at_0": later[:10],
            "ends_at_1": "23:59:00",
            "status": "scheduled",
        },
    )
    assert response.status_code == 403
    occurrence.refresh_from_db()
    assert (occurrence.starts_at, occurrence.calendar_sequence) == (starts_at, sequence)
    meeting_page = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/")
    assert reverse("meetings:edit_meeting", args=[meeting.pk]) in meeting_page.text
    assert client.post(f"/admin/meetings/meeting/{meeting.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/meetings/meeting/add/").status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists() and RSVP.objects.count() == 0


def test_it_counts_the_leaves_of_a_person_deleted_in_the_admin(client, cast):
    client.force_login(SuperuserFactory())
    response = client.post(f"/admin/accounts/user/{cast.member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=cast.member.pk).exists()
    assert list(MembershipEvent.objects.filter(group=cast.confidential).values_list("change", flat=True)) == [-1]
