"""Reads shared by the public pages, the print view and the CSV export.

Every function here runs a fixed number of queries whatever the size of the plan: the whole plan's
workstreams and items are fetched once and rolled up in Python (see rollup.py).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from belong.models import SiteSettings

from .access import can_edit
from .models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream
from .rollup import ItemFacts, PlanRollup, Progress, WorkstreamFacts, roll_up


def plans_visible_to(user) -> QuerySet[Plan]:
    plans = Plan.objects.all()
    return plans if can_edit(user) else plans.filter(is_published=True)


@dataclass
class WorkstreamNode:
    workstream: Workstream
    progress: Progress
    children: list[WorkstreamNode] = field(default_factory=list)
    items: list[ActionItem] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class YearView:
    year: PlanYear | None
    progress: Progress
    roots: list[WorkstreamNode]


@dataclass
class PlanOverview:
    plan: Plan
    progress: Progress
    years: list[YearView]
    nodes: dict[int, WorkstreamNode]
    rollup: PlanRollup


def plan_overview(plan: Plan, *, with_items: bool = False, with_indicators: bool = False) -> PlanOverview:
    """The plan's years, workstream tree and roll-up: 3 queries (+1 with items, +2 with indicators)."""
    years = list(plan.years.all())
    streams = list(plan.workstreams.all())
    if with_items:
        item_rows = list(
            ActionItem.objects.filter(workstream__plan=plan)
            .select_related("owner")
            .order_by("position", "due_on", "id")
        )
        facts = [ItemFacts(i.id, i.workstream_id, i.status, i.percent_complete, i.weight) for i in item_rows]
    else:
        item_rows = []
        facts = [
            ItemFacts(*row)
            for row in ActionItem.objects.filter(workstream__plan=plan).values_list(
                "id", "workstream_id", "status", "percent_complete", "weight"
            )
        ]
    rollup = roll_up([WorkstreamFacts(w.id, w.parent_id, w.year_id, w.weight) for w in streams], facts)

    for stream in streams:
        stream.plan = plan  # get_absolute_url needs the slug: no query per workstream
    nodes = {w.id: WorkstreamNode(w, rollup.workstreams.get(w.id) or Progress()) for w in streams}
    for item in item_rows:
        item.workstream = nodes[item.workstream_id].workstream
        nodes[item.workstream_id].items.append(item)
    if with_indicators:
        indicators = Indicator.objects.filter(workstream__plan=plan).prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
        )
        for indicator in indicators:
            nodes[indicator.workstream_id].indicators.append(indicator)

    roots_by_year: dict[int | None, list[WorkstreamNode]] = {}
    for stream in streams:
        node = nodes[stream.id]
        if stream.parent_id in nodes:
            nodes[stream.parent_id].children.append(node)
        else:
            roots_by_year.setdefault(stream.year_id, []).append(node)

    year_views = [
        YearView(year, rollup.years.get(year.id) or Progress(), roots_by_year.get(year.id, [])) for year in years
    ]
    if roots_by_year.get(None):
        year_views.append(YearView(None, rollup.years.get(None) or Progress(), roots_by_year[None]))
    return PlanOverview(plan=plan, progress=rollup.plan, years=year_views, nodes=nodes, rollup=rollup)


def overview_cache_key(plan: Plan, *, can_edit: bool) -> str:
    """Cache key of the rendered overview: changes whenever anything the overview shows changes.

    content_version moves with every write to the plan's rows (database triggers, see the model);
    the language picks the translations and date formats; editors see edit links; the release
    part keeps fragments rendered by older code, templates or translations out after a deploy.
    """
    return f"equity_plan:overview:{_release()}:{plan.pk}:{plan.content_version}:{get_language()}:{int(can_edit)}"


def public_page_cache_key(plan: Plan, site_settings: SiteSettings) -> str:
    """Cache key of the whole overview page as a signed-out visitor sees it: the overview's own key, plus
    the district's footer (site settings, edited in the admin)."""
    footer = hashlib.blake2b(digest_size=8)
    for value in (
        site_settings.district_name,
        site_settings.non_discrimination_statement,
        site_settings.contact_name,
        site_settings.contact_email,
    ):
        footer.update(value.encode())
        footer.update(b"\0")
    return f"equity_plan:public-page:{footer.hexdigest()}:{overview_cache_key(plan, can_edit=False)}"


@functools.cache
def _release() -> str:
    """A digest of what renders the overview page besides the plan's rows (this app's and the project's
    code, every template, the translations), read once per process."""
    app = Path(__file__).resolve().parent
    base = Path(settings.BASE_DIR)
    files = [
        *app.rglob("*.py"),
        *(base / "belong").glob("*.py"),
        *(base / "templates").rglob("*"),
        *(path for root in settings.LOCALE_PATHS for path in Path(root).rglob("*.mo")),
    ]
    digest = hashlib.blake2b(django.get_version().encode(), digest_size=8)
    for path in sorted(files):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def recent_updates(plan: Plan, limit: int = 8) -> list[ProgressUpdate]:
    return list(
        ProgressUpdate.objects.filter(item__workstream__plan=plan)
        .select_related("item", "author")
        .order_by("-reported_on", "-id")[:limit]
    )


def item_updates(item: ActionItem) -> list[ProgressUpdate]:
    return list(item.updates.select_related("author").order_by("-reported_on", "-id"))


def item_meetings(item: ActionItem, user) -> list:
    """Linked meetings with their first date. Visitors only see district events and public schedules."""
    from meetings.models import Occurrence

    meetings = item.meetings.select_related("group").prefetch_related(
        Prefetch("occurrences", queryset=Occurrence.objects.order_by("starts_at"), to_attr="dates")
    )
    from meetings.access import listable_filter, visible_audiences

    # The meetings' own rules: an administrators-only event is listed to administrators only, and a
    # confidential group's meetings stay with its members unless its schedule is public.
    meetings = meetings.filter(audience__in=visible_audiences(user)).filter(listable_filter(user))
    return list(meetings.order_by("starts_at"))


def indicators_for(workstream: Workstream) -> list[Indicator]:
    return list(
        workstream.indicators.prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
        )
    )


def change_history(instance, limit: int = 50) -> list[dict]:
    """Who changed what and when, newest first, from django-simple-history, in readable words."""
    history = instance.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(history[: limit + 1])
    related_cache: dict = {}
    entries: list[dict[str, Any]] = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(entries) == limit:
            break
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    {
                        "field": capfirst(str(field.verbose_name)),
                        "old": _readable(field, change.old, related_cache),
                        "new": _readable(field, change.new, related_cache),
                    }
                )
        entries.append({"record": newer, "changes": changes})
    return entries


def _readable(field, value, cache: dict):
    if value is None or value == "":
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.many_to_one:
        key = (field.related_model, value)
        if key not in cache:
            cache[key] = field.related_model._default_manager.filter(pk=value).first() or value
        return str(cache[key])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value
