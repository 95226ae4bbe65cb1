from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.conf import settings

from . import digest


@shared_task
def weekly_digest(force: bool = False) -> int:
    """Beat runs this every hour; it acts on Monday at SPACES_DIGEST_HOUR in the district's time zone, so the
    morning stays the morning across daylight-saving changes whatever the workers' clock zone."""
    if not force and not digest.is_digest_time():
        return 0
    since, until, week = digest.week_window()
    parts = digest.ranges(settings.SPACES_DIGEST_BATCH)
    for first_id, last_id in parts:
        digest_batch.delay(first_id, last_id, since.isoformat(), until.isoformat(), week)
    return len(parts)


@shared_task
def digest_batch(first_id: int, last_id: int, since: str, until: str, week: str) -> int:
    return digest.send_range(
        first_id=first_id,
        last_id=last_id,
        since=datetime.fromisoformat(since),
        until=datetime.fromisoformat(until),
        week=week,
    )
