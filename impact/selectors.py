"""Reads for impact pages. Every figure comes from a fixed number of queries, whatever the data's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count

from meetings.models import RSVP, Occurrence

from .models import FeedbackAnswer

# School years run from July 1 to June 30.
SCHOOL_YEAR_START_MONTH = 7


@dataclass
class FeedbackSummary:
    count: int
    average: float | None = None
    improvements: list[str] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.count < settings.FEEDBACK_MIN_ANSWERS


def feedback_summary(occurrence: Occurrence) -> FeedbackSummary:
    """Averages and comments only from FEEDBACK_MIN_ANSWERS answers up: fewer could name their writers."""
    totals = FeedbackAnswer.objects.filter(occurrence=occurrence).aggregate(count=Count("id"), average=Avg("rating"))
    summary = FeedbackSummary(count=totals["count"])
    if not summary.suppressed:
        summary.average = totals["average"]
        summary.improvements = list(
            FeedbackAnswer.objects.filter(occurrence=occurrence)
            .exclude(improvement="")
            .order_by("id")
            .values_list("improvement", flat=True)
        )
    return summary


def school_year_of(day: date) -> int:
    """The calendar year a school year starts in (2026 for 2026-27)."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year, SCHOOL_YEAR_START_MONTH, 1), date(year + 1, SCHOOL_YEAR_START_MONTH, 1)


@dataclass
class Attended:
    occurrence: Occurrence
    hours: Decimal

    @property
    def confidential(self) -> bool:
        group = self.occurrence.meeting.group
        return bool(group and group.is_confidential)


@dataclass
class SchoolYear:
    year: int
    meetings: list[Attended]

    @property
    def label(self) -> str:
        return f"{self.year}\u2013{str(self.year + 1)[-2:]}"

    @property
    def hours(self) -> Decimal:
        return sum((entry.hours for entry in self.meetings), Decimal(0))


def hours_of(occurrence: Occurrence) -> Decimal:
    """The lead's professional-learning hours for the series, else the date's length (quarter hours)."""
    if occurrence.meeting.credit_hours is not None:
        return occurrence.meeting.credit_hours
    minutes = int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))


def participation(user) -> list[SchoolYear]:
    """The person's attended meetings by school year, newest first: one query."""
    from django.utils import timezone

    from meetings.models import district_zone

    replies = (
        RSVP.objects.filter(user=user, attended=True)
        .exclude(occurrence__status=Occurrence.Status.CANCELLED)
        .select_related("occurrence__meeting__group", "occurrence__school")
        .order_by("-occurrence__starts_at")
    )
    years: dict[int, SchoolYear] = {}
    for reply in replies:
        occurrence = reply.occurrence
        year = school_year_of(timezone.localtime(occurrence.starts_at, district_zone()).date())
        years.setdefault(year, SchoolYear(year=year, meetings=[])).meetings.append(
            Attended(occurrence=occurrence, hours=hours_of(occurrence))
        )
    return list(years.values())


def you_said_we_did(limit: int = 50):
    """Published replies, newest first, with their plan items: two queries."""
    from django.db.models import Prefetch

    from equity_plan.models import ActionItem

    from .models import PublishedReply

    items = ActionItem.objects.select_related("workstream__plan").order_by("title")
    return list(
        PublishedReply.objects.select_related("comment__topic")
        .prefetch_related(Prefetch("plan_items", queryset=items))
        .order_by("-published_on", "comment_id")[:limit]
    )


def comments_by_topic_and_quarter(quarters: int = 4) -> tuple[list[str], list[tuple[str, list]]]:
    """Comments received per topic in each of the last `quarters` quarters; counts under 5 are hidden."""
    from django.db.models.functions import TruncQuarter
    from django.utils import timezone

    from comments.models import Comment, Topic

    today = timezone.localdate()
    first_month = ((today.month - 1) // 3) * 3 + 1
    starts = []
    year, month = today.year, first_month
    for _ in range(quarters):
        starts.append(date(year, month, 1))
        month -= 3
        if month < 1:
            month += 12
            year -= 1
    starts.reverse()
    counts = {
        (topic_id, quarter): n
        for topic_id, quarter, n in Comment.objects.filter(submitted_on__gte=starts[0])
        .annotate(quarter=TruncQuarter("submitted_on"))
        .values_list("topic_id", "quarter")
        .annotate(n=Count("pk"))
        .values_list("topic_id", "quarter", "n")
    }
    labels = [f"{start.year} Q{(start.month - 1) // 3 + 1}" for start in starts]
    rows = []
    for topic_id, name in Topic.objects.order_by("position", "name").values_list("id", "name"):
        values = [counts.get((topic_id, start), 0) for start in starts]
        rows.append((name, [value if value >= settings.REPORT_MIN_CELL else None for value in values]))
    return labels, rows
