"""One helper per resource: returns the object or raises Http404 / PermissionDenied.

Drafts answer 404 to everyone but editors, so an unpublished plan's existence is not revealed.
Editing helpers expect the view to be wrapped in login_required (anonymous → sign-in page).
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404

from belong.rows import RowReader

from .models import ActionItem, Indicator, Plan, PlanYear, Workstream

EDIT_PERMISSION = "equity_plan.edit_plan"


def can_edit(user) -> bool:
    """Who builds and updates the plans in the portal: equity directors (granted the permission by
    migration 0002) and superusers."""
    return bool(user.is_authenticated and user.has_perm(EDIT_PERMISSION))


def get_plan_for_reader(request, slug: str) -> Plan:
    plan = _plan_by_slug(slug)
    if not plan.is_published and not can_edit(request.user):
        raise Http404
    return plan


@functools.cache
def _plan_statement() -> tuple[str, RowReader[Plan]]:
    plans = RowReader(Plan, "p")
    return f'SELECT {plans.columns} FROM "{Plan._meta.db_table}" p WHERE p."slug" = %s', plans  # noqa: S608


def _plan_by_slug(slug: str) -> Plan:
    """The plan with `slug`, or 404. Written by hand (belong.rows): a public plan page is answered from
    memory once its key is known, and compiling the ORM's query for the plan's row (every translation) took
    half of that page's time."""
    sql, plans = _plan_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return plans.build(row)


def require_editor(request) -> None:
    if not can_edit(request.user):
        raise PermissionDenied


def get_plan_for_editor(request, slug: str) -> Plan:
    require_editor(request)
    return get_object_or_404(Plan, slug=slug)


def get_workstream_for_reader(request, plan: Plan, pk: int) -> Workstream:
    workstream: Workstream = get_object_or_404(Workstream.objects.select_related("year", "parent"), pk=pk, plan=plan)
    workstream.plan = plan
    return workstream


def get_item_for_reader(request, plan: Plan, pk: int) -> ActionItem:
    item: ActionItem = get_object_or_404(
        ActionItem.objects.select_related("workstream__year", "workstream__parent", "owner"),
        pk=pk,
        workstream__plan=plan,
    )
    item.workstream.plan = plan
    return item


def get_year_for_editor(request, plan: Plan, pk: int) -> PlanYear:
    return get_object_or_404(PlanYear, pk=pk, plan=plan)


def get_indicator_for_editor(request, plan: Plan, pk: int) -> Indicator:
    indicator: Indicator = get_object_or_404(
        Indicator.objects.select_related("workstream"), pk=pk, workstream__plan=plan
    )
    indicator.workstream.plan = plan
    return indicator
