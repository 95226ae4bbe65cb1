"""E-mail kinds owned by meetings, registered with the outbox when the app is ready.

Stored contexts hold IDs (and a lead's reason for cancelling); the meeting is read at delivery time,
so the calendar file always carries the latest SEQUENCE. Groups that ask for neutral subject lines
get subjects and a sender name that do not name the group.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from accounts.models import EmailCategory
from belong import mail

from . import calendar
from .models import RSVP, Meeting, Occurrence

CALENDAR_FILE = "meeting.ics"


class NothingToSend(ObjectDoesNotExist):
    """What the e-mail was about has since been cancelled or has ended: the outbox skips it."""


def _meeting(context: dict) -> Meeting:
    return Meeting.objects.select_related("group", "school").get(pk=context["meeting_id"])


def _shared(meeting: Meeting, **extra) -> dict:
    group = meeting.group
    neutral = bool(group and group.neutral_email_subjects)
    return {"meeting": meeting, "group": group, "neutral": neutral, **extra}


def _from_name(meeting: Meeting) -> str | None:
    group = meeting.group
    if group is None or group.neutral_email_subjects:
        return _("Belong")
    return group.name


def _occurrences(ids) -> list[Occurrence]:
    return list(Occurrence.objects.for_listing().filter(pk__in=ids).order_by("starts_at", "id"))


@mail.register("meetings.scheduled", category=EmailCategory.MEETINGS)
def scheduled(context: dict) -> mail.Rendered:
    meeting = _meeting(context)
    occurrences = list(
        Occurrence.objects.for_listing()
        .filter(meeting=meeting, status=Occurrence.Status.SCHEDULED)
        .upcoming()
        .order_by("starts_at", "id")
    )
    if not occurrences:
        raise NothingToSend("every date of this meeting was cancelled or has passed")
    return mail.Rendered(
        context=_shared(meeting, occurrences=occurrences, first=occurrences[0]),
        attachments=[(CALENDAR_FILE, calendar.invitation(occurrences), "text/calendar; method=REQUEST")],
        from_name=_from_name(meeting),
    )


@mail.register("meetings.changed", category=EmailCategory.MEETINGS)
def changed(context: dict) -> mail.Rendered:
    meeting = _meeting(context)
    occurrences = [o for o in _occurrences(context["occurrence_ids"]) if not o.is_cancelled and not o.has_ended]
    if not occurrences:
        raise NothingToSend("the changed dates were cancelled or have passed")
    return mail.Rendered(
        context=_shared(meeting, occurrences=occurrences, first=occurrences[0]),
        attachments=[(CALENDAR_FILE, calendar.invitation(occurrences), "text/calendar; method=REQUEST")],
        from_name=_from_name(meeting),
    )


@mail.register("meetings.cancelled", category=EmailCategory.MEETINGS)
def cancelled(context: dict) -> mail.Rendered:
    meeting = _meeting(context)
    occurrences = _occurrences(context["occurrence_ids"])
    if not occurrences:
        raise NothingToSend("the cancelled dates no longer exist")
    return mail.Rendered(
        context=_shared(meeting, occurrences=occurrences, first=occurrences[0], reason=context.get("reason", "")),
        attachments=[(CALENDAR_FILE, calendar.cancellation(occurrences), "text/calendar; method=CANCEL")],
        from_name=_from_name(meeting),
    )


@mail.register("meetings.reminder", category=EmailCategory.REMINDERS)
def reminder(context: dict) -> mail.Rendered:
    occurrence = Occurrence.objects.for_listing().get(pk=context["occurrence_id"])
    if occurrence.is_cancelled or occurrence.has_started:
        raise NothingToSend("the meeting was cancelled or has started")
    return mail.Rendered(
        context=_shared(occurrence.meeting, occurrence=occurrence),
        from_name=_from_name(occurrence.meeting),
    )


@mail.register("meetings.waitlist_promoted", category=EmailCategory.GROUP_UPDATES)
def waitlist_promoted(context: dict) -> mail.Rendered:
    reply = RSVP.objects.select_related(
        "occurrence", "occurrence__meeting", "occurrence__meeting__group", "occurrence__school"
    ).get(pk=context["rsvp_id"])
    occurrence = reply.occurrence
    if not reply.holds_seat or occurrence.is_cancelled or occurrence.has_started:
        raise NothingToSend("the seat is no longer theirs or the meeting is over")
    return mail.Rendered(
        context=_shared(occurrence.meeting, occurrence=occurrence),
        attachments=[(CALENDAR_FILE, calendar.invitation([occurrence]), "text/calendar; method=REQUEST")],
        from_name=_from_name(occurrence.meeting),
    )
