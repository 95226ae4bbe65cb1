"""The weekly digest: each person's groups' new announcements and discussions, and their next meetings.

Built in batches: the beat task cuts the people with a "digest" preference into ranges of ids and queues a
task per range; each task groups its people by the set of their groups that had news and writes one outbox
row per person with the same context for the same set, so the outbox renders each distinct digest once per
language. Nobody with no news gets one; a second run in the same week writes nothing (dedupe key).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import EmailCategory
from belong import mail
from groups.models import Group, Membership

from .models import Announcement, Delivery, NotificationPreference, Thread

User = get_user_model()


def week_window(now: datetime | None = None) -> tuple[datetime, datetime, str]:
    """The seven days before this Monday's morning in the district's time zone, and the week's label."""
    local = (now or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=settings.SPACES_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    if monday > local:
        monday -= timedelta(days=7)
    year, week, _day = monday.isocalendar()
    return monday - timedelta(days=7), monday, f"{year}-W{week:02d}"


def is_digest_time(now: datetime | None = None) -> bool:
    local = (now or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.weekday() == 0 and local.hour == settings.SPACES_DIGEST_HOUR


def subscribers():
    """People who chose "in the weekly digest" for anything, and have not switched off leads' messages."""
    chose = NotificationPreference.objects.filter(user_id=OuterRef("pk"), delivery=Delivery.DIGEST)
    return (
        User.objects.filter(is_active=True)
        .filter(Exists(chose))
        .exclude(email_opt_outs__contains=[EmailCategory.GROUP_MESSAGES])
    )


def ranges(batch: int) -> list[tuple[int, int]]:
    ids = list(subscribers().order_by("pk").values_list("pk", flat=True))
    return [(ids[i], ids[min(i + batch, len(ids)) - 1]) for i in range(0, len(ids), batch)]


def groups_with_news(since: datetime, until: datetime) -> set[int]:
    window = {"created_at__gte": since, "created_at__lt": until}
    return set(Announcement.objects.filter(**window).values_list("group_id", flat=True).distinct()) | set(
        Thread.objects.filter(**window).values_list("group_id", flat=True).distinct()
    )


@transaction.atomic
def send_range(*, first_id: int, last_id: int, since: datetime, until: datetime, week: str) -> int:
    news = groups_with_news(since, until)
    if not news:
        return 0
    rows = (
        Membership.objects.filter(
            user__in=subscribers().filter(pk__gte=first_id, pk__lte=last_id),
            status=Membership.Status.ACTIVE,
            group_id__in=news,
        )
        .exclude(group__status=Group.Status.ARCHIVED)
        .values_list("user_id", "group_id")
    )
    groups_of: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in rows:
        groups_of[user_id].add(group_id)
    people_of: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for user_id, group_ids in groups_of.items():
        people_of[tuple(sorted(group_ids))].append(user_id)
    written = 0
    for group_ids, user_ids in people_of.items():
        recipients = User.objects.filter(pk__in=user_ids).only("id", "email", "preferred_language")
        written += mail.enqueue_many(
            kind="spaces.digest",
            recipients=recipients,
            dedupe_key=f"spaces-digest:{week}",
            context={"group_ids": list(group_ids), "since": since.isoformat(), "until": until.isoformat()},
        )
    return written
