"""Who may see and change what in funding. One helper per resource; views call these first.

- The equity director (and superusers) run the program: cycles, allocations, decisions, exports, every
  group's figures and every receipt. For a confidential group they see figures, never who recorded them.
- A group's active leads see their group's allocation, requests and expenses, ask for funds, record and
  delete expenses, open their own group's receipts and choose whether members see the totals.
- Active members see their group's totals only when a lead chose to show them; nothing else.
- Everyone else (staff, leads of other groups, the admin's staff) sees nothing: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.access import is_director
from groups import access as group_access
from groups.models import Group

from .models import Cycle, Expense, FundingRequest


def require_director(request) -> None:
    if not is_director(request.user):
        raise PermissionDenied


def get_cycle_for_director(request, pk: int) -> Cycle:
    require_director(request)
    return get_object_or_404(Cycle, pk=pk)


def get_group_for_budget(request, slug: str) -> tuple[Group, str]:
    """The group and how much of its budget the viewer sees: "full" (leads, director) or "totals" (members;
    the view still checks that a lead chose to show them). 404 unknown, 403 nothing to see."""
    group = get_object_or_404(Group, slug=slug)
    if is_director(request.user) or group_access.is_lead(request.user, group):
        return group, "full"
    if group_access.is_active_member(request.user, group):
        return group, "totals"
    raise PermissionDenied


def get_group_for_lead(request, slug: str) -> Group:
    """Leads only: asking for funds and recording spending is the group's own business, so unlike the
    roster (groups.access.get_group_for_lead) the director does not act here for a group."""
    group = get_object_or_404(Group, slug=slug)
    if not group_access.is_lead(request.user, group):
        raise PermissionDenied
    return group


def get_request_for_director(request, pk: int) -> FundingRequest:
    require_director(request)
    return get_object_or_404(FundingRequest.objects.select_related("group", "cycle", "meeting"), pk=pk)


def get_expense_for_director(request, pk: int) -> Expense:
    require_director(request)
    return get_object_or_404(Expense.objects.select_related("group", "cycle", "request"), pk=pk)


def get_expense_for_manager(request, pk: int) -> Expense:
    """An expense the viewer may open the receipt of or delete: the director, or a lead of its group."""
    expense = get_object_or_404(Expense.objects.select_related("group", "cycle"), pk=pk)
    if is_director(request.user) or group_access.is_lead(request.user, expense.group):
        return expense
    raise PermissionDenied
