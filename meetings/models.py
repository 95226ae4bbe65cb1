"""Meetings and events: a series (Meeting), its dated instances (Occurrence) and replies (RSVP).

Each occurrence is its own calendar event: it has a stable UID, and the SEQUENCE that calendars see
is the series' sequence plus the occurrence's own, both of which only ever grow.
"""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import BooleanField, F, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import School

# Large enough for a district-wide gathering in a gymnasium; anything bigger is a typing slip.
MAX_CAPACITY = 2000


def district_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# The zones a US district is in, named the way people say them: a form never shows "America/New_York".
ZONE_NAMES = {
    "America/New_York": _("Eastern Time (New York)"),
    "America/Chicago": _("Central Time (Chicago)"),
    "America/Denver": _("Mountain Time (Denver)"),
    "America/Phoenix": _("Mountain Time without daylight saving (Phoenix)"),
    "America/Los_Angeles": _("Pacific Time (Los Angeles)"),
    "America/Anchorage": _("Alaska Time (Anchorage)"),
    "Pacific/Honolulu": _("Hawaii Time (Honolulu)"),
    "UTC": _("Coordinated Universal Time (UTC)"),
}


def zone_in_words(name: str | None = None) -> str:
    """The district's time zone (settings.TIME_ZONE, from DISTRICT_TIME_ZONE) in words; any zone not
    listed is named by its city ("America/Boise": "the Boise time zone")."""
    name = name or settings.TIME_ZONE
    if name in ZONE_NAMES:
        return str(ZONE_NAMES[name])
    return gettext("the %(city)s time zone") % {"city": name.rsplit("/", 1)[-1].replace("_", " ")}


def times_are_in() -> str:
    return gettext("Times are in %(zone)s.") % {"zone": zone_in_words()}


class Audience(models.TextChoices):
    MEMBERS = "members", _("Group members")
    ALL_STAFF = "all_staff", _("All staff")
    NON_ADMINISTRATORS = "non_administrators", _("Staff who are not administrators")
    ADMINISTRATORS = "administrators", _("Administrators only")


class Meeting(models.Model):
    """A meeting or a series of them: what, where, for whom. The dates live on its occurrences."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    # No group: a district event scheduled by the equity director.
    group = models.ForeignKey(
        "groups.Group",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("group"),
    )
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("school or site")
    )
    address = models.CharField(_("other address"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    audience = models.CharField(_("who may attend"), max_length=30, choices=Audience.choices)
    # The first occurrence, as typed (aware datetimes; entered in the district's time zone).
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # An RFC 5545 RRULE without DTSTART (python-dateutil), e.g. "FREQ=MONTHLY;BYDAY=+1TU"; blank = once.
    recurrence = models.CharField(_("repeats"), max_length=200, blank=True)
    repeat_until = models.DateField(_("repeat until"), null=True, blank=True)
    # Professional-learning hours a participation record credits per date; None: the meeting's length.
    credit_hours = models.DecimalField(
        _("professional-learning hours per meeting"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="meeting_capacity_sane",
            ),
            # District events have no members, so "group members" makes no sense for them.
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(audience="members"), name="district_event_audience"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_district_event(self) -> bool:
        return self.group_id is None

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence)


class EqualsAny(Func):
    """`value = ANY(array)`: a boolean expression for filter()."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


class OccurrenceQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("meeting", "meeting__group", "school")

    def of_group(self, group):
        """The group's dates. Written as `meeting_id = ANY(ARRAY(<the group's meetings>))` rather than a
        join because, ordered by start, PostgreSQL otherwise walks the start index through every past
        date in the district looking for this group's next few (26 ms against 1 ms at 65,000 dates)."""
        meeting_ids = ArraySubquery(Meeting.objects.filter(group=group).values("id"))
        return self.filter(EqualsAny(F("meeting_id"), meeting_ids))

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now())


class Occurrence(models.Model):
    """One dated meeting. Editable and cancellable on its own; a cancelled one stays visible."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    # Where, copied from the series when expanded; a lead may change it for this date only.
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("school or site")
    )
    address = models.CharField(_("other address"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    note = models.TextField(_("note for this date"), blank=True)
    # Set once a lead edits this date on its own: later series-wide place changes leave it alone.
    edited = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting date")
        verbose_name_plural = _("meeting dates")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="occurrence_ends_after_start"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at, district_zone())
        when = date_format(local, "DATETIME_FORMAT")  # the reader's locale (belong/formats), as on pages
        return f"{self.meeting.title} · {when}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def calendar_sequence(self) -> int:
        return self.meeting.sequence + self.sequence

    @property
    def calendar_uid(self) -> str:
        return f"{self.uid}@belong"

    @property
    def place(self) -> str:
        """Where, in words: the school (with its address) or the other address."""
        if self.school_id:
            return f"{self.school.name}, {self.school.address}" if self.school.address else self.school.name
        return self.address


class RSVP(models.Model):
    class Response(models.TextChoices):
        GOING = "going", _("Going")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_rsvps")
    response = models.CharField(_("reply"), max_length=20, choices=Response.choices)
    # Set when the person said "going" but every seat was taken; the lowest number moves up first.
    waitlist_position = models.PositiveIntegerField(_("place on the waitlist"), null=True, blank=True)
    # None until a lead marks attendance.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="one_rsvp_per_person_per_meeting"),
            models.UniqueConstraint(fields=["occurrence", "waitlist_position"], name="one_person_per_waitlist_place"),
            models.CheckConstraint(
                condition=Q(waitlist_position__isnull=True) | Q(response="going"), name="only_going_is_waitlisted"
            ),
        ]
        indexes = [models.Index(fields=["occurrence", "response"], name="rsvp_seat_count_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.occurrence} · {self.response}"

    @property
    def is_waitlisted(self) -> bool:
        return self.waitlist_position is not None

    @property
    def holds_seat(self) -> bool:
        return self.response == self.Response.GOING and self.waitlist_position is None


# Check-in codes avoid letters and digits that look alike when projected (0/O, 1/I/L).
CHECK_IN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECK_IN_CODE_LENGTH = 8


def new_check_in_code() -> str:
    import secrets

    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH))


class CheckInCode(models.Model):
    """The code projected at one meeting date: whoever types or scans it in its window is marked present.

    31^8 (about 8.5e11) codes, wrong attempts limited per person, and it only works in its window.
    """

    occurrence = models.OneToOneField(Occurrence, on_delete=models.CASCADE, related_name="check_in_code")
    code = models.CharField(max_length=16, unique=True, default=new_check_in_code, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")

    def __str__(self) -> str:
        return self.code
