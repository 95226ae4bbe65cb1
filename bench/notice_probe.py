"""Time (and optionally profile) the delivery of one meeting notice, in this process, to a real SMTP server.

    .venv/bin/python bench/notice_probe.py --database-url postgres://…/belong_bench_mail [--limit 2000]
        [--profile] [--top 40]

Needs a district built by bench/run (or bench/generate.py) in that database. Schedules a meeting for the
bench's notice group through the meetings service exactly as bench/run does, but instead of handing the
batch to a Celery worker it calls `mail.deliver` here, so cProfile sees the whole delivery path: claiming
rows, rendering, the SMTP conversation with bench/smtp_sink.py (aiosmtpd, its own process) and marking rows
sent. Prints milliseconds and queries per message; `--profile` adds cProfile's top functions.
Binds only to 127.0.0.1; the SMTP sink it starts is stopped when it ends.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.runner import bench_environment, free_port  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""), required=False)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--group", default="bench-notice", help="slug of the group to invite")
    parser.add_argument("--limit", type=int, default=0, help="deliver only this many rows (the rest are skipped)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or BENCH_DATABASE_URL) is required")
    for url in (args.database_url, args.redis_url):
        if urlsplit(url).hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
            parser.error("the probe only talks to servers on this machine")

    smtp_port = free_port()
    # The bench's production environment; the probe serves no pages, so it needs no collected static files.
    settings_args = argparse.Namespace(
        database_url=args.database_url, redis_url=args.redis_url, secret_key=secrets.token_urlsafe(50)
    )
    os.environ.update(
        {
            **bench_environment(settings_args, smtp_port, web_port=8000),
            "CACHE_KEY_PREFIX": "belong-probe",
            "STATIC_MANIFEST": "false",
        }
    )
    state = Path(tempfile.mkdtemp(prefix="belong-probe-")) / "smtp-state.json"
    sink = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(smtp_port), str(state)],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not state.exists():
            if time.monotonic() > deadline or sink.poll() is not None:
                raise RuntimeError("the SMTP sink did not start")
            time.sleep(0.1)
        return _probe(args, state)
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def _probe(args, state: Path) -> int:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from belong import mail
    from belong.models import OutboxMessage
    from groups.models import Group
    from meetings import services

    group = Group.objects.get(slug=args.group)
    lead = group.memberships.filter(role="lead").select_related("user").first().user
    OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).update(status=OutboxMessage.Status.SKIPPED)

    # The batch stays in the outbox for the call below instead of going to a broker.
    mail.queue_delivery = lambda batch: None
    start = timezone.now() + timedelta(days=7)
    with transaction.atomic():
        meeting = services.meeting_schedule(
            by=lead,
            group=group,
            title="Probe: monthly meeting",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            audience="members",
            agenda="Welcome and planning.",
            online_url="https://meet.example.org/probe",
        )
    rows = OutboxMessage.objects.filter(kind="meetings.scheduled", context__meeting_id=meeting.pk)
    batch = rows.values_list("batch", flat=True).first()
    total = rows.count()
    if args.limit and args.limit < total:
        keep = list(rows.order_by("id").values_list("id", flat=True)[: args.limit])
        rows.exclude(id__in=keep).update(status=OutboxMessage.Status.SKIPPED)
        total = len(keep)

    # The first reverse() in a process imports every URLconf (about a second): a worker pays it once, not
    # per message, so it is left out of the per-message figure.
    from django.urls import reverse

    reverse("accounts:unsubscribe", args=["warm-up"])
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    profiler = cProfile.Profile() if args.profile else None
    with connection.execute_wrapper(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        sent = mail.deliver(batch=batch)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    time.sleep(0.5)  # the sink writes its tail every 0.2 s
    received = json.loads(state.read_text() or "{}").get("count", 0)
    print(
        f"{sent:,} of {total:,} sent ({received:,} received) in {elapsed:.2f} s: "
        f"{1000 * elapsed / max(sent, 1):.2f} ms ({1000 * cpu / max(sent, 1):.2f} ms of this process's CPU) "
        f"and {queries / max(sent, 1):.2f} queries per message"
    )
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    return 0 if sent == total else 1


if __name__ == "__main__":
    sys.exit(main())
