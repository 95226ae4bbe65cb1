"""Every change to cycles, allocations, requests and expenses. E-mails are queued in the same transaction;
decisions and deletions are written to the audit log, and every row keeps its history."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EQUITY_DIRECTOR_GROUP, User
from belong import mail
from belong.history import record_author
from belong.models import AuditLog
from groups.models import Group, Membership
from meetings.models import Meeting

from . import receipts
from .models import Allocation, Cycle, Expense, FundingRequest


class FundingError(ValidationError):
    """A change that does not apply now (already decided, wrong group, no allocation...)."""


def default_cycle(today: datetime.date | None = None) -> tuple[str, datetime.date, datetime.date]:
    """The fiscal year containing `today`: July 1 to June 30 by default (FUNDING_CYCLE_START_MONTH)."""
    today = today or timezone.localdate()
    month = settings.FUNDING_CYCLE_START_MONTH
    year = today.year if today.month >= month else today.year - 1
    starts = datetime.date(year, month, 1)
    ends = datetime.date(year + 1, month, 1) - datetime.timedelta(days=1)
    name = f"{starts.year}\u2013{str(ends.year)[-2:]}" if starts.year != ends.year else str(starts.year)
    return name, starts, ends


def _audit(*, by, action: str, obj, **detail) -> None:
    AuditLog.objects.create(actor=by, action=action, object_type=obj._meta.label, object_id=str(obj.pk), detail=detail)


def _leads(group: Group) -> list:
    return list(
        User.objects.filter(
            memberships__group=group,
            memberships__role=Membership.Role.LEAD,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
    )


def _directors() -> list:
    return list(User.objects.filter(is_active=True, groups__name=EQUITY_DIRECTOR_GROUP).distinct())


@transaction.atomic
def cycle_create(*, name: str, starts_on: datetime.date, ends_on: datetime.date, total_cents: int, by: User) -> Cycle:
    if ends_on <= starts_on:
        raise FundingError(_("A cycle must end after it starts."))
    if Cycle.objects.filter(name=name).exists():
        raise FundingError(_("Another cycle already has that name."))
    cycle = Cycle(name=name, starts_on=starts_on, ends_on=ends_on, total_cents=total_cents, created_by=by)
    record_author(cycle, by)
    cycle.save()
    _audit(by=by, action="funding.cycle_created", obj=cycle, total_cents=total_cents)
    return cycle


@transaction.atomic
def allocation_set(*, cycle: Cycle, group: Group, amount_cents: int, reason: str, by: User) -> Allocation:
    """Allocate to a group, or change its allocation (a change needs a reason, kept in the history)."""
    reason = reason.strip()
    # The row exists before it is locked, so that two first allocations at once are taken in turn.
    Allocation.objects.bulk_create([Allocation(cycle=cycle, group=group, amount_cents=0)], ignore_conflicts=True)
    allocation = Allocation.objects.select_for_update().get(cycle=cycle, group=group)
    fresh = not allocation.history.exists()  # bulk_create writes no history: only a saved allocation has one
    before = None if fresh else allocation.amount_cents
    if not fresh and not reason:
        raise FundingError(_("Say why the allocation changes; the reason is kept in its history."))
    allocation.amount_cents = amount_cents
    allocation.reason = reason
    allocation.updated_by = by
    record_author(allocation, by, reason=reason)
    allocation.save()
    _audit(
        by=by,
        action="funding.allocation_set",
        obj=allocation,
        group_id=group.pk,
        cycle_id=cycle.pk,
        before_cents=before,
        after_cents=amount_cents,
        reason=reason,
    )
    return allocation


@transaction.atomic
def totals_visibility_set(*, cycle: Cycle, group: Group, visible: bool, by: User) -> Allocation:
    allocation = Allocation.objects.select_for_update().filter(cycle=cycle, group=group).first()
    if allocation is None:
        raise FundingError(_("The group has no allocation in this cycle yet: there are no totals to show."))
    allocation.totals_visible_to_members = visible
    record_author(allocation, by)
    allocation.updated_by = by
    allocation.save(update_fields=["totals_visible_to_members", "updated_by", "updated_at"])
    return allocation


@transaction.atomic
def request_create(
    *,
    cycle: Cycle,
    group: Group,
    amount_cents: int,
    purpose: str,
    planned_on: datetime.date,
    category: str,
    meeting: Meeting | None = None,
    by: User,
) -> FundingRequest:
    if meeting is not None and meeting.group_id != group.pk:
        raise FundingError(_("That meeting belongs to another group."))
    funding_request = FundingRequest(
        cycle=cycle,
        group=group,
        amount_cents=amount_cents,
        purpose=purpose.strip(),
        planned_on=planned_on,
        category=category,
        meeting=meeting,
        requested_by=by,
    )
    record_author(funding_request, by)
    funding_request.save()
    mail.enqueue_many(
        kind="funding.awaiting_decision", recipients=_directors(), context={"request_id": funding_request.pk}
    )
    return funding_request


@transaction.atomic
def request_decide(
    *,
    funding_request: FundingRequest,
    decision: str,
    approved_cents: int | None = None,
    message: str = "",
    by: User,
) -> FundingRequest:
    """Approve in full ("approve"), in part ("partly", with the amount) or decline ("decline")."""
    locked = FundingRequest.objects.select_for_update().get(pk=funding_request.pk)
    if locked.status != FundingRequest.Status.PENDING:
        raise FundingError(_("That request has already been decided."))
    if decision == "approve":
        locked.status, locked.approved_cents = FundingRequest.Status.APPROVED, locked.amount_cents
    elif decision == "partly":
        if not approved_cents or approved_cents <= 0 or approved_cents >= locked.amount_cents:
            raise FundingError(_("A partial approval is more than nothing and less than the amount asked for."))
        locked.status, locked.approved_cents = FundingRequest.Status.PARTLY_APPROVED, approved_cents
    elif decision == "decline":
        locked.status, locked.approved_cents = FundingRequest.Status.DECLINED, 0
    else:
        raise FundingError(_("Choose approve, approve in part or decline."))
    locked.decision_message = message.strip()
    locked.decided_by = by
    locked.decided_at = timezone.now()
    record_author(locked, by, reason=f"decision: {decision}")
    locked.save()
    _audit(
        by=by,
        action="funding.request_decided",
        obj=locked,
        decision=locked.status,
        approved_cents=locked.approved_cents,
        group_id=locked.group_id,
    )
    mail.enqueue_many(
        kind="funding.request_decided", recipients=_leads(locked.group), context={"request_id": locked.pk}
    )
    return locked


def request_remaining_cents(funding_request: FundingRequest) -> int:
    spent = (
        Expense.objects.filter(
            request=funding_request, status=Expense.Status.RECORDED, deleted_at__isnull=True
        ).aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )
    return funding_request.approved_cents - spent


@transaction.atomic
def expense_record(
    *,
    cycle: Cycle,
    group: Group,
    spent_on: datetime.date,
    amount_cents: int,
    category: str,
    vendor: str,
    note: str = "",
    funding_request: FundingRequest | None = None,
    meeting: Meeting | None = None,
    receipt: UploadedFile | None = None,
    by: User,
) -> Expense:
    """Record an expense. Within the remainder of the approved request it draws on, it is spent at once;
    otherwise it waits for the director's approval.

    The request's row is locked while its remainder is read and the expense written, so two leads
    recording at the same moment are taken one after the other: together they cannot pass the approval.
    """
    if amount_cents <= 0:
        raise FundingError(_("An expense is more than nothing."))
    if meeting is not None and meeting.group_id != group.pk:
        raise FundingError(_("That meeting belongs to another group."))
    content_type = receipts.sniff(receipt) if receipt else ""
    status = Expense.Status.AWAITING
    if funding_request is not None:
        funding_request = FundingRequest.objects.select_for_update().get(pk=funding_request.pk)
        if funding_request.group_id != group.pk or funding_request.cycle_id != cycle.pk:
            raise FundingError(_("That request belongs to another group or cycle."))
        if not funding_request.is_approved:
            raise FundingError(_("That request has not been approved."))
        if amount_cents <= request_remaining_cents(funding_request):
            status = Expense.Status.RECORDED
    expense = Expense(
        cycle=cycle,
        group=group,
        request=funding_request,
        spent_on=spent_on,
        amount_cents=amount_cents,
        category=category,
        vendor=vendor.strip(),
        note=note.strip(),
        meeting=meeting,
        status=status,
        recorded_by=by,
        receipt_content_type=content_type,
    )
    if receipt:
        expense.receipt = receipt
    record_author(expense, by)
    try:
        expense.save()
    except BaseException:
        # The file is written before the row: a row that fails must not leave its receipt behind.
        # FieldFile._committed (True once the file is in storage) is private, so django-stubs leave it out.
        written = expense.receipt and expense.receipt._committed  # type: ignore[attr-defined]
        if written and expense.receipt.name:
            expense.receipt.storage.delete(expense.receipt.name)
        raise
    if status == Expense.Status.AWAITING:
        mail.enqueue_many(kind="funding.awaiting_decision", recipients=_directors(), context={"expense_id": expense.pk})
    return expense


@transaction.atomic
def expense_decide(*, expense: Expense, approve: bool, message: str = "", by: User) -> Expense:
    locked = Expense.objects.select_for_update().get(pk=expense.pk)
    if locked.status != Expense.Status.AWAITING or locked.deleted_at:
        raise FundingError(_("That expense has already been decided."))
    locked.status = Expense.Status.APPROVED if approve else Expense.Status.DECLINED
    locked.decision_message = message.strip()
    locked.decided_by = by
    locked.decided_at = timezone.now()
    record_author(locked, by, reason="decision: approved" if approve else "decision: declined")
    locked.save()
    _audit(
        by=by,
        action="funding.expense_decided",
        obj=locked,
        decision=locked.status,
        amount_cents=locked.amount_cents,
        group_id=locked.group_id,
    )
    mail.enqueue_many(
        kind="funding.expense_decided", recipients=_leads(locked.group), context={"expense_id": locked.pk}
    )
    return locked


@transaction.atomic
def expense_delete(*, expense: Expense, reason: str, by: User) -> Expense:
    """Take an expense off the books. The row, its receipt and its history stay for the auditors."""
    locked = Expense.objects.select_for_update().get(pk=expense.pk)
    if locked.deleted_at:
        raise FundingError(_("That expense was already deleted."))
    if not reason.strip():
        raise FundingError(_("Say why the expense is deleted; the reason is kept for the auditors."))
    locked.deleted_at = timezone.now()
    locked.deleted_by = by
    record_author(locked, by, reason=reason.strip())
    locked.save(update_fields=["deleted_at", "deleted_by"])
    _audit(
        by=by,
        action="funding.expense_deleted",
        obj=locked,
        amount_cents=locked.amount_cents,
        group_id=locked.group_id,
        reason=reason.strip(),
    )
    return locked
