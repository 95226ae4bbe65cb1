"""Reads shared by views, e-mails and other apps. Each returns what a page needs in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname
from modeltranslation.utils import get_language as translated_language

from belong.fallbacks import translated_order
from belong.models import AuditLog
from belong.pagination import paginate, window

from . import access
from .models import SEARCH_CONFIG, Group, GroupProposal, Membership, MembershipEvent, search_vector

ACTIVE = Membership.Status.ACTIVE
PENDING = Membership.Status.PENDING
LEAD = Membership.Role.LEAD


def count_of(**filters: Any) -> Coalesce:
    """A per-group count of memberships matching `filters`, answered from the roster index."""
    matching = (
        Membership.objects.filter(group_id=OuterRef("pk"), **filters)
        .order_by()
        .values("group_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(matching), 0)


def _leads_prefetch():
    # Told to new hires as "who to contact": never a lead who joined the group hidden.
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role=LEAD, status=ACTIVE, hidden=False)
        .select_related("user")
        .order_by("user__full_name"),
        to_attr="lead_memberships",
    )


def directory_queryset(user):
    """Every listed group with its member count, the viewer's own status and what `eligibility.check` needs."""
    mine = Membership.objects.filter(group_id=OuterRef("pk"), user_id=user.pk)
    return (
        Group.objects.listed()
        .annotate(
            my_status=Subquery(mine.values("status")[:1]),
            my_role=Subquery(mine.values("role")[:1]),
        )
        .prefetch_related("eligible_schools")
        .order_by("status", translated_order("name"))
    )


def directory_listing():
    """Every listed group with what its card and `eligibility.rules_of` need, and nothing about a viewer:
    the directory's shared page (groups.views) is built from it."""
    return Group.objects.listed().prefetch_related("eligible_schools").order_by("status", translated_order("name"))


def listing_version_and_standing(user) -> tuple[int, dict[int, tuple[str, str]]]:
    """What a shared directory view reads, in one round trip: the listing's version, which changes whenever
    any group's card could (a group's content_version, kept by triggers, moves with its row, schools,
    memberships and meetings, and a deletion renumbers another group: migration 0010), and the viewer's
    (status, role) in every group they have a membership of, by group id.

    Raw SQL: the ORM cannot put an aggregate over one table beside the rows of another in one statement,
    and this runs on every directory view. The LEFT JOIN from one row answers the version when the viewer
    has no membership at all.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT MAX(content_version) FROM groups_group), m.group_id, m.status, m.role"
            " FROM (SELECT 1) AS one LEFT JOIN groups_membership m ON m.user_id = %s",
            [user.pk],
        )
        rows = cursor.fetchall()
    version = rows[0][0] or 0
    return version, {group_id: (status, role) for _, group_id, status, role in rows if group_id is not None}


def search(queryset, text: str):
    """PostgreSQL full-text search over name, summary and description, best matches first."""
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    vector = search_vector()  # the indexed expression, so the GIN index can answer the match
    # A reader in another language finds a group by its words in that language too (no index: few groups).
    reader, district = translated_language(), settings.LANGUAGE_CODE
    by_name = Q(**{f"{build_localized_fieldname('name', district)}__icontains": text})
    for field in ("name", "summary"):
        by_name |= Q(**{f"{build_localized_fieldname(field, reader)}__icontains": text})
    return (
        queryset.annotate(search_document=vector, search_rank=SearchRank(vector, query))
        .filter(Q(search_document=query) | by_name)
        .order_by("-search_rank", translated_order("name"))
    )


GROUP_PAGE_MEMBERS = 60


def group_page(user, group: Group, *, members_page: str | int | None = 1) -> dict[str, Any]:
    """What the group page shows this viewer; names only where access allows them.

    A fixed number of queries whatever the group's size: the count is the trigger-kept column, and the
    opted-in member list is read a page at a time, uncounted.
    """
    membership = access.membership_of(user, group)
    can_manage_roster = access.can_manage_roster(user, group)
    see_names = access.can_see_member_names(user, group)
    # Fellow members see whoever opted in to the list (their own choice); anyone outside the group (the
    # director managing an open group's roster, a visitor reading its leads) never sees a person who
    # joined hidden.
    insider = access.is_active_member(user, group)
    leads: list[Membership] = []
    visible_members = None
    if see_names or access.can_see_leads(user, group):
        lead_rows = group.memberships.filter(role=LEAD, status=ACTIVE)
        if not insider:
            lead_rows = lead_rows.filter(hidden=False)
        leads = list(lead_rows.select_related("user").order_by("user__full_name", "user__email"))
    if see_names:
        listed = group.memberships.filter(status=ACTIVE, visible_to_members=True).exclude(role=LEAD)
        if not insider:
            listed = listed.filter(hidden=False)
        listed = listed.select_related("user").order_by("user__full_name", "user__email", "id")
        visible_members = window(listed, members_page, GROUP_PAGE_MEMBERS)
    return {
        "group": group,
        "membership": membership,
        "member_count": group.member_count,
        "pending_count": pending_count(user, group) if can_manage_roster else 0,
        "leads": leads,
        "visible_members": visible_members,
        "can_see_member_names": see_names,
        "can_manage_roster": can_manage_roster,
        "eligible_schools": list(group.eligible_schools.all()),
    }


def pending_count(user, group: Group) -> int:
    """Requests waiting for a lead, as the group page's lead tools count them (for a roster manager)."""
    insider = access.is_active_member(user, group)
    return group.memberships.filter(status=PENDING, **({} if insider else {"hidden": False})).count()


ROSTER_PAGE_SIZE = 50
# Requests, flags and invitations are shown in full up to this many (oldest first); a lead deciding
# them works down the list, and a group with more waiting is told how many there are in all.
ROSTER_QUEUE_LIMIT = 25


@dataclass
class Roster:
    members: Page  # active non-leads, a page at a time, filtered by `search`
    leads: list[Membership]
    pending: list[Membership]
    flagged: list[Membership]
    invited: list[Membership]
    active_count: int
    pending_count: int
    flagged_count: int
    invited_count: int
    search: str
    # Active members left out because they joined hidden and the viewer is not a lead (0 for leads).
    hidden_count: int = 0

    @property
    def rows_shown(self) -> int:
        return (
            len(self.members.object_list) + len(self.leads) + len(self.pending) + len(self.flagged) + len(self.invited)
        )


def _queue(count: int, memberships) -> list[Membership]:
    return list(memberships[:ROSTER_QUEUE_LIMIT]) if count else []


def roster_for(group: Group, *, search: str = "", page: str | int | None = 1, include_hidden: bool = True) -> Roster:
    """The roster page: every queue in full (up to ROSTER_QUEUE_LIMIT) and one page of members.

    A fixed number of queries whatever the group's size (fewer when a queue is empty); only one page of
    members is read.
    `include_hidden` is for the group's leads only (`access.sees_hidden_members`): anyone else managing
    the roster is never shown a person who joined hidden, in any list or count of names.
    """
    rows = group.memberships.select_related("user", "user__school")
    if not include_hidden:
        rows = rows.filter(hidden=False)
    # One round trip over the queued rows only (the queue index and the flagged partial index, OR-ed),
    # never a pass over every active member; half the CPU of a subquery per count on the Group row.
    shown = Q() if include_hidden else Q(hidden=False)
    queued = Q(status__in=[PENDING, Membership.Status.INVITED]) | Q(eligibility_flagged_at__isnull=False)
    tallies = {
        "pending": Count("pk", filter=Q(status=PENDING) & shown),
        "invited": Count("pk", filter=Q(status=Membership.Status.INVITED) & shown),
        "flagged": Count("pk", filter=Q(eligibility_flagged_at__isnull=False, status__in=[ACTIVE, PENDING]) & shown),
    }
    if not include_hidden:
        queued |= Q(status=ACTIVE, hidden=True)
        tallies["hidden_active"] = Count("pk", filter=Q(status=ACTIVE, hidden=True))
    counts = Membership.objects.filter(queued, group=group).aggregate(**tallies)
    hidden_count = counts.get("hidden_active", 0)
    search = search.strip()
    members = rows.filter(status=ACTIVE).exclude(role=LEAD).order_by("user__full_name", "user__email", "id")
    if search:
        members = members.filter(
            Q(user__full_name__icontains=search)
            | Q(user__preferred_name__icontains=search)
            | Q(user__email__icontains=search)
        )
    leads = list(rows.filter(status=ACTIVE, role=LEAD).order_by("user__full_name", "user__email"))
    if search:
        needle = search.casefold()
        leads = [
            m
            for m in leads
            if any(
                needle in (value or "").casefold() for value in (m.user.full_name, m.user.preferred_name, m.user.email)
            )
        ]
    return Roster(
        # Without a search the member count is the trigger-kept column, less the leads (and the hidden).
        members=paginate(
            members,
            page,
            ROSTER_PAGE_SIZE,
            count=None if search else max(group.member_count - hidden_count - len(leads), 0),
        ),
        leads=leads,
        # A queue the counts say is empty is not read: most groups have no flags or invitations waiting.
        pending=_queue(counts["pending"], rows.filter(status=PENDING).order_by("created_at", "id")),
        flagged=_queue(
            counts["flagged"],
            rows.filter(eligibility_flagged_at__isnull=False, status__in=[ACTIVE, PENDING]).order_by(
                "eligibility_flagged_at", "id"
            ),
        ),
        invited=_queue(counts["invited"], rows.filter(status=Membership.Status.INVITED).order_by("created_at", "id")),
        active_count=group.member_count - hidden_count,
        pending_count=counts["pending"],
        flagged_count=counts["flagged"],
        invited_count=counts["invited"],
        search=search,
        hidden_count=hidden_count,
    )


@dataclass
class ConfidentialChange:
    """What switching a group's confidential setting would do, shown before it is saved."""

    confidential: bool
    members: int  # memberships of any status
    hidden: int  # of them, already hidden
    newly_hidden: int  # hidden by this change


def confidential_change(group: Group, confidential: bool) -> ConfidentialChange:
    stats = Membership.objects.filter(group=group).aggregate(
        members=Count("id"), hidden=Count("id", filter=Q(hidden=True))
    )
    return ConfidentialChange(
        confidential=confidential,
        members=stats["members"],
        hidden=stats["hidden"],
        newly_hidden=(stats["members"] - stats["hidden"]) if confidential else 0,
    )


ROSTER_EXPORT_ACTION = "groups.roster_export"
ROSTER_VIEW_ACTION = "groups.roster_view"
EXPORT_HISTORY_LIMIT = 10


def roster_exports(group: Group, limit: int = EXPORT_HISTORY_LIMIT) -> list:
    """The group's latest roster exports, newest first, for its members to see who took their names away."""
    return list(
        AuditLog.objects.filter(action=ROSTER_EXPORT_ACTION, object_type="groups.Group", object_id=str(group.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


class UpcomingMeetingsSource(Protocol):
    def __call__(self, group: Group, *, limit: int) -> list: ...


# Groups shows a group's next meetings (its page, its welcome e-mail, its space) but must not import the
# meetings app, which builds on groups. Meetings plugs its listing in here from MeetingsConfig.ready().
_upcoming_meetings_source: UpcomingMeetingsSource | None = None


def register_upcoming_meetings(source: UpcomingMeetingsSource) -> None:
    """Called once at start-up by the app that lists meetings (meetings.apps)."""
    global _upcoming_meetings_source
    _upcoming_meetings_source = source


def upcoming_meetings_for_group(group: Group, limit: int = 3) -> list:
    """The group's next meetings as anyone may see them, or [] when no meetings app is installed."""
    if _upcoming_meetings_source is None:
        return []
    return _upcoming_meetings_source(group, limit=limit)


def public_groups() -> list[Group]:
    """Groups whose page and schedule anyone may read: name, summary, mission and goals only (no counts)."""
    return list(
        Group.objects.listed()
        .filter(public_schedule=True)
        .only("name", "slug", "summary", "mission", "colour", "status")
        .order_by("name")
    )


def directory_for_welcome() -> list[Group]:
    """Groups a new hire is told about: active and forming, with their leads for "who to contact"."""
    return list(
        Group.objects.listed()
        .filter(is_confidential=False)
        .prefetch_related(_leads_prefetch())
        .order_by("status", translated_order("name"))
    ) + list(Group.objects.listed().filter(is_confidential=True).order_by("status", translated_order("name")))


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
        .annotate(pending_count=count_of(status=PENDING), lead_count=count_of(status=ACTIVE, role=LEAD))
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
