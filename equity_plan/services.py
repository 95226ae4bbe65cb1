"""Every change to a plan goes through here; each saves a history row naming who made it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Model

from accounts.models import User
from belong.history import record_author

from .models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream


def _save(instance: Model, editor) -> None:
    # simple_history reads the recorded author first, so the author is right outside a request too.
    if editor is not None:
        record_author(instance, editor)
    instance.full_clean()
    instance.save()


@transaction.atomic
def plan_save(*, plan: Plan, editor: User | None) -> Plan:
    _save(plan, editor)
    return plan


@transaction.atomic
def year_save(*, year: PlanYear, editor: User | None) -> PlanYear:
    _save(year, editor)
    return year


@transaction.atomic
def workstream_save(*, workstream: Workstream, editor: User | None) -> Workstream:
    if not workstream.year_id and workstream.parent is not None:
        workstream.year_id = workstream.parent.year_id
    _save(workstream, editor)
    return workstream


@transaction.atomic
def item_save(
    *, item: ActionItem, editor: User | None, groups: Iterable | None = None, meetings: Iterable | None = None
) -> ActionItem:
    _save(item, editor)
    if groups is not None:
        item.groups.set(groups)
    if meetings is not None:
        item.meetings.set(meetings)
    return item


@transaction.atomic
def progress_update_post(
    *,
    item: ActionItem,
    author: User | None,
    reported_on: date,
    text: str,
    status: str,
    percent: int | None = None,
) -> ProgressUpdate:
    """Record an update and move the item to its status and percent.

    A blank percent keeps the item's percent, except that "complete" means 100. A back-dated update
    (older than the latest one already posted) joins the history without changing the item.
    """
    item = ActionItem.objects.select_for_update().select_related("workstream__plan").get(pk=item.pk)
    if percent is None:
        percent = 100 if status == ActionItem.Status.COMPLETE else item.percent_complete
    update = ProgressUpdate(
        item=item, reported_on=reported_on, text=text, new_status=status, new_percent=percent, author=author
    )
    _save(update, author)
    latest = item.updates.order_by("-reported_on", "-id").first()
    if latest is not None and latest.pk == update.pk:
        item.status = status
        item.percent_complete = percent
        _save(item, author)
    return update


@transaction.atomic
def indicator_save(*, indicator: Indicator, editor: User | None) -> Indicator:
    _save(indicator, editor)
    return indicator


@transaction.atomic
def measurement_add(
    *, indicator: Indicator, editor: User | None, measured_on: date, value: Decimal, note: str = ""
) -> Measurement:
    measurement = Measurement(indicator=indicator, measured_on=measured_on, value=value, note=note)
    _save(measurement, editor)
    return measurement
