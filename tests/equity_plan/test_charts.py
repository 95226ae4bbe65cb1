"""Indicator charts: server-rendered SVG that reads without JavaScript and describes itself."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree  # parses our own output only

from equity_plan.charts import format_value, indicator_chart, render_chart
from equity_plan.models import Indicator

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Reading:
    measured_on: date
    value: Decimal


def indicator(**fields):
    defaults = {
        "pk": 7,
        "name": "Share of students in extracurricular programs",
        "unit": "%",
        "baseline": Decimal("58"),
        "target": Decimal("70"),
        "direction": Indicator.Direction.INCREASE,
    }
    return Indicator(**{**defaults, **fields})


def parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "indicator-7-title indicator-7-desc"
    assert "style" not in svg  # CSP: presentation comes from the stylesheet
    return root


def ys_within_plot(chart):
    return all(
        chart.plot_top <= y <= chart.plot_bottom
        for y in [chart.baseline_y, chart.target_y, *(p.y for p in chart.points)]
    )


def test_it_draws_baseline_and_target_and_says_there_are_no_measurements():
    chart = indicator_chart(indicator(), [])
    root = parse(render_chart(chart))
    assert root.find(f"{SVG}title").text == "Share of students in extracurricular programs"
    desc = root.find(f"{SVG}desc").text
    assert desc == "Baseline 58%, target 70% (higher is better). No measurements yet."
    assert root.find(f".//{SVG}polyline") is None
    assert root.find(f".//{SVG}circle") is None
    assert chart.target_y < chart.baseline_y  # higher values are drawn higher up
    assert ys_within_plot(chart)


def test_it_draws_a_single_measurement_as_a_centred_point_without_a_line():
    chart = indicator_chart(indicator(), [Reading(date(2026, 10, 15), Decimal("59.50"))])
    root = parse(render_chart(chart))
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 1
    assert float(circles[0].get("cx")) == (chart.plot_left + chart.plot_right) / 2
    assert root.find(f".//{SVG}polyline") is None
    assert "One measurement: 59.5% on October 15, 2026." in root.find(f"{SVG}desc").text
    assert ys_within_plot(chart)


def test_it_draws_a_target_below_the_baseline_for_lower_is_better():
    readings = [
        Reading(date(2026, 9, 30), Decimal("12.1")),
        Reading(date(2026, 6, 30), Decimal("12.4")),
        Reading(date(2026, 12, 31), Decimal("10.9")),
    ]
    chart = indicator_chart(
        indicator(
            name="Referrals per 100 students",
            unit="referrals",
            baseline=Decimal("12.4"),
            target=Decimal("9"),
            direction=Indicator.Direction.DECREASE,
        ),
        readings,
    )
    root = parse(render_chart(chart))
    assert chart.target_y > chart.baseline_y  # the target line sits below the baseline
    assert [p.day for p in chart.points] == sorted(r.measured_on for r in readings)
    assert chart.points[0].x == chart.plot_left and chart.points[-1].x == chart.plot_right
    desc = root.find(f"{SVG}desc").text
    assert "(lower is better)" in desc
    assert "3 measurements from June 30, 2026 to December 31, 2026; latest 10.9 referrals." in desc
    assert len(root.find(f".//{SVG}polyline").get("points").split()) == 3
    assert ys_within_plot(chart)


def test_it_survives_a_flat_series_equal_to_baseline_and_target():
    chart = indicator_chart(
        indicator(baseline=Decimal("0"), target=Decimal("0"), unit=""),
        [Reading(date(2026, 1, 1), Decimal("0")), Reading(date(2026, 1, 1), Decimal("0"))],
    )
    parse(render_chart(chart))
    assert ys_within_plot(chart)


def test_it_escapes_names_and_uses_dots_for_decimals_in_any_language(settings):
    from django.utils import translation

    chart = indicator_chart(
        indicator(name="<script>alert(1)</script> & co"), [Reading(date(2026, 1, 1), Decimal("61.25"))]
    )
    with translation.override("es"):
        svg = render_chart(chart)
    assert "<script>" not in svg
    root = ElementTree.fromstring(svg)  # noqa: S314 - still well-formed
    for circle in root.iter(f"{SVG}circle"):
        assert re.fullmatch(r"-?\d+(\.\d)?", circle.get("cy"))


def test_it_formats_values_without_trailing_zeros():
    assert format_value(Decimal("12.50"), "%") == "12.5%"
    assert format_value(Decimal("100.00"), "referrals") == "100 referrals"
    assert format_value(Decimal("-0.001")) == "0"
