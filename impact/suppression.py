"""Small-cell suppression for figures about people.

A figure about people below the threshold (REPORT_MIN_CELL, 5) is shown as "fewer than 5". That alone is
not enough next to a total: with one hidden cell, total minus the shown cells gives it back. So within a
column that has a total, the cells a reader cannot see (the suppressed ones, and the rows that are never
listed, such as confidential groups, which count in the district total only) must be at least two and add
up to at least the threshold; while they do not, the smallest shown cell is suppressed as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Column:
    """A suppressed column: which cells to hide, and whether to hide the total."""

    hidden: list[bool]
    total_hidden: bool


def suppress(
    values: Sequence[int], total: int | None = None, *, unlisted: bool = False, minimum: int | None = None
) -> Column:
    """Decide which cells of one column to hide.

    `total`: the column's total as shown (it may include rows that are not listed). `unlisted`: whether
    such rows exist (their sum, total - sum(values), is unknown to the reader even when it is 0).
    """
    minimum = settings.REPORT_MIN_CELL if minimum is None else minimum
    hidden = [value < minimum for value in values]
    if total is None:
        return Column(hidden=hidden, total_hidden=False)
    if total < minimum:
        return Column(hidden=[True] * len(values), total_hidden=True)
    rest = total - sum(values)

    def unknown() -> tuple[int, int]:
        count = sum(hidden) + (1 if unlisted else 0)
        amount = sum(value for value, hide in zip(values, hidden, strict=True) if hide) + (rest if unlisted else 0)
        return count, amount

    while True:
        count, amount = unknown()
        if count == 0 or (count >= 2 and amount >= minimum):
            break
        shown = [(value, index) for index, (value, hide) in enumerate(zip(values, hidden, strict=True)) if not hide]
        if not shown:
            break
        hidden[min(shown)[1]] = True
    return Column(hidden=hidden, total_hidden=False)
