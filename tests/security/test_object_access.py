"""Object-level checks (IDOR): other people's and other groups' IDs → 403/404 (or a form error), nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from belong.models import OutboxMessage
from groups.models import Membership
from meetings import services as meeting_services
from meetings.models import RSVP, Occurrence

from .conftest import sign_in

pytestmark = pytest.mark.django_db

UNKNOWN = 987654321
ROSTER_ACTIONS = ["approve", "decline", "remove", "colead", "keep"]


def snapshot(membership_pk: int):
    return Membership.objects.filter(pk=membership_pk).values("role", "status", "eligibility_flagged_at").first()


def _target(world, action):
    return world.pending if action in ("approve", "decline") else world.member_membership


@pytest.mark.parametrize("role", ["other_lead", "member", "staff", "administrator"])
@pytest.mark.parametrize("action", ROSTER_ACTIONS)
def test_it_refuses_roster_actions_on_g_by_people_who_do_not_manage_g(browser, world, role, action):
    target = _target(world, action)
    before = snapshot(target.pk)
    sign_in(browser, world, role)
    response = browser.post(
        reverse("groups:roster", args=[world.group.slug]), {"action": action, "membership": target.pk, "message": "hi"}
    )
    assert response.status_code in (403, 404), f"{role} {action}: {response.status_code}"
    assert snapshot(target.pk) == before


@pytest.mark.parametrize("foreign", ["other group", "confidential group", "unknown"])
@pytest.mark.parametrize("action", ROSTER_ACTIONS)
def test_it_refuses_a_g_lead_acting_on_a_membership_outside_g(browser, world, action, foreign):
    target_pk = {
        "other group": world.other_membership.pk,
        "confidential group": world.confidential_membership.pk,
        "unknown": UNKNOWN,
    }[foreign]
    before = snapshot(target_pk)
    sign_in(browser, world, "lead")
    response = browser.post(
        reverse("groups:roster", args=[world.group.slug]), {"action": action, "membership": target_pk}
    )
    assert response.status_code in (400, 403, 404), f"{action} on {foreign}: {response.status_code}"
    assert snapshot(target_pk) == before


@pytest.mark.parametrize("action", ROSTER_ACTIONS)
def test_it_keeps_the_director_out_of_a_confidential_groups_roster_actions(browser, world, action):
    target = world.confidential_membership
    before = snapshot(target.pk)
    sign_in(browser, world, "director")
    response = browser.post(
        reverse("groups:roster", args=[world.confidential.slug]), {"action": action, "membership": target.pk}
    )
    assert response.status_code in (403, 404)
    assert snapshot(target.pk) == before


@pytest.mark.parametrize(("role", "slug"), [("other_lead", "group"), ("member", "group"), ("director", "confidential")])
def test_it_refuses_a_roster_export_to_someone_who_does_not_manage_the_group(browser, world, role, slug):
    group = getattr(world, slug)
    sign_in(browser, world, role)
    response = browser.post(reverse("groups:export", args=[group.slug]), {"purpose": "sign-in sheet for March"})
    assert response.status_code == 403
    assert "text/csv" not in response.get("Content-Type", "")


def test_it_refuses_to_email_g_for_the_lead_of_another_group(browser, world):
    before = OutboxMessage.objects.count()
    sign_in(browser, world, "other_lead")
    response = browser.post(
        reverse("groups:email", args=[world.group.slug]),
        {"subject": "Hello", "body": "A message that should not go out."},
    )
    assert response.status_code == 403
    assert OutboxMessage.objects.count() == before


def test_it_refuses_to_invite_to_g_for_the_lead_of_another_group(browser, world):
    staff = world.user("staff")
    sign_in(browser, world, "other_lead")
    response = browser.post(reverse("groups:invite", args=[world.group.slug]), {"email": staff.email})
    assert response.status_code == 403
    assert not Membership.objects.filter(group=world.group, user=staff).exists()


def test_it_answers_404_to_a_visibility_change_by_someone_outside_the_group(browser, world):
    sign_in(browser, world, "staff")
    response = browser.post(reverse("groups:visibility", args=[world.group.slug]), {"visible_to_members": "on"})
    assert response.status_code == 404


# --- Meetings --------------------------------------------------------------------------------------------


def _cancelled(occurrence) -> bool:
    return Occurrence.objects.get(pk=occurrence.pk).is_cancelled


@pytest.mark.parametrize("route", ["meetings:cancel_occurrence", "meetings:edit_occurrence"])
@pytest.mark.parametrize("role", ["other_lead", "member", "staff"])
def test_it_refuses_changes_to_gs_meeting_by_people_who_do_not_lead_g(browser, world, route, role):
    sign_in(browser, world, role)
    response = browser.post(
        reverse(route, args=[world.occurrence.pk]),
        {"reason": "gone", "date": "2030-01-01", "start_time": "10:00", "end_time": "11:00"},
    )
    assert response.status_code == 403
    assert not _cancelled(world.occurrence)


@pytest.mark.parametrize("role", ["other_lead", "member", "director"])
def test_it_refuses_cancelling_a_series_to_people_who_do_not_manage_it(browser, world, role):
    # The director manages normal groups' meetings, so the series here is the confidential group's.
    occurrence = world.occurrence if role != "director" else world.confidential_occurrence
    sign_in(browser, world, role)
    response = browser.post(reverse("meetings:cancel_meeting", args=[occurrence.meeting_id]), {"reason": "gone"})
    assert response.status_code == 403
    assert not _cancelled(occurrence)


@pytest.mark.parametrize("role", ["staff", "member", "other_lead", "administrator"])
def test_it_hides_a_confidential_groups_meeting_from_a_reply(browser, world, role):
    sign_in(browser, world, role)
    response = browser.post(reverse("meetings:reply", args=[world.confidential_occurrence.pk]), {"response": "going"})
    assert response.status_code == 404
    assert not RSVP.objects.filter(occurrence=world.confidential_occurrence, user=world.user(role)).exists()


def test_it_marks_attendance_only_for_people_who_replied(browser, world):
    member, outsider = world.user("member"), world.other_membership.user
    meeting_services.rsvp_set(occurrence=world.occurrence, user=member, response=RSVP.Response.GOING)
    Occurrence.objects.filter(pk=world.occurrence.pk).update(starts_at=timezone.now() - timedelta(minutes=30))
    sign_in(browser, world, "lead")
    response = browser.post(
        reverse("meetings:attendance", args=[world.occurrence.pk]), {"attended": [member.pk, outsider.pk, UNKNOWN]}
    )
    assert response.status_code in (200, 400)
    assert not RSVP.objects.filter(occurrence=world.occurrence, user=outsider).exists()


def test_it_refuses_attendance_on_gs_meeting_to_the_lead_of_another_group(browser, world):
    member = world.user("member")
    meeting_services.rsvp_set(occurrence=world.occurrence, user=member, response=RSVP.Response.GOING)
    Occurrence.objects.filter(pk=world.occurrence.pk).update(starts_at=timezone.now() - timedelta(minutes=30))
    sign_in(browser, world, "other_lead")
    response = browser.post(reverse("meetings:attendance", args=[world.occurrence.pk]), {"attended": [member.pk]})
    assert response.status_code == 403
    assert RSVP.objects.get(occurrence=world.occurrence, user=member).attended is None


# --- Calendar feeds ----------------------------------------------------------------------------------------


def test_it_stops_answering_an_old_calendar_address_after_a_reset(browser, world):
    member = world.user("member")
    old = member.calendar_token
    sign_in(browser, world, "member")
    assert browser.post(reverse("meetings:reset_calendar")).status_code == 302
    assert browser.get(f"/me/calendar/{old}.ics").status_code == 404


def test_it_answers_404_for_a_deactivated_persons_calendar(browser, world):
    staff = world.user("staff")
    type(staff).objects.filter(pk=staff.pk).update(is_active=False)
    assert browser.get(f"/me/calendar/{staff.calendar_token}.ics").status_code == 404


def test_it_keeps_a_confidential_groups_meetings_out_of_an_outsiders_calendar(browser, world):
    member = world.user("member")
    meeting_services.rsvp_set(occurrence=world.occurrence, user=member, response=RSVP.Response.GOING)
    body = browser.get(f"/me/calendar/{member.calendar_token}.ics").content.decode()
    assert "Harbor monthly gathering" in body
    assert "Quiet Cove gathering" not in body


# --- Equity plan ---------------------------------------------------------------------------------------------


def test_it_keeps_a_confidential_groups_meeting_off_a_plan_items_page_for_outsiders(browser, world):
    """A linked meeting of a confidential group answers 404 to outsiders; its title must not show up here."""
    world.item.meetings.add(world.confidential_occurrence.meeting, world.occurrence.meeting)
    sign_in(browser, world, "staff")
    body = browser.get(reverse("equity_plan:item", args=[world.plan.slug, world.item.pk])).content.decode()
    assert "Harbor monthly gathering" in body
    assert "Quiet Cove gathering" not in body


def test_it_refuses_moving_an_item_into_another_plans_workstream(browser, world):
    from tests.equity_plan.factories import WorkstreamFactory

    foreign = WorkstreamFactory(plan=world.draft_plan)
    sign_in(browser, world, "director")
    response = browser.post(
        reverse("equity_plan:item_edit", args=[world.plan.slug, world.item.pk]),
        {
            "workstream": foreign.pk,
            "title": "Moved",
            "status": "in_progress",
            "percent_complete": 10,
            "weight": 1,
        },
    )
    assert response.status_code in (200, 400)
    world.item.refresh_from_db()
    assert world.item.workstream_id == world.workstream.pk


# --- E-mail preferences ---------------------------------------------------------------------------------------


def test_it_changes_nothing_for_a_forged_unsubscribe_token(browser, world):
    staff = world.user("staff")
    response = browser.post("/me/email/unsubscribe/eyJ1IjoxLCJjIjoibmV3cyJ9:forged/")
    assert response.status_code == 400
    staff.refresh_from_db()
    assert staff.email_opt_outs == []


# --- Names a person may not see ---------------------------------------------------------------------------

CONFIDENTIAL_NAMES = ("Cai Quiet", "Cleo Confidential")


@pytest.mark.parametrize("role", ["staff", "administrator", "member", "other_lead", "director"])
def test_it_shows_no_names_of_a_confidential_group_to_outsiders(browser, world, role):
    sign_in(browser, world, role)
    pages = ["/", "/groups/", reverse("groups:detail", args=[world.confidential.slug]), "/me/meetings/"]
    for page in pages:
        body = browser.get(page).content.decode()
        for name in CONFIDENTIAL_NAMES:
            assert name not in body, f"{name} on {page} for {role}"


def test_it_shows_no_member_names_of_a_group_to_staff_outside_it(browser, world):
    sign_in(browser, world, "staff")
    body = browser.get(reverse("groups:detail", args=[world.group.slug])).content.decode()
    assert "Milo Member" not in body
    assert "Pia Pending" not in body


def test_it_hides_a_confidential_groups_memberships_from_the_director_in_the_admin(browser, world):
    sign_in(browser, world, "director")
    listing = browser.get(reverse("admin:groups_membership_changelist")).content.decode()
    assert "Cai Quiet" not in listing
    change = browser.get(reverse("admin:groups_membership_change", args=[world.confidential_membership.pk]))
    assert change.status_code in (302, 403, 404)
    if change.status_code == 302:
        assert "Cai Quiet" not in browser.get(change["Location"]).content.decode()


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_it_puts_no_agenda_or_names_on_the_public_schedule(browser, world, role):
    meeting_services.rsvp_set(occurrence=world.occurrence, user=world.user("member"), response=RSVP.Response.GOING)
    type(world.meeting).objects.filter(pk=world.meeting.pk).update(agenda="Private agenda: budget")
    sign_in(browser, world, role)
    for url in (
        reverse("meetings:public_schedule", args=[world.group.slug]),
        reverse("meetings:public_feed", args=[world.group.slug]),
    ):
        body = browser.get(url).content.decode()
        assert "Private agenda" not in body
        assert "Milo Member" not in body and "Lena Lead" not in body


# --- Redirects stay on the site ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_it_never_redirects_off_the_site(browser, world, target):
    language = browser.post("/i18n/setlang/", {"language": "es", "next": target})
    assert "evil.example" not in language.get("Location", "")
    sign_in(browser, world, "member")
    login = browser.get(f"/accounts/login/?next={target}")
    assert "evil.example" not in login.get("Location", "")
