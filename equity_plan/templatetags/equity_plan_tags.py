from django import template

from equity_plan.charts import Chart, format_value, indicator_chart
from equity_plan.models import ActionItem

register = template.Library()

_LABELS = dict(ActionItem.Status.choices)


@register.filter
def status_label(status: str) -> str:
    return str(_LABELS.get(status, status))


@register.filter
def nonzero_counts(progress) -> list[tuple[str, str, int]]:
    """(status, label, count) for the statuses that occur, in the workflow's order."""
    return [(status, str(_LABELS[status]), count) for status, count in progress.counts_in_order if count]


@register.filter
def indicator_value(value, unit: str = "") -> str:
    return format_value(value, unit)


@register.filter
def chart_for(indicator) -> Chart:
    """Chart geometry for an indicator whose measurements were prefetched."""
    return indicator_chart(indicator, indicator.measurements.all())
