"""The finance office's CSV: one row per expense of a cycle, written by the project's one safe CSV writer
(belong.csv_export: a cell a spreadsheet would run as a formula reaches it as text)."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from belong.csv_export import csv_lines
from belong.models import AuditLog

from . import selectors
from .models import Cycle, FundingRequest
from .money import from_cents


def _header() -> list[str]:
    return [
        _("Expense"),
        _("Date"),
        _("Group"),
        _("Category"),
        _("Vendor"),
        _("Amount"),
        _("Currency"),
        _("Status"),
        _("Approval reference"),
        _("Amount approved on the request"),
        _("Meeting"),
        _("Note"),
        _("Receipt"),
    ]


def cycle_csv(*, cycle: Cycle, by) -> Iterator[str]:
    """The cycle's expenses; the export is written to the audit log before the first line is sent."""
    AuditLog.objects.create(
        actor=by,
        action="funding.cycle_export",
        object_type="funding.Cycle",
        object_id=str(cycle.pk),
        purpose="finance export",
    )
    return csv_lines(_header(), _rows(cycle))


def _rows(cycle: Cycle):
    for expense in selectors.export_rows(cycle):
        request: FundingRequest | None = expense.request
        receipt = settings.SITE_URL + reverse("funding:receipt", args=[expense.pk]) if expense.receipt else ""
        yield [
            expense.reference,
            expense.spent_on.isoformat(),
            expense.group.name,
            expense.get_category_display(),
            expense.vendor,
            f"{from_cents(expense.amount_cents):.2f}",
            cycle_currency(),
            expense.get_status_display(),
            expense.approval_reference,
            f"{from_cents(request.approved_cents):.2f}" if request else "",
            expense.meeting.title if expense.meeting else "",
            expense.note,
            receipt,
        ]


def cycle_currency() -> str:
    return settings.FUNDING_CURRENCY
