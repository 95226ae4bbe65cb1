"""Read-only views of the books for superusers; every change goes through the portal's pages and services,
so it is checked, e-mailed and audited. Receipt files are never linked from here (no public URL exists).

No history page either: its "changed by" column would name the leads who asked and spent, and leading a
group is a membership a confidential group does not show. The history is on the director's decision pages,
naming the director only."""

from __future__ import annotations

from django.contrib import admin

from belong.admin import ReadOnlyAdmin

from .models import Allocation, Cycle, Expense, FundingRequest


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ["name", "starts_on", "ends_on", "total_cents"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["group", "cycle", "amount_cents", "totals_visible_to_members", "updated_at"]
    list_filter = ["cycle"]
    list_select_related = ["group", "cycle"]


@admin.register(FundingRequest)
class FundingRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "group", "cycle", "category", "amount_cents", "approved_cents", "status"]
    list_filter = ["cycle", "status", "category"]
    list_select_related = ["group", "cycle"]
    exclude = ["requested_by"]


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "group", "cycle", "spent_on", "category", "amount_cents", "status", "deleted_at"]
    list_filter = ["cycle", "status", "category"]
    list_select_related = ["group", "cycle"]
    # Who recorded a confidential group's expense would name its lead; the file has no public URL.
    exclude = ["receipt", "recorded_by"]
