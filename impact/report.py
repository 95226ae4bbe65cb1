"""The director's annual report: every figure from a fixed number of aggregate queries, people-figures
suppressed (impact.suppression), confidential groups counted in district totals only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import JobRole, School
from comments.models import Comment, Topic
from equity_plan.models import ActionItem
from groups.models import Group, GroupProposal, MembershipEvent
from meetings.models import RSVP, Occurrence, district_zone

from .models import FeedbackAnswer
from .suppression import suppress


class Suppressed:
    """A hidden figure: renders as "fewer than 5" everywhere (page, chart, CSV)."""

    def __str__(self) -> str:
        return _("fewer than 5")

    def __bool__(self) -> bool:
        return False


SUPPRESSED = Suppressed()


@dataclass
class ReportColumn:
    key: str
    label: str
    about_people: bool = True


@dataclass
class ReportTable:
    key: str
    title: str
    description: str
    columns: list[ReportColumn]
    rows: list[tuple[str, list]]
    total: list | None = None
    # Rows counted in the total but never listed (confidential groups).
    unlisted: bool = False
    chart_column: int = 0
    chart_kind: str = "bars"
    notes: list[str] = field(default_factory=list)

    def apply_suppression(self) -> None:
        for index, column in enumerate(self.columns):
            if not column.about_people:
                continue
            values = [row[1][index] for row in self.rows]
            if any(not isinstance(value, int) for value in values):
                continue
            total = self.total[index] if self.total is not None else None
            decided = suppress(values, total if isinstance(total, int) else None, unlisted=self.unlisted)
            for row, hide in zip(self.rows, decided.hidden, strict=True):
                if hide:
                    row[1][index] = SUPPRESSED
            if decided.total_hidden and self.total is not None:
                self.total[index] = SUPPRESSED

    def chart(self) -> dict:
        """Bars for the chart column, scaled to the largest shown figure."""
        entries = [(label, values[self.chart_column]) for label, values in self.rows]
        numbers = [value for _label, value in entries if isinstance(value, int | float)]
        largest = max(numbers, default=0) or 1
        bars = []
        for index, (label, value) in enumerate(entries):
            shown = isinstance(value, int | float)
            width = round(300 * value / largest, 1) if shown else 0
            y = 10 + index * 28
            bars.append(
                {
                    "label": label,
                    "value": value,
                    "shown": shown,
                    "y": y,
                    "text_y": y + 15,
                    "width": width,
                    "text_x": 225 + width,
                }
            )
        return {"bars": bars, "height": 20 + 28 * len(entries), "column": self.columns[self.chart_column].label}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = district_zone()
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(end, time.min, tzinfo=zone)


def _months(start: date, end: date) -> list[date]:
    months, cursor = [], date(start.year, start.month, 1)
    while cursor < end:
        months.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months


def build(start: date, end: date) -> list[ReportTable]:
    """The report's tables for [start, end) in the district's calendar."""
    since, until = _bounds(start, end)
    now = timezone.now()
    # One pass over the membership changes for every group; one over attendance for school and role.
    membership = _membership_by_group(since, until)
    by_school, by_role, attendees = _attendees(since, until)
    tables = [
        _members_over_time(start, end, since, until, base=sum(row[0] for row in membership.values())),
        _groups(since, until, now, membership),
        _participation(
            by_school,
            attendees,
            _("Participation by school or site"),
            "by-school",
            {s.pk: s.name for s in School.objects.only("id", "name")},
        ),
        _participation(by_role, attendees, _("Participation by job role"), "by-role", dict(JobRole.choices)),
        _proposals(since, until),
        _comments(start, end),
        _plan_progress(),
    ]
    for table in tables:
        table.apply_suppression()
    return tables


def _membership_by_group(since, until) -> dict[int, tuple[int, int, int]]:
    """{group id: (members at the start, members at the end, people who joined in between)}: one scan."""
    return {
        group_id: (before or 0, after or 0, joined or 0)
        for group_id, before, after, joined in MembershipEvent.objects.filter(at__lt=until)
        .values_list("group_id")
        .annotate(
            before=Sum("change", filter=Q(at__lt=since)),
            after=Sum("change"),
            joined=Count("id", filter=Q(at__gte=since, change=1)),
        )
        .values_list("group_id", "before", "after", "joined")
    }


def _attendees(since, until):
    """Distinct people who attended, by school and by job role, and in all: one query (a person has one
    school and one role, so distinct counts per (school, role) add up per school and per role)."""
    by_school: dict = {}
    by_role: dict = {}
    for school_id, role, n in (
        RSVP.objects.filter(attended=True, occurrence__starts_at__gte=since, occurrence__starts_at__lt=until)
        .values_list("user__school_id", "user__job_role")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("user__school_id", "user__job_role", "n")
    ):
        by_school[school_id] = by_school.get(school_id, 0) + n
        by_role[role] = by_role.get(role, 0) + n
    return by_school, by_role, sum(by_school.values())


def _members_over_time(start, end, since, until, *, base: int) -> ReportTable:
    """District members at the end of each month (every group, confidential ones included)."""
    by_month = dict(
        MembershipEvent.objects.filter(at__gte=since, at__lt=until)
        .annotate(month=TruncMonth("at", tzinfo=district_zone()))
        .values_list("month")
        .annotate(n=Sum("change"))
        .values_list("month", "n")
    )
    by_month = {month.date() if isinstance(month, datetime) else month: n for month, n in by_month.items()}
    rows, running = [], base
    for month in _months(start, end):
        running += by_month.get(month, 0)
        rows.append((month.strftime("%Y-%m"), [running]))
    return ReportTable(
        key="members-over-time",
        title=_("Members over time"),
        description=_("Memberships in all groups at the end of each month, confidential groups included."),
        columns=[ReportColumn("members", _("Memberships"))],
        rows=rows,
        chart_kind="line",
    )


def _groups(since, until, now, membership) -> ReportTable:
    groups = list(Group.objects.filter(is_confidential=False).order_by("name").values_list("id", "name"))
    members = {group_id: row[1] for group_id, row in membership.items()}
    joined = {group_id: row[2] for group_id, row in membership.items()}
    held = dict(
        Occurrence.objects.filter(
            starts_at__gte=since,
            starts_at__lt=min(until, now),
            status=Occurrence.Status.SCHEDULED,
            meeting__group__isnull=False,
        )
        .values_list("meeting__group_id")
        .annotate(n=Count("id"))
        .values_list("meeting__group_id", "n")
    )
    came = dict(
        RSVP.objects.filter(
            attended=True,
            occurrence__starts_at__gte=since,
            occurrence__starts_at__lt=until,
            occurrence__meeting__group__isnull=False,
        )
        .values_list("occurrence__meeting__group_id")
        .annotate(n=Count("id"))
        .values_list("occurrence__meeting__group_id", "n")
    )
    ratings = {
        group_id: (answers, average)
        for group_id, answers, average in FeedbackAnswer.objects.filter(
            occurrence__starts_at__gte=since, occurrence__starts_at__lt=until, occurrence__meeting__group__isnull=False
        )
        .values_list("occurrence__meeting__group_id")
        .annotate(n=Count("id"), avg=Avg("rating"))
        .values_list("occurrence__meeting__group_id", "n", "avg")
    }
    listed = {group_id for group_id, _name in groups}
    rows = []
    for group_id, name in groups:
        answers, average = ratings.get(group_id, (0, None))
        rows.append(
            (
                name,
                [
                    members.get(group_id, 0),
                    joined.get(group_id, 0),
                    held.get(group_id, 0),
                    came.get(group_id, 0),
                    answers,
                    round(average, 1) if average is not None else None,
                ],
            )
        )
    all_answers = sum(n for n, _avg in ratings.values())
    all_average = (sum(n * avg for n, avg in ratings.values()) / all_answers) if all_answers else None
    total = [
        sum(members.values()),
        sum(joined.values()),
        sum(held.values()),
        sum(came.values()),
        all_answers,
        round(all_average, 1) if all_average is not None else None,
    ]
    unlisted = Group.objects.filter(is_confidential=True).exists() or bool(set(members) - listed)
    table = ReportTable(
        key="groups",
        title=_("Groups: members, meetings, attendance and rating"),
        description=_(
            "Each group's members at the end of the period, new members, meetings held, attendances "
            "and average rating (1-5). Confidential groups count in the district totals only."
        ),
        columns=[
            ReportColumn("members", _("Members")),
            ReportColumn("new", _("New members")),
            ReportColumn("meetings", _("Meetings held"), about_people=False),
            ReportColumn("attendances", _("Attendances")),
            ReportColumn("answers", _("Feedback answers")),
            ReportColumn("rating", _("Average rating"), about_people=False),
        ],
        rows=rows,
        total=total,
        unlisted=unlisted,
        chart_column=3,
    )
    # A rating is about the people who gave it: shown only where their number is.
    table.apply_suppression()
    for _label, values in [*table.rows, ("", table.total)]:
        if values[4] is SUPPRESSED or not values[4]:
            values[5] = SUPPRESSED if values[4] is SUPPRESSED else None
    return table


def _participation(counts, total, title, key, labels) -> ReportTable:
    """Distinct people who attended at least one meeting, by one of their attributes (every group)."""
    rows = sorted(
        (
            (str(labels.get(value, _("Not recorded"))) if value not in (None, "") else _("Not recorded"), [n])
            for value, n in counts.items()
        ),
        key=lambda row: row[0],
    )
    return ReportTable(
        key=key,
        title=title,
        description=_("People who attended at least one meeting in the period, each counted once."),
        columns=[ReportColumn("people", _("People"))],
        rows=rows,
        total=[total],
    )


def _proposals(since, until) -> ReportTable:
    counts = dict(
        GroupProposal.objects.filter(created_at__gte=since, created_at__lt=until)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    rows = [(str(label), [counts.get(value, 0)]) for value, label in GroupProposal.Status.choices]
    return ReportTable(
        key="proposals",
        title=_("Group proposals received and decided"),
        description=_("Proposals for new groups sent in the period, by their decision."),
        columns=[ReportColumn("proposals", _("Proposals"))],
        rows=rows,
        total=[sum(counts.values())],
    )


def _comments(start, end) -> ReportTable:
    statuses = list(Comment.Status.choices)
    counts = {}
    for topic_id, status, n in (
        Comment.objects.filter(submitted_on__gte=start, submitted_on__lt=end)
        .values_list("topic_id", "status")
        .annotate(n=Count("id"))
        .values_list("topic_id", "status", "n")
    ):
        counts[(topic_id, status)] = n
    topics = list(Topic.objects.order_by("position", "name").values_list("id", "name"))
    rows = [(name, [counts.get((topic_id, value), 0) for value, _label in statuses]) for topic_id, name in topics]
    total = [sum(counts.get((topic_id, value), 0) for topic_id, _name in topics) for value, _label in statuses]
    return ReportTable(
        key="comments",
        title=_("Public comments by topic and status"),
        description=_("Comments sent in the period, by topic and where they stand."),
        columns=[ReportColumn(value, str(label)) for value, label in statuses],
        rows=rows,
        total=total,
    )


def _plan_progress() -> ReportTable:
    statuses = list(ActionItem.Status.choices)
    counts: dict[tuple[int, str], int] = {}
    names: dict[int, str] = {}
    for workstream_id, code, title, status, n in (
        ActionItem.objects.values_list("workstream_id", "workstream__code", "workstream__title", "status")
        .annotate(n=Count("id"))
        .order_by("workstream__code", "workstream__title")
    ):
        counts[(workstream_id, status)] = n
        names[workstream_id] = f"{code} {title}".strip()
    rows = [
        (name, [counts.get((workstream_id, value), 0) for value, _label in statuses])
        for workstream_id, name in names.items()
    ]
    return ReportTable(
        key="plan",
        title=_("Equity plan progress by workstream"),
        description=_("Action items in each workstream, by status."),
        columns=[ReportColumn(value, str(label), about_people=False) for value, label in statuses],
        rows=rows,
        chart_column=[value for value, _label in statuses].index(ActionItem.Status.COMPLETE),
    )


def current_school_year_bounds() -> tuple[date, date]:
    from .selectors import school_year_bounds, school_year_of

    return school_year_bounds(school_year_of(timezone.localdate()))
