"""Reads shared by views, e-mails and other apps. Each returns what a page needs in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from . import access
from .models import SEARCH_CONFIG, Group, GroupProposal, Membership, MembershipEvent, search_vector

ACTIVE = Membership.Status.ACTIVE
PENDING = Membership.Status.PENDING
LEAD = Membership.Role.LEAD


def _active_count():
    return Count("memberships", filter=Q(memberships__status=ACTIVE), distinct=True)


def _leads_prefetch():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role=LEAD, status=ACTIVE).select_related("user").order_by("user__full_name"),
        to_attr="lead_memberships",
    )


def directory_queryset(user):
    """Every listed group with its member count, the viewer's own status and what `eligibility.check` needs."""
    mine = Membership.objects.filter(group_id=OuterRef("pk"), user_id=user.pk)
    return (
        Group.objects.listed()
        .annotate(
            member_count=_active_count(),
            my_status=Subquery(mine.values("status")[:1]),
            my_role=Subquery(mine.values("role")[:1]),
        )
        .prefetch_related("eligible_schools")
        .order_by("status", "name")
    )


def search(queryset, text: str):
    """PostgreSQL full-text search over name, summary and description, best matches first."""
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    vector = search_vector()  # the indexed expression, so the GIN index can answer the match
    return (
        queryset.annotate(search_document=vector, search_rank=SearchRank(vector, query))
        .filter(Q(search_document=query) | Q(name__icontains=text))
        .order_by("-search_rank", "name")
    )


def group_page(user, group: Group) -> dict[str, Any]:
    """What the group page shows this viewer; names only where access allows them."""
    membership = access.membership_of(user, group)
    counts = group.memberships.aggregate(
        members=Count("id", filter=Q(status=ACTIVE)), pending=Count("id", filter=Q(status=PENDING))
    )
    see_names = access.can_see_member_names(user, group)
    people = []
    leads = []
    if see_names or access.can_see_leads(user, group):
        visible = Q(role=LEAD)
        if see_names:
            visible |= Q(visible_to_members=True)
        people = list(
            group.memberships.filter(visible, status=ACTIVE)
            .select_related("user")
            .order_by("-role", "user__full_name", "user__email")
        )
        leads = [m for m in people if m.role == LEAD]
        people = [m for m in people if m.role != LEAD] if see_names else []
    return {
        "group": group,
        "membership": membership,
        "member_count": counts["members"],
        "pending_count": counts["pending"],
        "leads": leads,
        "visible_members": people,
        "can_see_member_names": see_names,
        "can_manage_roster": access.can_manage_roster(user, group),
        "eligible_schools": list(group.eligible_schools.all()),
    }


def roster_for(group: Group) -> dict[str, list[Membership]]:
    """The whole roster in one query, split for the page: requests, leads, members, invitations."""
    rows = list(
        group.memberships.select_related("user", "user__school").order_by(
            "-role", "user__full_name", "user__email"
        )
    )
    active = [m for m in rows if m.status == ACTIVE]
    return {
        "active_count": len(active),
        "pending": sorted((m for m in rows if m.status == PENDING), key=lambda m: m.created_at),
        "leads": [m for m in active if m.role == LEAD],
        "members": [m for m in active if m.role != LEAD],
        "invited": [m for m in rows if m.status == Membership.Status.INVITED],
        "flagged": [m for m in rows if m.eligibility_flagged_at],
    }


def upcoming_meetings_for_group(group: Group, limit: int = 3) -> list:
    """The group's next meetings from the meetings app, or [] while that app has none to offer."""
    try:
        from groups.meetings.selectors import upcoming_for_group
    except ImportError:
        return []
    try:
        return list(upcoming_for_group(group, limit=limit))[:limit]
    except TypeError:
        return list(upcoming_for_group(group))[:limit]


def home_context_for(user) -> dict[str, Any]:
    """The signed-in home page: the viewer's memberships and next meetings."""
    memberships = list(
        Membership.objects.filter(user=user).exclude(group__status=Group.Status.ARCHIVED)
        .select_related("group").order_by("group__name")
    )
    next_meetings: list = []
    try:
        from groups.meetings.selectors import upcoming_for_user
    except ImportError:
        pass
    else:
        next_meetings = list(upcoming_for_user(user, limit=5))
    return {"my_memberships": memberships, "next_meetings": next_meetings}


def directory_for_welcome() -> list[Group]:
    """Groups a new hire is told about: active and forming, with their leads for "who to contact"."""
    return list(
        Group.objects.listed().filter(is_confidential=False).prefetch_related(_leads_prefetch())
        .order_by("status", "name")
    ) + list(Group.objects.listed().filter(is_confidential=True).order_by("status", "name"))


# --- Equity director's overview: aggregates only ------------------------------------------------------

@dataclass
class GrowthPoint:
    month: date
    members: int


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(months - 1, -1, -1)]


def growth(months: int = 12) -> list[GrowthPoint]:
    """District-wide active memberships at the end of each of the last `months` months."""
    zone = timezone.get_current_timezone()
    starts = _month_starts(timezone.localdate(), months)
    ends = [datetime.combine(s + relativedelta(months=1), time.min, tzinfo=zone) for s in starts]
    sums = MembershipEvent.objects.aggregate(
        **{f"m{i}": Sum("change", filter=Q(at__lt=end), default=0) for i, end in enumerate(ends)}
    )
    return [GrowthPoint(month=start, members=sums[f"m{i}"]) for i, start in enumerate(starts)]


def growth_chart(points: list[GrowthPoint], width: int = 560, height: int = 160) -> dict[str, Any]:
    """Coordinates for a small server-rendered SVG line chart (no script, no inline style)."""
    pad_x, pad_y = 40, 20
    peak = max((p.members for p in points), default=0) or 1
    step = (width - 2 * pad_x) / max(len(points) - 1, 1)
    coords = []
    for i, point in enumerate(points):
        x = pad_x + i * step
        y = height - pad_y - (point.members / peak) * (height - 2 * pad_y)
        coords.append({"x": round(x, 1), "y": round(y, 1), "point": point})
    return {
        "width": width,
        "height": height,
        "peak": peak,
        "baseline": height - pad_y,
        "top": pad_y,
        "left": pad_x,
        "right": width - pad_x,
        "polyline": " ".join(f"{c['x']},{c['y']}" for c in coords),
        "coords": coords,
    }


def overview() -> dict[str, Any]:
    groups = list(
        Group.objects.exclude(status=Group.Status.ARCHIVED)
        .annotate(
            member_count=_active_count(),
            pending_count=Count("memberships", filter=Q(memberships__status=PENDING), distinct=True),
            lead_count=Count(
                "memberships", filter=Q(memberships__status=ACTIVE, memberships__role=LEAD), distinct=True
            ),
        )
        .order_by("name")
    )
    points = growth()
    return {
        "groups": groups,
        "total_members": sum(g.member_count for g in groups),
        "pending_requests": sum(g.pending_count for g in groups),
        "groups_without_lead": [g for g in groups if g.lead_count == 0],
        "pending_proposals": GroupProposal.objects.filter(status=GroupProposal.Status.PENDING).count(),
        "growth": points,
        "chart": growth_chart(points),
    }
