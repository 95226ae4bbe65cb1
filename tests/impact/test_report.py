"""The annual report: who may see it, its figures, and small-cell suppression tried as an attack."""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from groups.models import MembershipEvent
from impact.suppression import suppress
from tests.groups.factories import ConfidentialGroupFactory, GroupFactory

pytestmark = pytest.mark.django_db

FEWER = "fewer than 5"


def grow(group, members: int, *, days_ago: int = 10):
    at = timezone.now() - timedelta(days=days_ago)
    MembershipEvent.objects.bulk_create([MembershipEvent(group=group, change=1, at=at) for _ in range(members)])


@pytest.fixture
def district(db):
    """Three open groups (20, 3 and 12 members) and a confidential one with 2."""
    grow(GroupFactory(name="Alpha Circle"), 20)
    grow(GroupFactory(name="Beta Circle"), 3)
    grow(GroupFactory(name="Gamma Circle"), 12)
    grow(ConfidentialGroupFactory(name="Quiet Harbor"), 2)


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def recover(column: list[str], total: str) -> list[int]:
    """What a reader can work out: with exactly one hidden cell, total minus the shown cells gives it."""
    hidden = [cell for cell in column if cell == FEWER]
    if total == FEWER or len(hidden) != 1:
        return []
    return [int(total) - sum(int(cell) for cell in column if cell != FEWER)]


def test_it_shows_the_report_to_the_director_only(client, district, staff, equity_director):
    client.force_login(staff)
    assert client.get("/impact/report/").status_code == 403
    assert client.get("/impact/report/groups.csv").status_code == 403
    client.force_login(equity_director)
    page = client.get("/impact/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alpha Circle" in html and "Quiet Harbor" not in html
    assert html.count("<svg") >= 3 and "<title" in html and "<desc" in html


def test_it_cannot_recover_a_suppressed_cell_from_the_table_and_its_totals(client, district, equity_director):
    client.force_login(equity_director)
    rows = read_csv(client.get("/impact/report/groups.csv"))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    members = header.index("Members")
    column = {row[0]: row[members] for row in body}
    assert column["Alpha Circle"] == "20" and column["Gamma Circle"] == "12"
    assert column["Beta Circle"] == FEWER
    assert total[members] == "37"  # the confidential group counts in the district total
    # 37 - 20 - 12 = 5 is Beta and the confidential group together, not Beta's 3: neither can be told apart.
    assert recover(list(column.values()), total[members]) == [5]
    for index, name in enumerate(header[1:], start=1):
        if name in ("Meetings held", "Average rating"):
            continue
        cells = [row[index] for row in body]
        assert recover(cells, total[index]) == [] or recover(cells, total[index])[0] >= 5, name
        assert all(cell in (FEWER, "") or int(cell) >= 5 for cell in cells), name


def test_it_suppresses_a_complementary_cell_when_one_hidden_cell_could_be_worked_out(client, equity_director):
    grow(GroupFactory(name="Alpha Circle"), 20)
    grow(GroupFactory(name="Beta Circle"), 3)
    grow(GroupFactory(name="Gamma Circle"), 12)
    client.force_login(equity_director)
    rows = read_csv(client.get("/impact/report/groups.csv"))
    members = rows[0].index("Members")
    column = {row[0]: row[members] for row in rows[1:-1]}
    assert column == {"Alpha Circle": "20", "Beta Circle": FEWER, "Gamma Circle": FEWER}
    assert rows[-1][members] == "35"
    assert recover(list(column.values()), rows[-1][members]) == []


def test_it_never_lets_a_single_confidential_group_be_worked_out_from_the_district_total(client, equity_director):
    grow(GroupFactory(name="Alpha Circle"), 20)
    grow(GroupFactory(name="Gamma Circle"), 12)
    grow(ConfidentialGroupFactory(name="Quiet Harbor"), 9)
    client.force_login(equity_director)
    rows = read_csv(client.get("/impact/report/groups.csv"))
    members = rows[0].index("Members")
    shown = [int(row[members]) for row in rows[1:-1] if row[members] != FEWER]
    assert int(rows[-1][members]) - sum(shown) != 9


def test_it_keeps_every_column_safe_for_any_figures():
    chance = random.Random(20261205)
    for _ in range(3000):
        values = [chance.choice([0, 1, 2, 3, 4, 5, 6, 9, 30]) for _ in range(chance.randint(1, 6))]
        unlisted_rest = chance.choice([0, 0, 1, 3, 7])
        unlisted = unlisted_rest > 0 or chance.random() < 0.2
        total = sum(values) + unlisted_rest
        decided = suppress(values, total, unlisted=unlisted)
        if decided.total_hidden:
            assert all(decided.hidden)
            continue
        assert all(value >= 5 for value, hidden in zip(values, decided.hidden, strict=True) if not hidden)
        unknown = [value for value, hidden in zip(values, decided.hidden, strict=True) if hidden]
        if unlisted:
            unknown.append(unlisted_rest)
        if unknown and not all(decided.hidden):
            assert len(unknown) >= 2 and sum(unknown) >= 5, (values, unlisted_rest, decided)


def test_it_reports_any_range_and_refuses_a_backwards_one(client, district, equity_director):
    client.force_login(equity_director)
    today = timezone.localdate()
    page = client.get(
        "/impact/report/", {"start": (today - timedelta(days=5)).isoformat(), "end": today.isoformat()}
    ).content.decode()
    assert re.search(r"Alpha Circle</th><td[^>]*>20<", page)
    backwards = client.get("/impact/report/", {"start": today.isoformat(), "end": "2001-01-01"})
    assert "The end must come after the start." in backwards.content.decode()
    assert client.get("/impact/report/", {"start": "nonsense", "end": "x"}).status_code == 200
    assert client.get("/impact/report/no-such-table.csv").status_code == 404


def test_it_reads_the_report_in_a_fixed_number_of_queries(client, equity_director, django_assert_num_queries):
    client.force_login(equity_director)
    grow(GroupFactory(name="Alpha Circle"), 6)
    client.get("/impact/report/")
    with django_assert_num_queries(13) as small:
        client.get("/impact/report/")
    for index in range(5):
        grow(GroupFactory(name=f"Grown Circle {index}"), 7)
        grow(ConfidentialGroupFactory(name=f"Quiet Circle {index}"), 3)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/impact/report/")
