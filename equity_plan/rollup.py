"""Progress roll-up: items → workstream → year → plan. Pure arithmetic on plain values, no database.

Rules:
- A workstream's progress is the weighted mean of its own action items and its child workstreams
  (each child counting with its own weight).
- Deferred items are left out of the denominator (they neither help nor hurt), but are counted in
  the status counts.
- A workstream with nothing countable (no items, only deferred items, only empty children) has no
  progress (None) and does not count towards its parent, its year or the plan.
- A year's progress is the weighted mean of its top-level workstreams; the plan's progress is the
  weighted mean of every top-level workstream, which is the same as weighting each year by the
  total weight of its counted workstreams. Top-level workstreams without a year count for the plan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

DEFERRED = "deferred"
STATUSES = ("not_started", "in_progress", "at_risk", "complete", "deferred")


@dataclass(frozen=True)
class ItemFacts:
    id: int
    workstream_id: int
    status: str
    percent: int
    weight: int = 1


@dataclass(frozen=True)
class WorkstreamFacts:
    id: int
    parent_id: int | None = None
    year_id: int | None = None
    weight: int = 1


@dataclass
class Progress:
    """Weighted progress and status counts for one node of the plan."""

    weighted_sum: float = 0.0
    weight: float = 0.0
    counts: Counter = field(default_factory=Counter)

    @property
    def percent(self) -> float | None:
        """Exact weighted percentage, or None when nothing counts."""
        if self.weight <= 0:
            return None
        return self.weighted_sum / self.weight

    @property
    def rounded(self) -> int | None:
        value = self.percent
        # Round half up, and never show 100 until everything is really done.
        if value is None:
            return None
        whole = int(value + 0.5)
        return 99 if whole == 100 and value < 100 else whole

    @property
    def counts_in_order(self) -> list[tuple[str, int]]:
        return [(status, self.counts.get(status, 0)) for status in STATUSES]

    @property
    def total_items(self) -> int:
        return sum(self.counts.values())

    def add(self, percent: float, weight: float) -> None:
        self.weighted_sum += percent * weight
        self.weight += weight


@dataclass
class PlanRollup:
    workstreams: dict[int, Progress]
    years: dict[int | None, Progress]
    plan: Progress


def roll_up(workstreams: Iterable[WorkstreamFacts], items: Iterable[ItemFacts]) -> PlanRollup:
    streams = {w.id: w for w in workstreams}
    children: dict[int | None, list[int]] = defaultdict(list)
    for stream in streams.values():
        parent = stream.parent_id if stream.parent_id in streams else None
        children[parent].append(stream.id)
    items_by_stream: dict[int, list[ItemFacts]] = defaultdict(list)
    for item in items:
        if item.workstream_id in streams:
            items_by_stream[item.workstream_id].append(item)

    result: dict[int, Progress] = {}

    # Iterative post-order walk: children are finished before their parent, and a cycle in bad data
    # cannot loop forever (a node already being visited is skipped).
    visiting: set[int] = set()
    for root in children[None]:
        stack: list[tuple[int, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node in result:
                continue
            if not expanded:
                if node in visiting:
                    continue
                visiting.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in children[node] if child not in result)
                continue
            progress = Progress()
            for item in items_by_stream[node]:
                progress.counts[item.status] += 1
                if item.status != DEFERRED:
                    progress.add(_clamp(item.percent), item.weight)
            for child in children[node]:
                child_progress = result.get(child)
                if child_progress is None:
                    continue
                progress.counts.update(child_progress.counts)
                if child_progress.percent is not None:
                    progress.add(child_progress.percent, streams[child].weight)
            result[node] = progress

    years: dict[int | None, Progress] = defaultdict(Progress)
    plan = Progress()
    for root in children[None]:
        progress = result[root]
        year = years[streams[root].year_id]
        year.counts.update(progress.counts)
        plan.counts.update(progress.counts)
        if progress.percent is not None:
            year.add(progress.percent, streams[root].weight)
            plan.add(progress.percent, streams[root].weight)
    return PlanRollup(workstreams=result, years=dict(years), plan=plan)


def _clamp(percent: float) -> float:
    return max(0.0, min(100.0, float(percent)))
