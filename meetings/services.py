"""Every change to meetings, occurrences and replies. Each function is one transaction and queues
its e-mails in that transaction (the outbox sends them after commit)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import School, User, new_calendar_token
from belong import mail
from belong.models import AuditLog
from groups.models import Group

from . import selectors, signals
from .access import check_in_refusal, rsvp_refusal
from .models import MAX_CAPACITY, RSVP, Audience, CheckInCode, Meeting, Occurrence
from .recurrence import expand

REMINDER_LEAD_TIME = timedelta(hours=24)

SERIES_FIELDS = ("title", "agenda", "school", "address", "online_url", "capacity", "audience")
PLACE_FIELDS = ("school", "address", "online_url")


class RSVPRefused(Exception):
    """The person may not reply; `reason` says why in words they can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _validate(
    *, group: Group | None, starts_at: datetime, ends_at: datetime, capacity: int | None, audience: str
) -> None:
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if starts_at <= timezone.now():
        errors["starts_at"] = _("Choose a date and time in the future.")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Seats must be between 1 and %(max)s.") % {"max": MAX_CAPACITY}
    if audience not in Audience.values or (group is None and audience == Audience.MEMBERS):
        errors["audience"] = _("Choose who may attend.")
    if errors:
        raise ValidationError(errors)


def _occurrence_ids(occurrences) -> list[int]:
    return [occurrence.pk for occurrence in occurrences]


def _enqueue_to(recipients, *, kind: str, context: dict[str, Any], dedupe_key: str) -> int:
    return mail.enqueue_many(
        kind=kind, recipients=recipients.iterator(chunk_size=1000), context=context, dedupe_key=dedupe_key
    )


def _tell_changed(meeting: Meeting, recipients, *, kind: str, context: dict[str, Any], dedupe_key: str) -> int:
    """E-mail the people concerned about a change or cancellation, and tell other apps who they are."""
    signals.meeting_changed.send(sender=Meeting, meeting=meeting, recipients=recipients)
    return _enqueue_to(recipients, kind=kind, context=context, dedupe_key=dedupe_key)


@transaction.atomic
def meeting_schedule(
    *,
    by: User | None,
    group: Group | None,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    audience: str,
    agenda: str = "",
    school: School | None = None,
    address: str = "",
    online_url: str = "",
    capacity: int | None = None,
    recurrence: str = "",
    repeat_until: date | None = None,
    invite: bool = True,
) -> Meeting:
    """Create a meeting (or series), expand its dates and invite its audience with a calendar file.

    `invite=False` is for loading demo data: the meeting exists without e-mailing anyone.
    """
    _validate(group=group, starts_at=starts_at, ends_at=ends_at, capacity=capacity, audience=audience)
    meeting = Meeting.objects.create(
        group=group,
        title=title,
        agenda=agenda,
        school=school,
        address=address if school is None else "",
        online_url=online_url,
        capacity=capacity,
        audience=audience,
        starts_at=starts_at,
        ends_at=ends_at,
        recurrence=recurrence,
        repeat_until=repeat_until if recurrence else None,
        created_by=by,
    )
    Occurrence.objects.bulk_create(
        Occurrence(
            meeting=meeting,
            starts_at=start,
            ends_at=end,
            school=meeting.school,
            address=meeting.address,
            online_url=online_url,
        )
        for start, end in expand(starts_at=starts_at, ends_at=ends_at, rule=recurrence, repeat_until=repeat_until)
    )
    if not invite:
        return meeting
    _enqueue_to(
        selectors.audience_recipients(meeting),
        kind="meetings.scheduled",
        context={"meeting_id": meeting.pk},
        dedupe_key=f"meetings.scheduled:{meeting.pk}",
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User, **changes: Any) -> Meeting:
    """Change what applies to every date of a series: title, agenda, place, seats, audience.

    Place changes reach upcoming dates that were not edited on their own. Everyone concerned gets
    a "changed" e-mail with the updated calendar entries.
    """
    unknown = set(changes) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() cannot change {sorted(unknown)}")
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    if "school" in changes and changes["school"] is not None:
        changes["address"] = ""
    changed = {name: value for name, value in changes.items() if getattr(meeting, name) != value}
    if not changed:
        return meeting
    capacity = changed.get("capacity", meeting.capacity)
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError({"capacity": _("Seats must be between 1 and %(max)s.") % {"max": MAX_CAPACITY}})
    if meeting.group_id is None and changed.get("audience") == Audience.MEMBERS:
        raise ValidationError({"audience": _("Choose who may attend.")})
    for name, value in changed.items():
        setattr(meeting, name, value)
    meeting.sequence += 1
    meeting.save()
    _audit(by=by, action="meetings.meeting_changed", obj=meeting, fields=sorted(changed))

    upcoming = Occurrence.objects.filter(meeting=meeting).upcoming().exclude(status=Occurrence.Status.CANCELLED)
    place_changes = {name: changed[name] for name in PLACE_FIELDS if name in changed}
    if place_changes:
        upcoming.filter(edited=False).update(**place_changes)
    if "capacity" in changed:
        for occurrence in upcoming.order_by("starts_at"):
            _promote_waitlisted(Occurrence.objects.select_for_update().get(pk=occurrence.pk))
    occurrence_ids = list(upcoming.values_list("pk", flat=True))
    if occurrence_ids:
        _tell_changed(
            meeting,
            selectors.update_recipients(meeting),
            kind="meetings.changed",
            context={"meeting_id": meeting.pk, "occurrence_ids": occurrence_ids},
            dedupe_key=f"meetings.changed:{meeting.pk}:{meeting.sequence}",
        )
    return meeting


@transaction.atomic
def occurrence_update(
    *,
    occurrence: Occurrence,
    by: User,
    starts_at: datetime,
    ends_at: datetime,
    school: School | None = None,
    address: str = "",
    online_url: str = "",
    note: str = "",
) -> Occurrence:
    """Change one date of a series (or a one-off meeting's date, time and place)."""
    occurrence = Occurrence.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=occurrence.pk)
    if occurrence.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; schedule a new one instead."))
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if starts_at != occurrence.starts_at and starts_at <= timezone.now():
        errors["starts_at"] = _("Choose a date and time in the future.")
    if errors:
        raise ValidationError(errors)
    new = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "school": school,
        "address": address if school is None else "",
        "online_url": online_url,
        "note": note,
    }
    if all(getattr(occurrence, name) == value for name, value in new.items()):
        return occurrence
    for name, value in new.items():
        setattr(occurrence, name, value)
    occurrence.edited = True
    occurrence.sequence += 1
    occurrence.save()
    _audit(by=by, action="meetings.occurrence_changed", obj=occurrence)
    _tell_changed(
        occurrence.meeting,
        selectors.update_recipients(occurrence.meeting, [occurrence.pk]),
        kind="meetings.changed",
        context={"meeting_id": occurrence.meeting_id, "occurrence_ids": [occurrence.pk]},
        dedupe_key=f"meetings.changed:{occurrence.meeting_id}:o{occurrence.pk}:{occurrence.calendar_sequence}",
    )
    return occurrence


def _cancel(occurrences: list[Occurrence], reason: str) -> None:
    now = timezone.now()
    for occurrence in occurrences:
        occurrence.status = Occurrence.Status.CANCELLED
        occurrence.cancelled_at = now
        occurrence.cancel_reason = reason
        occurrence.sequence += 1
    Occurrence.objects.bulk_update(occurrences, ["status", "cancelled_at", "cancel_reason", "sequence"])


@transaction.atomic
def occurrence_cancel(*, occurrence: Occurrence, by: User, reason: str = "") -> Occurrence:
    """Cancel one date. It stays listed as cancelled; calendars get METHOD:CANCEL."""
    occurrence = Occurrence.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=occurrence.pk)
    if occurrence.is_cancelled:
        return occurrence
    if occurrence.has_ended:
        raise ValidationError(_("This meeting has already taken place."))
    _cancel([occurrence], reason)
    _audit(by=by, action="meetings.occurrence_cancelled", obj=occurrence)
    _tell_changed(
        occurrence.meeting,
        selectors.update_recipients(occurrence.meeting, [occurrence.pk]),
        kind="meetings.cancelled",
        context={"meeting_id": occurrence.meeting_id, "occurrence_ids": [occurrence.pk], "reason": reason},
        dedupe_key=f"meetings.cancelled:o{occurrence.pk}",
    )
    return occurrence


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str = "") -> Meeting:
    """Cancel every upcoming date of a meeting or series; past dates stay as they were."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    upcoming = list(
        Occurrence.objects.select_for_update().filter(meeting=meeting, status=Occurrence.Status.SCHEDULED).upcoming()
    )
    if meeting.status == Meeting.Status.CANCELLED and not upcoming:
        return meeting
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    _audit(by=by, action="meetings.meeting_cancelled", obj=meeting, dates=len(upcoming))
    if upcoming:
        _cancel(upcoming, reason)
        _tell_changed(
            meeting,
            selectors.update_recipients(meeting, _occurrence_ids(upcoming)),
            kind="meetings.cancelled",
            context={"meeting_id": meeting.pk, "occurrence_ids": _occurrence_ids(upcoming), "reason": reason},
            dedupe_key=f"meetings.cancelled:m{meeting.pk}",
        )
    return meeting


def _audit(*, by, action: str, obj: Meeting | Occurrence, **detail: Any) -> None:
    # "meeting" / "occurrence": the object types the admin hides for a confidential group's meetings
    # (impact.admin, meetings.admin), since the row names the group's lead.
    object_type = "meeting" if isinstance(obj, Meeting) else "occurrence"
    AuditLog.objects.create(actor=by, action=action, object_type=object_type, object_id=str(obj.pk), detail=detail)


def _seats_taken(occurrence: Occurrence) -> int:
    return RSVP.objects.filter(
        occurrence=occurrence, response=RSVP.Response.GOING, waitlist_position__isnull=True
    ).count()


def _promote_waitlisted(occurrence: Occurrence) -> list[RSVP]:
    """Give free seats to the waitlist in order. The caller holds the occurrence's row lock."""
    capacity = occurrence.meeting.capacity
    waiting = RSVP.objects.filter(occurrence=occurrence, waitlist_position__isnull=False).order_by("waitlist_position")
    if capacity is not None:
        free = capacity - _seats_taken(occurrence)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user"))
    for reply in promoted:
        reply.waitlist_position = None
        reply.save(update_fields=["waitlist_position", "updated_at"])
        mail.enqueue(kind="meetings.waitlist_promoted", to=reply.user, context={"rsvp_id": reply.pk})
    return promoted


@transaction.atomic
def rsvp_set(*, occurrence: Occurrence, user: User, response: str) -> RSVP:
    """Reply going / maybe / not going. "Going" takes a seat if one is free, else joins the waitlist.

    The occurrence row is locked for the whole reply, so concurrent replies never overfill it.
    """
    if response not in RSVP.Response.values:
        raise ValueError(f"Unknown reply {response!r}")
    occurrence = (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__group")
        .get(pk=occurrence.pk)
    )
    refusal = rsvp_refusal(user, occurrence)
    if refusal:
        raise RSVPRefused(refusal)
    reply = RSVP.objects.filter(occurrence=occurrence, user=user).first()
    if reply is not None and reply.response == response:
        return reply
    had_seat = reply is not None and reply.holds_seat
    if reply is None:
        reply = RSVP(occurrence=occurrence, user=user)
    reply.response = response
    reply.waitlist_position = None
    capacity = occurrence.meeting.capacity
    if response == RSVP.Response.GOING and capacity is not None and _seats_taken(occurrence) >= capacity:
        last = RSVP.objects.filter(occurrence=occurrence).aggregate(last=Max("waitlist_position"))["last"]
        reply.waitlist_position = (last or 0) + 1
    reply.save()
    if had_seat and not reply.holds_seat:
        _promote_waitlisted(occurrence)
    return reply


def rsvp_withdraw(*, occurrence: Occurrence, user: User) -> RSVP:
    """Give up a seat (or a place on the waitlist); the first person waiting moves up."""
    return rsvp_set(occurrence=occurrence, user=user, response=RSVP.Response.NOT_GOING)


@transaction.atomic
def attendance_mark(
    *, occurrence: Occurrence, by: User, attended_user_ids: set[int], sheet_user_ids: set[int] | None = None
) -> int:
    """Record who came, among the people who replied. Only once the meeting has started.

    `sheet_user_ids`: the people the marker was shown; others (members who joined hidden, when the marker
    is not a lead) keep their mark.
    """
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if not occurrence.has_started:
        raise ValidationError(_("You can mark attendance once the meeting has started."))
    if occurrence.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    replies = RSVP.objects.filter(occurrence=occurrence).exclude(response=RSVP.Response.NOT_GOING)
    if sheet_user_ids is not None:
        replies = replies.filter(user_id__in=sheet_user_ids)
    came = replies.filter(user_id__in=attended_user_ids).update(attended=True)
    replies.filter(~Q(user_id__in=attended_user_ids)).update(attended=False)
    AuditLog.objects.create(
        actor=by,
        action="meetings.attendance_marked",
        object_type="occurrence",
        object_id=str(occurrence.pk),
        detail={"attended": came},
    )
    return came


@transaction.atomic
def reminder_send_due(*, now: datetime | None = None) -> int:
    """Queue a reminder for everyone with a seat at a meeting starting within 24 hours.

    The dedupe key names the occurrence and its start, so running twice (or late) sends nothing
    new, while a meeting moved to another day gets a fresh reminder.
    """
    now = now or timezone.now()
    due = Occurrence.objects.filter(
        status=Occurrence.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDER_LEAD_TIME
    )
    queued = 0
    for occurrence in due:
        going = (
            get_user_model()
            .objects.filter(
                is_active=True,
                meeting_rsvps__occurrence=occurrence,
                meeting_rsvps__response=RSVP.Response.GOING,
                meeting_rsvps__waitlist_position__isnull=True,
            )
            .only("id", "email", "preferred_language")
        )
        queued += mail.enqueue_many(
            kind="meetings.reminder",
            recipients=going,
            context={"occurrence_id": occurrence.pk},
            dedupe_key=f"meetings.reminder:{occurrence.pk}:{occurrence.starts_at:%Y%m%dT%H%M}",
        )
    return queued


@transaction.atomic
def calendar_token_reset(*, user: User) -> str:
    """A new secret for the person's calendar feed; the old feed address stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


class CheckInRefused(Exception):
    """The person may not check in; `reason` says why in words they can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _wrong_code_key(user) -> str:
    return f"meetings:checkin-wrong:{user.pk}:{timezone.now():%Y%m%d%H}"


def check_in_code_get_or_create(*, occurrence: Occurrence) -> CheckInCode:
    """The date's code, made the first time a lead opens its check-in page (one per date, never reused)."""
    code, _created = CheckInCode.objects.get_or_create(occurrence=occurrence)
    return code


@transaction.atomic
def occurrence_check_in(*, code: str, user: User, now: datetime | None = None) -> tuple[Occurrence, bool]:
    """Mark the person present at the date whose code they typed or scanned.

    Returns (occurrence, already): `already` when they had been marked present before. Wrong codes are
    counted per person and hour, so nobody can try codes until one works.
    """
    from django.conf import settings
    from django.core.cache import cache

    now = now or timezone.now()
    key = _wrong_code_key(user)
    if (cache.get(key) or 0) >= settings.CHECK_IN_MAX_WRONG_CODES_PER_HOUR:
        raise CheckInRefused(_("Too many wrong codes. Ask a lead to mark you present."))
    normalized = "".join(code.split()).upper()[:32]
    found = (
        CheckInCode.objects.filter(code=normalized).select_related("occurrence__meeting__group").first()
        if normalized
        else None
    )
    if found is None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3600)
        raise CheckInRefused(_("That code does not match any meeting. Check it and try again."))
    occurrence = (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("meeting", "meeting__group")
        .get(pk=found.occurrence_id)
    )
    refusal = check_in_refusal(user, occurrence, now)
    if refusal:
        raise CheckInRefused(refusal)
    reply = RSVP.objects.filter(occurrence=occurrence, user=user).first()
    if reply is not None and reply.attended:
        return occurrence, True
    if reply is None:
        reply = RSVP(occurrence=occurrence, user=user)
    # Being there settles the reply: a seat is no longer in question once the meeting is on.
    reply.response = RSVP.Response.GOING
    reply.waitlist_position = None
    reply.attended = True
    reply.save()
    AuditLog.objects.create(
        actor=user, action="meetings.checked_in", object_type="occurrence", object_id=str(occurrence.pk)
    )
    return occurrence, False


@transaction.atomic
def meeting_set_credit_hours(*, meeting: Meeting, hours: Decimal | None, by: User) -> Meeting:
    """Professional-learning hours each date of the series counts for (None: its length)."""
    from decimal import Decimal

    if hours is not None and not Decimal("0") < hours <= Decimal("12"):
        raise ValidationError({"credit_hours": _("Enter between 0.25 and 12 hours, or leave it empty.")})
    Meeting.objects.filter(pk=meeting.pk).update(credit_hours=hours)
    meeting.credit_hours = hours
    _audit(by=by, action="meetings.credit_hours_set", obj=meeting, hours=str(hours) if hours is not None else None)
    return meeting
