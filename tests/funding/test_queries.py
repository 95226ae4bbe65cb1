"""Budget pages read a fixed number of queries however many groups and expenses there are."""

from __future__ import annotations

import datetime

import pytest

from funding import services
from funding.models import Expense
from tests.groups.factories import GroupFactory

from .conftest import approved_request

pytestmark = pytest.mark.django_db

# (Session and user, with the director flag, come from the cache) then: the cycle, groups with their
# allocated, approved and spent sums (one query), spent and approved by category (two), the requests and
# expenses waiting for a decision (two), the cycle list and the latest allocation changes. The allocation form
# lists the table's groups.
PROGRAM_QUERIES = 8
# Group (session and user come from the cache), the viewer's membership, current cycle, allocation,
# sums, requests, expenses, the cycles.
GROUP_PAGE_QUERIES = 8


def _grow(world, director, *, groups: int, expenses: int):
    for _ in range(groups):
        services.allocation_set(cycle=world.cycle, group=GroupFactory(), amount_cents=1_000, reason="", by=director)
    approval = approved_request(world, director, asked=10_000_000)
    for n in range(expenses):
        services.expense_record(
            cycle=world.cycle,
            group=world.group,
            funding_request=approval,
            spent_on=datetime.date(2026, 10, 14),
            amount_cents=100 + n,
            category="food" if n % 2 else "materials",
            vendor="Corner Deli",
            by=world.lead,
        )
    services.expense_record(
        cycle=world.cycle,
        group=world.group,
        spent_on=datetime.date(2026, 10, 14),
        amount_cents=50,
        category="food",
        vendor="Corner Deli",
        by=world.lead,
    )


@pytest.mark.parametrize(("groups", "expenses"), [(1, 2), (20, 40)])
def test_it_pins_the_program_pages_queries(client, django_assert_num_queries, world, director, groups, expenses):
    _grow(world, director, groups=groups, expenses=expenses)
    client.force_login(director)
    url = f"/funding/cycles/{world.cycle.pk}/"
    client.get(url)  # the site settings row and cache
    with django_assert_num_queries(PROGRAM_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count('<th scope="row"><a href="/funding/groups/') == 3 + groups
    spent = sum(e.amount_cents for e in Expense.objects.filter(status__in=Expense.SPENT))
    assert f"{spent / 100:,.2f}" in response.text


@pytest.mark.parametrize("expenses", [2, 40])
def test_it_pins_the_group_pages_queries(client, django_assert_num_queries, world, director, expenses):
    _grow(world, director, groups=0, expenses=expenses)
    client.force_login(world.lead)
    url = f"/funding/groups/{world.group.slug}/"
    client.get(url)
    with django_assert_num_queries(GROUP_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("Corner Deli") == expenses + 1
