"""Indicator charts as server-rendered SVG: readable without JavaScript and described for screen readers.

`indicator_chart` turns an indicator and its measurements into plain geometry (no database, no HTML);
`render_chart` draws it with a template, so every text is escaped and translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH, HEIGHT = 600, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 44


def format_value(value: Decimal | float | int, unit: str = "") -> str:
    """12.50 → "12.5", 100.00 → "100"; "%" sticks to the number, other units follow a space."""
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str
    day: date


@dataclass
class Chart:
    chart_id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    points: list[Point] = field(default_factory=list)
    baseline_y: float = 0.0
    target_y: float = 0.0
    baseline_label: str = ""
    target_label: str = ""
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str, str]] = field(default_factory=list)
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def is_empty(self) -> bool:
        return not self.points


def indicator_chart(indicator, measurements: Sequence) -> Chart:
    """Geometry for one indicator; `measurements` are objects with measured_on and value, in any order."""
    series = sorted(measurements, key=lambda m: m.measured_on)
    unit = indicator.unit
    baseline, target = Decimal(indicator.baseline), Decimal(indicator.target)
    scale = _ValueScale.around([baseline, target, *(Decimal(m.value) for m in series)])
    days = _DayScale([m.measured_on for m in series])
    points = [
        Point(
            x=days.x_of(m.measured_on),
            y=scale.y_of(m.value),
            value=format_value(m.value, unit),
            label=f"{date_format(m.measured_on, 'SHORT_DATE_FORMAT')}: {format_value(m.value, unit)}",
            day=m.measured_on,
        )
        for m in series
    ]
    return Chart(
        chart_id=f"indicator-{indicator.pk or 'new'}",
        title=indicator.name,
        description=_description(indicator, series, baseline, target),
        points=points,
        baseline_y=scale.y_of(baseline),
        target_y=scale.y_of(target),
        baseline_label=_("Baseline %(value)s") % {"value": format_value(baseline, unit)},
        target_label=_("Target %(value)s") % {"value": format_value(target, unit)},
        y_ticks=scale.ticks(unit),
        x_labels=_x_labels(points),
    )


@dataclass(frozen=True)
class _ValueScale:
    """The value axis: round bounds a little beyond the values, and where a value sits on the plot."""

    low: Decimal
    high: Decimal
    step: Decimal

    @classmethod
    def around(cls, values: list[Decimal]) -> _ValueScale:
        low, high = min(values), max(values)
        # A flat series still needs a visible band around it; counts and shares never go below zero.
        pad = (high - low) / 10 if high != low else (abs(low) / 10 or Decimal(1))
        floor_at_zero = low >= 0
        low, high = low - pad, high + pad
        if floor_at_zero:
            low = max(low, Decimal(0))
        step = _nice_step((high - low) / 4)
        return cls(
            low=(low / step).to_integral_value(rounding=ROUND_FLOOR) * step,
            high=(high / step).to_integral_value(rounding=ROUND_CEILING) * step,
            step=step,
        )

    def y_of(self, value) -> float:
        plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
        share = (Decimal(value) - self.low) / (self.high - self.low)
        return float(plot_bottom - share * (plot_bottom - plot_top))

    def ticks(self, unit: str) -> list[tuple[float, str]]:
        # Long units would not fit beside the axis; they are in the title, description and table.
        tick_unit = unit if unit == "%" else ""
        return [(self.y_of(v), format_value(v, tick_unit)) for v in _ticks(self.low, self.high, self.step)]


class _DayScale:
    """The time axis: the first measurement at the left edge, the last at the right (one alone: centred)."""

    def __init__(self, days: list[date]) -> None:
        self.first, self.last = (min(days), max(days)) if days else (None, None)

    def x_of(self, day: date) -> float:
        plot_left, plot_right = LEFT, WIDTH - RIGHT
        if self.first is None or self.first == self.last:
            return (plot_left + plot_right) / 2
        share = (day - self.first).days / (self.last - self.first).days
        return plot_left + share * (plot_right - plot_left)


def _x_labels(points: list[Point]) -> list[tuple[float, str, str]]:
    """The month of the first and last point under the axis (one point: one label, centred)."""
    if len(points) == 1:
        return [(points[0].x, date_format(points[0].day, "M Y"), "middle")]
    if points:
        return [
            (points[0].x, date_format(points[0].day, "M Y"), "start"),
            (points[-1].x, date_format(points[-1].day, "M Y"), "end"),
        ]
    return []


def _description(indicator, series: list, baseline: Decimal, target: Decimal) -> str:
    """What the chart shows, in words, for screen readers: the goal, then the measurements."""
    unit = indicator.unit
    direction = _("lower is better") if indicator.direction == "decrease" else _("higher is better")
    summary = _("Baseline %(baseline)s, target %(target)s (%(direction)s).") % {
        "baseline": format_value(baseline, unit),
        "target": format_value(target, unit),
        "direction": direction,
    }
    if not series:
        detail = _("No measurements yet.")
    elif len(series) == 1:
        detail = _("One measurement: %(value)s on %(day)s.") % {
            "value": format_value(series[0].value, unit),
            "day": date_format(series[0].measured_on, "DATE_FORMAT"),
        }
    else:
        detail = ngettext(
            "%(count)d measurement from %(first)s to %(last)s; latest %(value)s.",
            "%(count)d measurements from %(first)s to %(last)s; latest %(value)s.",
            len(series),
        ) % {
            "count": len(series),
            "first": date_format(series[0].measured_on, "DATE_FORMAT"),
            "last": date_format(series[-1].measured_on, "DATE_FORMAT"),
            "value": format_value(series[-1].value, unit),
        }
    return f"{summary} {detail}"


def _nice_step(rough: Decimal) -> Decimal:
    """The 1, 2 or 5 x 10^n step nearest above `rough`, so axis labels are round numbers."""
    if rough <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** rough.adjusted()
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= rough:
            return magnitude * factor
    return magnitude * 10


def _ticks(low: Decimal, high: Decimal, step: Decimal) -> list[Decimal]:
    count = int((high - low) / step)
    return [low + step * i for i in range(count + 1)]


def render_chart(chart: Chart) -> str:
    return render_to_string("equity_plan/_indicator_chart.svg", {"chart": chart})
