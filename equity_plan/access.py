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

from belong.models import SiteSettings
from belong.rows import RowReader

from .models import ActionItem, Indicator, Plan, PlanYear, Workstream

EDIT_PERMISSION = "equity_plan.edit_plan"


def can_edit(user) -> bool:
    """Who builds and updates the plans in the portal: equity directors (granted the permission by
    migration 0002) and superusers."""
    return bool(user.is_authenticated and user.has_perm(EDIT_PERMISSION))


def get_plan_for_reader(request, slug: str) -> Plan:
    return _readable_plan(request, slug)[0]


def get_plan_and_site_settings_for_reader(request, slug: str) -> tuple[Plan, SiteSettings]:
    """The plan, as get_plan_for_reader, and the site's settings, read together: the public plan page keys
    its stored copy on both."""
    plan, site_settings = _readable_plan(request, slug)
    return plan, site_settings or SiteSettings.current()


def _readable_plan(request, slug: str) -> tuple[Plan, SiteSettings | None]:
    """404 unless the plan is published or the reader edits plans (a draft's existence is not revealed)."""
    plan, site_settings = _plan_by_slug(slug)
    if not plan.is_published and not can_edit(request.user):
        raise Http404
    return plan, site_settings


@functools.cache
def _plan_statement() -> tuple[str, RowReader[Plan], RowReader[SiteSettings]]:
    plans = RowReader(Plan, "p")
    # Without the logo's bytes, as SiteSettings.current() reads them; a site not yet set up has no row.
    settings = RowReader(SiteSettings, "s", defer=("logo",))
    sql = (
        f'SELECT {plans.columns}, {settings.columns} FROM "{Plan._meta.db_table}" p'  # noqa: S608
        f' LEFT JOIN "{SiteSettings._meta.db_table}" s ON s."id" = 1 WHERE p."slug" = %s'
    )
    return sql, plans, settings


def _plan_by_slug(slug: str) -> tuple[Plan, SiteSettings | None]:
    """The plan with `slug`, or 404, and the site's settings. Written by hand (belong.rows): a public plan
    page is answered from memory once its key is known, and compiling the ORM's query for the plan's row
    (every translation) took half of that page's time. The settings ride on the same round trip instead of
    a read from Redis: PostgreSQL holds the copy the cache is filled from."""
    sql, plans, settings = _plan_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    site_settings = row[plans.width :]
    return plans.build(row[: plans.width]), None if site_settings[0] is None else settings.build(site_settings)


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
