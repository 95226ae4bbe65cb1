"""What the home page shows each person. The home app reads the other apps' models and selectors;
nothing imports it, so a page that gathers from every app adds no dependency between them.

Each block costs a fixed number of queries whatever the district's size (tests/home pin them):
staff 3, a lead 2 more, the equity director 4 more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from comments.access import can_review
from comments.models import Comment
from equity_plan.models import ActionItem
from groups.models import Group, GroupProposal, Membership
from groups.selectors import count_of, public_groups
from meetings.access import visible_audiences
from meetings.models import RSVP, Occurrence
from meetings.selectors import upcoming_for_user

ACTIVE = Membership.Status.ACTIVE
LEAD = Membership.Role.LEAD

NEXT_MEETINGS = 5
JOINABLE_SHOWN = 4
DIRECTOR_LIST = 5
# Plan items due within this many days count as "due" on the director's home page.
PLAN_DUE_WITHIN = timedelta(days=30)


def public() -> dict[str, Any]:
    """The signed-out home page: the groups whose page and schedule anyone may read. No counts, no names."""
    return {"public_groups": public_groups()}


def _next_date_of_group(user, now):
    """The group's next scheduled date this person may see, as a subquery on a membership row."""
    return Occurrence.objects.filter(
        meeting__group_id=OuterRef("group_id"),
        ends_at__gt=now,
        status=Occurrence.Status.SCHEDULED,
        meeting__audience__in=visible_audiences(user),
    ).order_by("starts_at", "id")


def staff(user) -> dict[str, Any]:
    """Every signed-in person: next meetings (with their reply), groups with each one's next date,
    invitations and requests waiting, and a few groups they could join."""
    now = timezone.now()
    upcoming = _next_date_of_group(user, now)
    memberships = list(
        Membership.objects.filter(user=user)
        .exclude(group__status=Group.Status.ARCHIVED)
        .select_related("group")
        .annotate(
            next_starts_at=Subquery(upcoming.values("starts_at")[:1]),
            next_occurrence_id=Subquery(upcoming.values("id")[:1]),
        )
        .order_by("group__name")
    )
    joinable = list(
        Group.objects.joinable_by(user)
        .only("name", "slug", "summary", "join_policy", "colour", "status")
        .order_by("status", "name")[: JOINABLE_SHOWN + 1]
    )
    return {
        "next_meetings": upcoming_for_user(user, limit=NEXT_MEETINGS, include_declined=True),
        "my_memberships": memberships,
        "active_memberships": [m for m in memberships if m.status == ACTIVE],
        "invitations": [m for m in memberships if m.status == Membership.Status.INVITED],
        "my_requests": [m for m in memberships if m.status == Membership.Status.PENDING],
        "joinable_groups": joinable[:JOINABLE_SHOWN],
        "more_joinable": len(joinable) > JOINABLE_SHOWN,
    }


@dataclass
class LedGroup:
    group: Group
    pending: int
    flagged: int
    next_occurrence: Occurrence | None = None
    replies: dict[str, int] = field(default_factory=dict)


def lead(user, memberships: list[Membership]) -> dict[str, Any]:
    """A lead's groups: requests and flagged members waiting, and the next meeting's replies (counts only).

    The counts include people who joined hidden: the group's own leads see them on the roster anyway.
    """
    led_ids = [m.group_id for m in memberships if m.role == LEAD and m.status == ACTIVE]
    if not led_ids:
        return {"led_groups": []}
    groups = list(
        Group.objects.filter(pk__in=led_ids)
        .annotate(
            pending=count_of(status=Membership.Status.PENDING),
            flagged=count_of(eligibility_flagged_at__isnull=False, status__in=[ACTIVE, Membership.Status.PENDING]),
        )
        .order_by("name")
    )

    def replies(response: str):
        rows = RSVP.objects.filter(occurrence_id=OuterRef("pk"), response=response)
        if response == RSVP.Response.GOING:
            rows = rows.filter(waitlist_position__isnull=True)
        counted = rows.order_by().values("occurrence_id").annotate(n=Count("*")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    # The first upcoming date of each led group, in one query (DISTINCT ON the group).
    next_dates = (
        Occurrence.objects.filter(
            meeting__group_id__in=led_ids, ends_at__gt=timezone.now(), status=Occurrence.Status.SCHEDULED
        )
        .select_related("meeting")
        .annotate(
            going=replies(RSVP.Response.GOING),
            maybe=replies(RSVP.Response.MAYBE),
            not_going=replies(RSVP.Response.NOT_GOING),
            waitlisted=Coalesce(
                Subquery(
                    RSVP.objects.filter(occurrence_id=OuterRef("pk"), waitlist_position__isnull=False)
                    .order_by()
                    .values("occurrence_id")
                    .annotate(n=Count("*"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("meeting__group_id", "starts_at", "id")
        .distinct("meeting__group_id")
    )
    by_group = {occurrence.meeting.group_id: occurrence for occurrence in next_dates}
    return {
        "led_groups": [
            LedGroup(group=group, pending=group.pending, flagged=group.flagged, next_occurrence=by_group.get(group.pk))
            for group in groups
        ]
    }


def director(user) -> dict[str, Any]:
    """The equity director: proposals to decide, new comments, plan items due or late, groups without a lead.

    Aggregates and titles only: nothing here names a member of any group.
    """
    today = timezone.localdate()
    proposals = list(
        GroupProposal.objects.filter(status=GroupProposal.Status.PENDING)
        .select_related("proposer")
        .order_by("created_at", "id")[: DIRECTOR_LIST + 1]
    )
    comments = (
        Comment.objects.filter(status=Comment.Status.NEW).aggregate(count=Count("pk"), oldest=Min("submitted_on"))
        if can_review(user)
        else None
    )
    items = list(
        ActionItem.objects.filter(due_on__lte=today + PLAN_DUE_WITHIN, workstream__plan__is_published=True)
        .exclude(status__in=[ActionItem.Status.COMPLETE, ActionItem.Status.DEFERRED])
        .select_related("workstream__plan")
        .order_by("due_on", "id")[: DIRECTOR_LIST + 1]
    )
    has_lead = Membership.objects.filter(group_id=OuterRef("pk"), role=LEAD, status=ACTIVE)
    leaderless = list(
        Group.objects.listed()
        .filter(~Exists(has_lead))
        .only("name", "slug", "status")
        .order_by("status", "name")[: DIRECTOR_LIST + 1]
    )
    return {
        "proposals": proposals[:DIRECTOR_LIST],
        "more_proposals": len(proposals) > DIRECTOR_LIST,
        "new_comments": comments,
        "plan_items": items[:DIRECTOR_LIST],
        "more_plan_items": len(items) > DIRECTOR_LIST,
        "today": today,
        "leaderless_groups": leaderless[:DIRECTOR_LIST],
        "more_leaderless": len(leaderless) > DIRECTOR_LIST,
    }


def signed_in(user) -> dict[str, Any]:
    context = staff(user)
    context.update(lead(user, context["my_memberships"]))
    context["is_director"] = user.is_equity_director
    if context["is_director"]:
        context.update(director(user))
    return context
