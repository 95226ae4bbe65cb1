"""Roll-up arithmetic: pure functions, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from equity_plan.rollup import ItemFacts, WorkstreamFacts, roll_up


def item(pk, stream, status="in_progress", percent=0, weight=1):
    return ItemFacts(id=pk, workstream_id=stream, status=status, percent=percent, weight=weight)


def test_it_weights_items_within_a_workstream():
    result = roll_up([WorkstreamFacts(1)], [item(1, 1, percent=100, weight=3), item(2, 1, percent=0, weight=1)])
    assert result.workstreams[1].percent == pytest.approx(75)


def test_it_leaves_deferred_items_out_of_the_denominator_but_counts_them():
    result = roll_up(
        [WorkstreamFacts(1)],
        [item(1, 1, percent=80), item(2, 1, status="deferred", percent=0, weight=5)],
    )
    assert result.workstreams[1].percent == pytest.approx(80)
    assert result.workstreams[1].counts == {"in_progress": 1, "deferred": 1}


def test_it_gives_an_empty_workstream_no_progress_and_leaves_it_out_of_the_year_and_plan():
    streams = [WorkstreamFacts(1, year_id=10), WorkstreamFacts(2, year_id=10, weight=5)]
    result = roll_up(streams, [item(1, 1, percent=40)])
    assert result.workstreams[2].percent is None
    assert result.years[10].percent == pytest.approx(40)
    assert result.plan.percent == pytest.approx(40)


def test_it_treats_a_workstream_with_only_deferred_items_as_empty():
    result = roll_up(
        [WorkstreamFacts(1, year_id=10), WorkstreamFacts(2, year_id=10)],
        [item(1, 1, percent=20), item(2, 2, status="deferred")],
    )
    assert result.workstreams[2].percent is None
    assert result.years[10].percent == pytest.approx(20)
    assert result.years[10].counts == {"in_progress": 1, "deferred": 1}


def test_it_rolls_children_into_parents_with_the_childs_weight():
    # Objective 1 holds its own item (50%) and Initiative 1.3 (weight 3, 100%).
    streams = [WorkstreamFacts(1, year_id=None), WorkstreamFacts(2, parent_id=1, weight=3)]
    result = roll_up(streams, [item(1, 1, percent=50), item(2, 2, status="complete", percent=100)])
    assert result.workstreams[2].percent == pytest.approx(100)
    assert result.workstreams[1].percent == pytest.approx((50 + 3 * 100) / 4)
    assert result.workstreams[1].counts == {"in_progress": 1, "complete": 1}
    assert result.years[None].percent == result.workstreams[1].percent


def test_it_weights_years_by_their_counted_workstreams_in_the_plan():
    streams = [
        WorkstreamFacts(1, year_id=10, weight=1),
        WorkstreamFacts(2, year_id=20, weight=2),
        WorkstreamFacts(3, year_id=20, weight=1),
    ]
    result = roll_up(streams, [item(1, 1, percent=100), item(2, 2, percent=10), item(3, 3, percent=40)])
    assert result.years[10].percent == pytest.approx(100)
    assert result.years[20].percent == pytest.approx((2 * 10 + 40) / 3)
    assert result.plan.percent == pytest.approx((100 + 2 * 10 + 40) / 4)


def test_it_counts_statuses_per_workstream_year_and_plan():
    streams = [WorkstreamFacts(1, year_id=10), WorkstreamFacts(2, year_id=20)]
    items = [
        item(1, 1, "complete", 100),
        item(2, 1, "at_risk", 30),
        item(3, 2, "not_started"),
        item(4, 2, "not_started"),
        item(5, 2, "deferred"),
    ]
    result = roll_up(streams, items)
    assert result.years[10].counts_in_order == [
        ("not_started", 0),
        ("in_progress", 0),
        ("at_risk", 1),
        ("complete", 1),
        ("deferred", 0),
    ]
    assert result.years[20].counts == {"not_started": 2, "deferred": 1}
    assert result.plan.total_items == 5
    assert result.plan.percent == pytest.approx((65 + 0) / 2)


def test_it_has_no_progress_for_an_empty_plan():
    result = roll_up([], [])
    assert result.plan.percent is None
    assert result.plan.rounded is None
    assert result.plan.total_items == 0


def test_it_does_not_round_up_to_a_hundred_before_everything_is_done():
    items = [item(i, 1, "complete", 100) for i in range(199)] + [item(999, 1, "in_progress", 99)]
    result = roll_up([WorkstreamFacts(1)], items)
    assert result.workstreams[1].percent < 100
    assert result.workstreams[1].rounded == 99


def test_it_survives_a_cycle_in_bad_data():
    # The database forbids this; the arithmetic must still not loop forever.
    streams = [WorkstreamFacts(1), WorkstreamFacts(2, parent_id=3), WorkstreamFacts(3, parent_id=2)]
    result = roll_up(streams, [item(1, 1, percent=10), item(2, 2, percent=90)])
    assert result.plan.percent == pytest.approx(10)


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(1, 10), st.booleans()), min_size=1, max_size=30))
def test_it_keeps_a_workstream_between_its_lowest_and_highest_counted_item(rows):
    items = [item(i, 1, "deferred" if deferred else "in_progress", pct, w) for i, (pct, w, deferred) in enumerate(rows)]
    counted = [pct for pct, _w, deferred in rows if not deferred]
    percent = roll_up([WorkstreamFacts(1)], items).workstreams[1].percent
    if counted:
        assert min(counted) - 1e-9 <= percent <= max(counted) + 1e-9
    else:
        assert percent is None
