"""Reads for the funding pages: each page is a fixed number of queries, whatever the number of expenses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from groups.models import Group
from meetings.models import Meeting

from . import money
from .models import Allocation, Category, Cycle, Expense, FundingRequest

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

APPROVED = (FundingRequest.Status.APPROVED, FundingRequest.Status.PARTLY_APPROVED)
# The latest expenses and requests a group page lists; the CSV export has every one.
GROUP_PAGE_LIMIT = 100
DECISION_QUEUE_LIMIT = 50
ALLOCATION_CHANGES = 20


def current_cycle() -> Cycle | None:
    """The cycle containing today, else the latest one to start."""
    today = timezone.localdate()
    return (
        Cycle.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on").first()
        or Cycle.objects.order_by("-starts_on").first()
    )


def _sum(queryset) -> Coalesce:
    return Coalesce(Subquery(queryset.values("amount").order_by()[:1]), Value(0), output_field=IntegerField())


def _spent(cycle_id):
    return Expense.objects.filter(cycle_id=cycle_id, deleted_at__isnull=True, status__in=Expense.SPENT)


@dataclass(frozen=True)
class _GroupSums:
    """Each group's allocation, approved and spent amounts in a cycle, as columns of one query. Named (not a
    dict for **kwargs) so each query annotates what it reads and the type checker knows the columns."""

    allocated_cents: Coalesce
    approved_cents: Coalesce
    spent_cents: Coalesce
    has_allocation: Exists


def _group_sums(cycle: Cycle) -> _GroupSums:
    allocation = Allocation.objects.filter(cycle=cycle, group=OuterRef("pk"))
    approved = (
        FundingRequest.objects.filter(cycle=cycle, group=OuterRef("pk"), status__in=APPROVED)
        .values("group")
        .annotate(amount=Sum("approved_cents"))
    )
    spent = _spent(cycle.pk).filter(group=OuterRef("pk")).values("group").annotate(amount=Sum("amount_cents"))
    return _GroupSums(
        allocated_cents=Coalesce(
            Subquery(allocation.values("amount_cents")[:1]), Value(0), output_field=IntegerField()
        ),
        approved_cents=_sum(approved),
        spent_cents=_sum(spent),
        has_allocation=Exists(allocation),
    )


@dataclass
class Totals:
    total_cents: int = 0
    allocated_cents: int = 0
    approved_cents: int = 0
    spent_cents: int = 0
    members: int = 0

    @property
    def unallocated_cents(self) -> int:
        return self.total_cents - self.allocated_cents

    @property
    def remaining_cents(self) -> int:
        """What is left of the allocations once spending is counted."""
        return self.allocated_cents - self.spent_cents

    @property
    def approved_unspent_cents(self) -> int:
        return self.approved_cents - self.spent_cents

    @property
    def per_member_cents(self) -> int | None:
        return round(self.spent_cents / self.members) if self.members else None


@dataclass
class Program:
    cycle: Cycle
    groups: list
    totals: Totals
    by_category: list = field(default_factory=list)
    pending_requests: list = field(default_factory=list)
    awaiting_expenses: list = field(default_factory=list)
    cycles: list = field(default_factory=list)
    allocation_changes: list = field(default_factory=list)


class ProgramRow(TypedDict):
    """What a group's row on the director's page carries beyond the group: its sums, then its cells."""

    allocated_cents: int
    approved_cents: int
    spent_cents: int
    has_allocation: bool
    remaining_cents: int
    per_member_cents: int | None
    link: str
    option_value: str
    members_text: str
    figures: list[str]
    per_member_text: str


if TYPE_CHECKING:
    ProgramGroup = WithAnnotations[Group, ProgramRow]


def program(cycle: Cycle) -> Program:
    """The director's page: figures by group and by category, and what waits for a decision. Six queries."""
    sums = _group_sums(cycle)
    # The rows also carry what the template prints, written below (see ProgramRow).
    groups = cast(
        "list[ProgramGroup]",
        list(
            Group.objects.filter(
                ~Q(status=Group.Status.ARCHIVED) | Exists(Allocation.objects.filter(cycle=cycle, group=OuterRef("pk")))
            )
            .annotate(
                allocated_cents=sums.allocated_cents,
                approved_cents=sums.approved_cents,
                spent_cents=sums.spent_cents,
                has_allocation=sums.has_allocation,
            )
            .only("id", "name", "slug", "is_confidential", "member_count", "status")
            .order_by("name")
        ),
    )
    totals = Totals(total_cents=cycle.total_cents)
    # At 300 groups the template's own lookups, filters and {% url %} per cell cost more than the queries:
    # each row arrives with its link and its amounts already written out.
    link = reverse("funding:group", args=["-"])[:-2]
    for group in groups:
        group.remaining_cents = group.allocated_cents - group.spent_cents
        group.per_member_cents = round(group.spent_cents / group.member_count) if group.member_count else None
        group.link = f"{link}{group.slug}/?cycle={cycle.pk}"
        group.option_value = str(group.pk)
        group.members_text = str(group.member_count)
        group.figures = [
            money.display(group.allocated_cents),
            money.display(group.approved_cents),
            money.display(group.spent_cents),
            money.display(group.remaining_cents),
        ]
        group.per_member_text = money.display(group.per_member_cents) if group.per_member_cents is not None else "—"
        totals.allocated_cents += group.allocated_cents
        totals.approved_cents += group.approved_cents
        totals.spent_cents += group.spent_cents
        if group.spent_cents:
            totals.members += group.member_count
    spent = dict(_spent(cycle.pk).values_list("category").annotate(total=Sum("amount_cents")).order_by())
    approved = dict(
        FundingRequest.objects.filter(cycle=cycle, status__in=APPROVED)
        .values_list("category")
        .annotate(total=Sum("approved_cents"))
        .order_by()
    )
    by_category = [
        {"category": label, "approved_cents": approved.get(value, 0), "spent_cents": spent.get(value, 0)}
        for value, label in Category.choices
    ]
    pending = list(
        FundingRequest.objects.filter(cycle=cycle, status=FundingRequest.Status.PENDING)
        .select_related("group")
        .order_by("created_at", "id")[:DECISION_QUEUE_LIMIT]
    )
    awaiting = list(
        Expense.objects.filter(cycle=cycle, status=Expense.Status.AWAITING, deleted_at__isnull=True)
        .select_related("group")
        .order_by("created_at", "id")[:DECISION_QUEUE_LIMIT]
    )
    changes = list(
        Allocation.history.filter(cycle=cycle)
        .select_related("group", "history_user")
        .order_by("-history_date", "-history_id")[:ALLOCATION_CHANGES]
    )
    return Program(
        cycle=cycle,
        groups=groups,
        totals=totals,
        by_category=by_category,
        pending_requests=pending,
        awaiting_expenses=awaiting,
        cycles=list(Cycle.objects.only("id", "name")),
        allocation_changes=changes,
    )


@dataclass
class GroupBudget:
    group: Group
    cycle: Cycle
    allocation: Allocation | None
    totals: Totals
    requests: list = field(default_factory=list)
    expenses: list = field(default_factory=list)
    awaiting_cents: int = 0
    cycles: list = field(default_factory=list)


def group_totals(group: Group, cycle: Cycle) -> tuple[Allocation | None, Totals]:
    """Two queries: the allocation, and the approved and spent sums."""
    allocation = Allocation.objects.filter(cycle=cycle, group=group).first()
    group_sums = _group_sums(cycle)
    sums = (
        Group.objects.filter(pk=group.pk)
        .annotate(approved_cents=group_sums.approved_cents, spent_cents=group_sums.spent_cents)
        .values("approved_cents", "spent_cents")
        .get()
    )
    totals = Totals(allocated_cents=allocation.amount_cents if allocation else 0, members=group.member_count, **sums)
    return allocation, totals


def group_budget(group: Group, cycle: Cycle) -> GroupBudget:
    """What the leads (and the director) see of one group in one cycle, and the other cycles. Six queries."""
    allocation, totals = group_totals(group, cycle)
    recorded = (
        Expense.objects.filter(request=OuterRef("pk"), status=Expense.Status.RECORDED, deleted_at__isnull=True)
        .values("request")
        .annotate(amount=Sum("amount_cents"))
    )
    requests = list(
        FundingRequest.objects.filter(cycle=cycle, group=group)
        .select_related("meeting")
        .annotate(drawn_cents=_sum(recorded))
        .annotate(remaining_cents=F("approved_cents") - F("drawn_cents"))[:GROUP_PAGE_LIMIT]
    )
    expenses = list(
        Expense.objects.filter(cycle=cycle, group=group, deleted_at__isnull=True).select_related("meeting")[
            :GROUP_PAGE_LIMIT
        ]
    )
    awaiting = sum(e.amount_cents for e in expenses if e.status == Expense.Status.AWAITING)
    cycles = list(Cycle.objects.only("id", "name"))
    return GroupBudget(
        group=group,
        cycle=cycle,
        allocation=allocation,
        totals=totals,
        requests=requests,
        expenses=expenses,
        awaiting_cents=awaiting,
        cycles=cycles,
    )


def approved_requests(group: Group, cycle: Cycle):
    return FundingRequest.objects.filter(cycle=cycle, group=group, status__in=APPROVED).order_by("-created_at")


def group_meetings(group: Group):
    return Meeting.objects.filter(group=group).order_by("-starts_at")


def lead_groups(user) -> list[Group]:
    if not user.is_authenticated:
        return []
    return list(
        Group.objects.filter(memberships__user=user, memberships__role="lead", memberships__status="active").order_by(
            "name"
        )
    )


def export_rows(cycle: Cycle):
    """Every expense of the cycle still on the books, for the finance office, oldest first."""
    return (
        Expense.objects.filter(cycle=cycle, deleted_at__isnull=True)
        .select_related("group", "request", "meeting")
        .order_by("spent_on", "id")
        .iterator(chunk_size=2000)
    )


def history_of(item) -> list[dict]:
    """Every saved version of a request or expense, oldest first: when, who, what it became and why.

    Only the director's changes carry a name: a lead's would tell who belongs to the group, which a
    confidential group (or a member who keeps their membership private) does not show.
    """
    from django.contrib.auth import get_user_model

    from accounts.models import EQUITY_DIRECTOR_GROUP

    versions = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
    user_ids = {v.history_user_id for v in versions if v.history_user_id}
    directors = set(
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=EQUITY_DIRECTOR_GROUP), pk__in=user_ids)
        .values_list("pk", flat=True)
    )
    rows = []
    for version in versions:
        rows.append(
            {
                "at": version.history_date,
                "who": version.history_user.display_name if version.history_user_id in directors else "",
                "status": version.get_status_display(),
                "reason": version.history_change_reason or "",
            }
        )
    return rows
