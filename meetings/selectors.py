"""Reads shared by views, e-mails, feeds and the groups app. Each costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from groups.models import Group, Membership

from .access import visible_audiences
from .models import RSVP, Audience, Meeting, Occurrence, OccurrenceQuerySet

# A private feed keeps recent meetings so calendars do not drop them the moment they end.
FEED_PAST = timedelta(days=90)


def audience_filter(audience: str) -> Q:
    """Who an audience admits among staff, as a filter on users."""
    from accounts.models import ADMINISTRATOR_ROLES

    if audience == Audience.NON_ADMINISTRATORS:
        return ~Q(job_role__in=ADMINISTRATOR_ROLES)
    if audience == Audience.ADMINISTRATORS:
        return Q(job_role__in=ADMINISTRATOR_ROLES)
    return Q()


def audience_recipients(meeting: Meeting) -> QuerySet:
    """Who is invited: the group's active members (narrowed by the audience) or, for a district
    event, every active staff member the audience admits."""
    users = get_user_model().objects.filter(is_active=True).filter(audience_filter(meeting.audience))
    if meeting.group_id is not None:
        users = users.filter(
            Exists(
                Membership.objects.filter(
                    user=OuterRef("pk"), group_id=meeting.group_id, status=Membership.Status.ACTIVE
                )
            )
        )
    return users.only("id", "email", "preferred_language").order_by("id")


def update_recipients(meeting: Meeting, occurrence_ids: list[int] | None = None) -> QuerySet:
    """Who hears about a change: everyone invited, plus anyone who replied going or maybe."""
    replied = RSVP.objects.filter(
        user=OuterRef("pk"),
        occurrence__meeting=meeting,
        response__in=[RSVP.Response.GOING, RSVP.Response.MAYBE],
    )
    if occurrence_ids is not None:
        replied = replied.filter(occurrence_id__in=occurrence_ids)
    invited = audience_recipients(meeting).values("pk")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=invited) | Exists(replied))
        .only("id", "email", "preferred_language")
        .order_by("id")
    )


def _with_reply_of(occurrences: QuerySet, user) -> QuerySet:
    mine = RSVP.objects.filter(occurrence=OuterRef("pk"), user=user)
    return occurrences.annotate(
        my_response=Subquery(mine.values("response")[:1]),
        my_waitlist_position=Subquery(mine.values("waitlist_position")[:1]),
    )


def for_user(user, *, include_declined: bool = False) -> OccurrenceQuerySet:
    """The person's meetings: their groups' meetings they may attend, district events open to
    them, and anything they replied to. Meetings they declined are left out (calendar feeds) unless
    `include_declined` (the pages where they may change their reply)."""
    my_groups = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values("group_id")
    admits_me = Q(meeting__audience__in=[Audience.MEMBERS, Audience.ALL_STAFF]) | Q(
        meeting__audience=Audience.ADMINISTRATORS if user.is_administrator else Audience.NON_ADMINISTRATORS
    )
    replied = RSVP.objects.filter(occurrence=OuterRef("pk"), user=user)
    declined = replied.filter(response=RSVP.Response.NOT_GOING)
    occurrences = Occurrence.objects.for_listing().filter(
        (admits_me & (Q(meeting__group__in=my_groups) | Q(meeting__group__isnull=True))) | Exists(replied)
    )
    return occurrences if include_declined else occurrences.exclude(Exists(declined))


def upcoming_for_user(user, limit: int | None = 5, *, include_declined: bool = False) -> list[Occurrence]:
    occurrences = _with_reply_of(for_user(user, include_declined=include_declined).upcoming(), user).order_by(
        "starts_at", "id"
    )
    return list(occurrences[:limit] if limit else occurrences)


@dataclass
class SeriesEntry:
    """One meeting (a series or a single date) on "My meetings": its next date and the few after it."""

    meeting: Meeting
    next: Occurrence
    later: list[Occurrence] = field(default_factory=list)
    more: int = 0  # further upcoming dates not listed


SERIES_DATES_SHOWN = 3


def upcoming_series_for_user(user, limit: int = 200) -> list[SeriesEntry]:
    """The person's upcoming meetings, each series once (in order of its next date), with its next dates.

    Declined dates are kept, so the person sees them and can change their reply.
    """
    entries: dict[int, SeriesEntry] = {}
    for occurrence in upcoming_for_user(user, limit=limit, include_declined=True):
        entry = entries.get(occurrence.meeting_id)
        if entry is None:
            entries[occurrence.meeting_id] = SeriesEntry(meeting=occurrence.meeting, next=occurrence)
        elif len(entry.later) < SERIES_DATES_SHOWN:
            entry.later.append(occurrence)
        else:
            entry.more += 1
    return list(entries.values())


def past_for_user(user, limit: int = 20) -> list[Occurrence]:
    """Meetings the person said they would go to, or was marked as attending, most recent first."""
    went = RSVP.objects.filter(occurrence=OuterRef("pk"), user=user).filter(
        Q(response=RSVP.Response.GOING, waitlist_position__isnull=True) | Q(attended=True)
    )
    occurrences = Occurrence.objects.for_listing().past().filter(Exists(went))
    return list(_with_reply_of(occurrences, user).order_by("-starts_at", "-id")[:limit])


def feed_for_user(user) -> list[Occurrence]:
    since = timezone.now() - FEED_PAST
    return list(for_user(user).filter(ends_at__gt=since).order_by("starts_at", "id")[:500])


def upcoming_for_group(group: Group, user=None, limit: int | None = 5) -> list[Occurrence]:
    """The group's next meetings (cancelled ones included, shown as cancelled)."""
    occurrences = Occurrence.objects.for_listing().of_group(group).upcoming().order_by("starts_at", "id")
    # The audience rule (access.audience_admits): the group's leads see every meeting they manage.
    shown = Q(meeting__audience__in=visible_audiences(user))
    if user is not None and user.is_authenticated:
        shown |= Q(
            Exists(
                Membership.objects.filter(
                    group=group, user=user, role=Membership.Role.LEAD, status=Membership.Status.ACTIVE
                )
            )
        )
        occurrences = _with_reply_of(occurrences.filter(shown), user)
    else:
        occurrences = occurrences.filter(shown)
    return list(occurrences[:limit] if limit else occurrences)


def public_schedule_for(group: Group, limit: int = 100) -> list[Occurrence]:
    """Dates, times and places only: callers must not read replies or agendas from these."""
    return list(
        Occurrence.objects.of_group(group)
        .upcoming()
        .filter(meeting__audience__in=visible_audiences(None))
        .select_related("meeting", "school")
        .only(
            "id",
            "uid",
            "starts_at",
            "ends_at",
            "status",
            "sequence",
            "address",
            "school__name",
            "school__address",
            "meeting__title",
            "meeting__sequence",
            "meeting__group_id",
        )
        .order_by("starts_at", "id")[:limit]
    )


def seat_counts(occurrence: Occurrence) -> dict[str, int]:
    counts = RSVP.objects.filter(occurrence=occurrence).aggregate(
        going=Count("id", filter=Q(response=RSVP.Response.GOING, waitlist_position__isnull=True)),
        waitlisted=Count("id", filter=Q(waitlist_position__isnull=False)),
        maybe=Count("id", filter=Q(response=RSVP.Response.MAYBE)),
    )
    capacity = occurrence.meeting.capacity
    counts["seats_left"] = max(capacity - counts["going"], 0) if capacity else None
    return counts


def attendance_sheet(occurrence: Occurrence, *, include_hidden: bool = True) -> list[RSVP]:
    """Replies a lead marks attendance on: people with a seat first, then maybes, then the waitlist.

    `include_hidden` is for the group's leads only: the director marking an open group's attendance never
    sees a member who joined the group hidden (groups.Membership.hidden).
    """
    replies = RSVP.objects.filter(occurrence=occurrence).exclude(response=RSVP.Response.NOT_GOING)
    if not include_hidden:
        replies = replies.exclude(
            Exists(
                Membership.objects.filter(
                    group_id=OuterRef("occurrence__meeting__group_id"), user_id=OuterRef("user_id"), hidden=True
                )
            )
        )
    return list(
        replies.select_related("user").order_by("waitlist_position", "response", "user__full_name", "user__email")
    )
