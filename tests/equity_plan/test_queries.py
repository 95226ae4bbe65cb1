"""The plan pages fetch the whole plan once and roll up in Python: query counts do not grow with the plan."""

import pytest

from belong.models import SiteSettings

from ..factories import UserFactory
from .factories import (
    ActionItemFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanYearFactory,
    ProgressUpdateFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

# With an empty cache (warm views: test_overview_cache.py): plan, years, workstreams, items (values only),
# recent updates with their items.
OVERVIEW_QUERIES = 5
# plan, workstream, years, workstreams, items with owners, indicators, measurements.
WORKSTREAM_QUERIES = 7
# plan, years, workstreams, items with owners, indicators, measurements.
PRINT_QUERIES = 6


def grow(plan, *, years: int, streams_per_year: int, items_per_stream: int, with_indicators: bool = False):
    owner = UserFactory()
    first = None
    for number in range(1, years + 1):
        year = PlanYearFactory(plan=plan, number=number)
        for _ in range(streams_per_year):
            parent = WorkstreamFactory(plan=plan, year=year)
            child = WorkstreamFactory(plan=plan, year=year, parent=parent)
            first = first or parent
            for stream in (parent, child):
                for n in range(items_per_stream):
                    item = ActionItemFactory(
                        workstream=stream,
                        owner=owner if n % 2 else None,
                        status=["in_progress", "complete", "deferred", "at_risk"][n % 4],
                    )
                    ProgressUpdateFactory(item=item, author=owner)
                if with_indicators:
                    MeasurementFactory(indicator=IndicatorFactory(workstream=stream))
    return first


def count_for(client, url, django_assert_num_queries, expected):
    SiteSettings.current()  # the footer's settings come from the cache
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("size", [(1, 1, 1), (3, 4, 6)])
def test_it_renders_the_overview_in_a_constant_number_of_queries(client, plan, django_assert_num_queries, size):
    years, streams, items = size
    grow(plan, years=years, streams_per_year=streams, items_per_stream=items)
    count_for(client, f"/plan/{plan.slug}/", django_assert_num_queries, OVERVIEW_QUERIES)


def test_it_renders_an_empty_plan_in_the_same_number_of_queries(client, plan, django_assert_num_queries):
    count_for(client, f"/plan/{plan.slug}/", django_assert_num_queries, OVERVIEW_QUERIES)


@pytest.mark.parametrize("size", [(1, 1, 1), (3, 3, 5)])
def test_it_renders_workstream_print_and_csv_in_constant_queries(client, plan, django_assert_num_queries, size):
    years, streams, items = size
    first = grow(plan, years=years, streams_per_year=streams, items_per_stream=items, with_indicators=True)
    count_for(client, f"/plan/{plan.slug}/w/{first.pk}/", django_assert_num_queries, WORKSTREAM_QUERIES)
    count_for(client, f"/plan/{plan.slug}/print/", django_assert_num_queries, PRINT_QUERIES)
    count_for(client, f"/plan/{plan.slug}.csv", django_assert_num_queries, 4)
