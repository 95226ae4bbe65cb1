"""The finance office's CSV: one row per expense of a cycle.

`write_csv` is the one place cells are written; it will give way to the project's shared safe CSV writer
(belong/csv.py) when that lands, so keep every CSV in this app going through it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from belong.models import AuditLog

from . import selectors
from .models import Cycle, FundingRequest
from .money import from_cents

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    def write(self, value: str) -> str:
        return value


def _safe(cell) -> str:
    text = "" if cell is None else str(cell)
    # A spreadsheet runs a cell that starts like a formula; the quote makes it text. Amounts are never
    # negative here, so no number is changed.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Iterable[Iterable]) -> Iterator[str]:
    """Lines of CSV, each cell neutralised against spreadsheet formulas."""
    writer = csv.writer(_Line())
    for row in rows:
        yield writer.writerow([_safe(cell) for cell in row])


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
    return write_csv(_rows(cycle))


def _rows(cycle: Cycle):
    yield _header()
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
