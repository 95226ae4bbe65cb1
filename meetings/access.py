"""Who may see, answer and manage meetings: one helper per resource, returning it or raising."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from groups import access as group_access
from groups.models import Group, Membership

from .models import RSVP, Audience, Meeting, Occurrence


def can_manage(user, meeting: Meeting) -> bool:
    """Leads manage their group's meetings; the equity director manages district events and the
    meetings of groups that are not confidential."""
    if not user.is_authenticated or not user.is_active:
        return False
    group = meeting.group
    if group is None:
        return user.is_equity_director
    if group_access.is_lead(user, group):
        return True
    # Attendance sheets name people: a confidential group's stay with its own leads.
    return not group.is_confidential and user.is_equity_director


def can_view(user, meeting: Meeting) -> bool:
    """Staff see district events and ordinary groups' meetings; confidential groups keep theirs to
    members unless the group has made its schedule public."""
    if not user.is_authenticated:
        return False
    group = meeting.group
    if group is None or not group.is_confidential or group.public_schedule or user.is_equity_director:
        return True
    return group_access.is_active_member(user, group)


def listable_filter(user) -> Q:
    """`can_view` as a filter on meetings, for listings outside the meetings app (the equity plan's linked
    meetings). A signed-out visitor sees only what is public: district events and public schedules."""
    if user is None or not user.is_authenticated:
        return Q(group__isnull=True) | Q(group__public_schedule=True)
    if user.is_equity_director:
        return Q()
    member_of = Q(
        Exists(Membership.objects.filter(group_id=OuterRef("group_id"), user=user, status=Membership.Status.ACTIVE))
    )
    return Q(group__isnull=True) | Q(group__is_confidential=False) | Q(group__public_schedule=True) | member_of


def audience_admits(user, meeting: Meeting) -> bool:
    """The audience rule for seeing an event at all (its page, its .ics, a feed, a schedule).

    An administrators-only event is shown only to administrators, to who manages it (its group's leads,
    the equity director) and to anyone who already replied to it (their calendars keep it). Every other
    audience may be seen by whoever may see the meeting: a non-administrator event stays readable to an
    administrator, whose page explains why they cannot reply.
    """
    if meeting.audience != Audience.ADMINISTRATORS:
        return True
    if not user.is_authenticated:
        return False
    if user.is_administrator or can_manage(user, meeting):
        return True
    return RSVP.objects.filter(occurrence__meeting=meeting, user=user).exists()


def visible_audiences(user) -> list[str]:
    """The audiences whose events a listing may show this person (None: a signed-out visitor); the same
    rule as audience_admits, for querysets (callers add the leads: it answers without a query)."""
    if user is not None and user.is_authenticated and (user.is_administrator or user.is_superuser):
        return list(Audience.values)
    return [audience for audience in Audience.values if audience != Audience.ADMINISTRATORS]


def rsvp_refusal(user, occurrence: Occurrence) -> str | None:
    """Why this person cannot reply to this meeting, in plain words; None when they can."""
    meeting = occurrence.meeting
    if occurrence.is_cancelled:
        return _("This meeting was cancelled, so it no longer takes replies.")
    if occurrence.has_ended:
        return _("This meeting has already taken place.")
    group = meeting.group
    # A district event (no group) is never for members only, and everyone may see it.
    if (
        group is not None
        and (meeting.audience == Audience.MEMBERS or not can_view(user, meeting))
        and not group_access.is_active_member(user, group)
    ):
        return _("This meeting is for members of %(group)s. Join the group to reply.") % {"group": group.name}
    if meeting.audience == Audience.NON_ADMINISTRATORS and user.is_administrator:
        return _(
            "This event is for staff who are not administrators, so administrators cannot reply to it. "
            "Look for the separate event for administrators on your meetings page."
        )
    if meeting.audience == Audience.ADMINISTRATORS and not user.is_administrator:
        return _(
            "This event is for administrators only (principals, assistant principals and district administrators)."
        )
    return None


def get_occurrence_for_viewer(request, pk: int) -> Occurrence:
    occurrence = get_object_or_404(Occurrence.objects.for_listing(), pk=pk)
    if not can_view(request.user, occurrence.meeting) or not audience_admits(request.user, occurrence.meeting):
        # Do not confirm that a confidential group's meeting, or an event for others, exists.
        raise Http404
    return occurrence


def get_occurrence_for_manager(request, pk: int) -> Occurrence:
    occurrence = get_object_or_404(Occurrence.objects.for_listing(), pk=pk)
    if not can_manage(request.user, occurrence.meeting):
        raise PermissionDenied(_("Only the group's leads can change its meetings."))
    return occurrence


def get_meeting_for_manager(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("group", "school"), pk=pk)
    if not can_manage(request.user, meeting):
        raise PermissionDenied(_("Only the group's leads can change its meetings."))
    return meeting


def get_group_with_public_schedule(slug: str) -> Group:
    return get_object_or_404(Group, slug=slug, public_schedule=True)


def require_equity_director(request) -> None:
    if not request.user.is_equity_director:
        raise PermissionDenied(_("Only the equity director schedules district events."))


def check_in_window(occurrence: Occurrence):
    """(opens, closes): from a little before the start to a while after the end (settings)."""
    from datetime import timedelta

    from django.conf import settings

    return (
        occurrence.starts_at - timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES_BEFORE),
        occurrence.ends_at + timedelta(minutes=settings.CHECK_IN_CLOSES_MINUTES_AFTER),
    )


def check_in_refusal(user, occurrence: Occurrence, now) -> str | None:
    """Why this person cannot check in to this date now, in words they can act on; None when they can."""
    meeting = occurrence.meeting
    if occurrence.is_cancelled:
        return _("This meeting was cancelled.")
    opens, closes = check_in_window(occurrence)
    if now < opens:
        from django.utils import formats, timezone

        opens_at = formats.time_format(timezone.localtime(opens), "TIME_FORMAT")
        return _("Check-in for this meeting has not opened yet: it opens at %(time)s.") % {"time": opens_at}
    if now > closes:
        return _("Check-in for this meeting has closed. Ask a lead to mark you present.")
    group = meeting.group
    # A district event (no group) is never for members only, and everyone may see it.
    if (
        group is not None
        and (meeting.audience == Audience.MEMBERS or not can_view(user, meeting))
        and not group_access.is_active_member(user, group)
    ):
        return _("This meeting is for members of %(group)s. Join the group to check in.") % {"group": group.name}
    if meeting.audience == Audience.NON_ADMINISTRATORS and user.is_administrator:
        return _("This event is for staff who are not administrators, so administrators cannot check in to it.")
    if meeting.audience == Audience.ADMINISTRATORS and not user.is_administrator:
        return _(
            "This event is for administrators only (principals, assistant principals and district administrators)."
        )
    return None
