"""Recurrence rules (python-dateutil) expanded in the district's wall-clock time.

Expanding naive local datetimes and attaching the zone afterwards keeps a 3:30-4:30 meeting at
3:30-4:30 on both sides of a daylight-saving change; expanding aware datetimes would not.
"""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import district_zone

# A series covers at most twelve calendar months, starting with the first meeting's month (so twelve
# monthly dates); a lead schedules the following year afresh.
HORIZON_MONTHS = 12
MAX_OCCURRENCES = 60

ORDINALS = {1: "+1", 2: "+2", 3: "+3", 4: "+4"}
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Repeat:
    NONE = ""
    WEEKLY = "weekly"
    EVERY_OTHER_WEEK = "biweekly"
    MONTHLY_WEEKDAY = "monthly_weekday"

    choices = [
        (NONE, _("Does not repeat")),
        (WEEKLY, _("Every week on the same day")),
        (EVERY_OTHER_WEEK, _("Every other week on the same day")),
        (MONTHLY_WEEKDAY, _("Monthly on the same weekday (for example, the first Tuesday)")),
    ]


def rule_for(repeat: str, first_day: date) -> str:
    """The RRULE for a choice in the form, anchored on the first meeting's date."""
    if repeat == Repeat.WEEKLY:
        return "FREQ=WEEKLY"
    if repeat == Repeat.EVERY_OTHER_WEEK:
        return "FREQ=WEEKLY;INTERVAL=2"
    if repeat == Repeat.MONTHLY_WEEKDAY:
        nth = (first_day.day - 1) // 7 + 1
        # A fifth weekday does not exist every month: "the last Tuesday" is what people mean.
        ordinal = ORDINALS.get(nth, "-1")
        return f"FREQ=MONTHLY;BYDAY={ordinal}{WEEKDAYS[first_day.weekday()]}"
    return ""


def last_possible_day(first_day: date) -> date:
    return first_day.replace(day=1) + relativedelta(months=HORIZON_MONTHS, days=-1)


def horizon_end(first_start: datetime, repeat_until: date | None) -> date:
    limit = last_possible_day(timezone.localtime(first_start, district_zone()).date())
    return min(repeat_until, limit) if repeat_until else limit


def expand(
    *, starts_at: datetime, ends_at: datetime, rule: str, repeat_until: date | None
) -> list[tuple[datetime, datetime]]:
    """Every (start, end) of a series as aware datetimes; one pair when there is no rule."""
    zone = district_zone()
    local_start = timezone.localtime(starts_at, zone).replace(tzinfo=None)
    wall_duration = timezone.localtime(ends_at, zone).replace(tzinfo=None) - local_start
    if not rule:
        return [(starts_at, ends_at)]
    last_day = horizon_end(starts_at, repeat_until)
    pairs = []
    for local in rrulestr(rule, dtstart=local_start):
        if local.date() > last_day or len(pairs) >= MAX_OCCURRENCES:
            break
        pairs.append((local.replace(tzinfo=zone), (local + wall_duration).replace(tzinfo=zone)))
    return pairs
