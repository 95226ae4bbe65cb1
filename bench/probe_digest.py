"""Build the weekly digest for the whole bench district in a fresh process and report what it costs.

    python bench/probe_digest.py [--render 2000]      (environment as set by bench/run)

Every active staff member chooses "in the weekly digest" and every group gets an announcement this week;
then the digest is built exactly as the workers build it (spaces.digest.ranges, then send_range for each
batch, here one after the other), and the first `--render` messages are rendered as the outbox renders
them (one RenderCache), counting the distinct renderings. Everything runs in a transaction that is rolled
back at the end, so the bench district is left as it was and nothing is sent.
Prints `BENCH_RESULT {json}`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class _Rollback(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--render", type=int, default=2000, help="how many messages to render (0: none)")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from belong import mail
    from belong.models import OutboxMessage
    from groups.models import Group
    from spaces import digest, markdown
    from spaces.models import Announcement, Delivery, Kind, NotificationPreference

    User = get_user_model()
    result: dict = {}
    try:
        with transaction.atomic():
            now = timezone.now()
            users = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
            NotificationPreference.objects.bulk_create(
                (NotificationPreference(user_id=pk, kind=Kind.ANNOUNCEMENT, delivery=Delivery.DIGEST) for pk in users),
                batch_size=5000,
                ignore_conflicts=True,
            )
            groups = list(Group.objects.exclude(status=Group.Status.ARCHIVED).values_list("pk", flat=True))
            body = "This week: **a reading circle**, and [the agenda](https://example.org/agenda)."
            Announcement.objects.bulk_create(
                Announcement(group_id=pk, title="This week in the group", body=body, body_html=markdown.render(body))
                for pk in groups
            )
            Announcement.objects.filter(group_id__in=groups).update(created_at=now - timedelta(days=2))
            since, until = now - timedelta(days=7), now

            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                parts = digest.ranges(settings.SPACES_DIGEST_BATCH)
                written = sum(
                    digest.send_range(first_id=first, last_id=last, since=since, until=until, week="bench")
                    for first, last in parts
                )
            build_seconds = time.perf_counter() - started
            rows = OutboxMessage.objects.filter(kind="spaces.digest")
            distinct = rows.values("context", "language").distinct().count()

            rendered = renderings = 0
            render_seconds = 0.0
            if args.render:
                cache = mail.RenderCache(max_age=3600)
                sample = list(rows.select_related("recipient").order_by("pk")[: args.render])
                started = time.perf_counter()
                for row in sample:
                    mail.build_message(row, cache)
                render_seconds = time.perf_counter() - started
                rendered, renderings = len(sample), len(cache._results)
            result = {
                "staff": len(users),
                "groups": len(groups),
                "batches": len(parts),
                "messages": written,
                "distinct_contents": distinct,
                "build_seconds": round(build_seconds, 2),
                "build_queries": len(captured.captured_queries),
                "rendered": rendered,
                "renderings": renderings,
                "ms_per_rendered_message": round(render_seconds * 1000 / rendered, 2) if rendered else None,
            }
            raise _Rollback
    except _Rollback:
        pass
    print("BENCH_RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
