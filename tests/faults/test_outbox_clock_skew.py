"""A Celery worker whose clock runs 5 minutes ahead of the database, against a relay that misbehaves.

The worker is a real `celery worker` subprocess under libfaketime (LD_PRELOAD, FAKETIME="+5m": every
clock call in that process, Python's and the C libraries', is 5 minutes ahead); the database and this
test keep the true time. Judged by the worker's clock, a message the relay answered too late would be
resent 5 minutes early and a 421's 30-second backoff would not be waited for. Judged by the database's
clock (the outbox's rule), neither happens.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.db.models.functions import Now
from django.test import Client

from belong import mail
from belong.models import OutboxMessage
from belong.tasks import sweep_outbox
from tests.belong.fixtures import celery_broker, worker_environment
from tests.belong.services import CeleryWorker, wait_until
from tests.belong.test_delivery_once import DistrictRelay
from tests.conftest import free_port
from tests.factories import DirectorFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Status = OutboxMessage.Status
SWEEP = "belong.tasks.sweep_outbox"
DELIVER = "belong.tasks.deliver_outbox_batch"
LIBFAKETIME = next(
    (path for path in Path("/usr/lib").glob("*/faketime/libfaketimeMT.so.1")),
    None,
)


@pytest.fixture
def relay():
    server = DistrictRelay(host="127.0.0.1", port=free_port())
    server.refused = {}
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def skewed_worker(transactional_db, relay, private_redis, tmp_path):
    if LIBFAKETIME is None:
        pytest.skip("libfaketime is not installed (apt-get install faketime)")
    env = worker_environment(
        broker_url=private_redis.url(0),
        smtp_host=relay.host,
        smtp_port=relay.port,
        SMTP_TIMEOUT="1",
        OUTBOX_UNCERTAIN_RESEND_SECONDS="120",  # well inside the worker's 5 minutes of skew
        OUTBOX_STALE_SECONDS="60",
        SITE_URL="https://belong.riverside.example",
        LD_PRELOAD=str(LIBFAKETIME),
        FAKETIME="+5m",
        FAKETIME_DONT_FAKE_MONOTONIC="1",  # timeouts and Celery's timers keep running at the true rate
    )
    ahead = (
        float(
            subprocess.run(
                [sys.executable, "-c", "import time; print(time.time())"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        - time.time()
    )
    assert 295 < ahead < 305, f"the worker's clock is {ahead:.0f} s off, not 5 minutes ahead"
    worker = CeleryWorker(env, tmp_path / "celery-worker.log")
    with celery_broker(private_redis.url(0)):
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()


def received(relay) -> Counter:
    return Counter(address for envelope in list(relay.envelopes) for address in envelope.rcpt_tos)


def queue_one(address: str) -> OutboxMessage:
    with transaction.atomic():  # the commit hook queues the task for the skewed worker
        mail.enqueue(
            kind="account.message",
            to=address,
            context={"subject": "Board meeting moved", "text": "Now on Tuesday.", "html": "<p>Tuesday</p>"},
        )
    return OutboxMessage.objects.get(to_email=address)


def sweep(worker: CeleryWorker) -> None:
    """What beat does every minute, run by the skewed worker, and the deliveries it queues."""
    sweeps = len(worker.task_results(SWEEP))
    delivers = len(worker.task_results(DELIVER))
    sweep_outbox.delay()
    queued = int(worker.wait_for_results(SWEEP, sweeps + 1)[-1])
    worker.wait_for_results(DELIVER, delivers + queued)


def test_it_judges_retries_and_resends_by_the_database_clock_when_a_workers_clock_runs_ahead(
    skewed_worker, relay, capsys
):
    # A relay that takes the message and answers after the 1 s timeout: possibly delivered.
    relay.slow = 1
    slow = queue_one("slow.relay@district.example")
    wait_until(
        lambda: OutboxMessage.objects.get(pk=slow.pk).status == Status.UNCERTAIN,
        timeout=30,
        what="the late answer to be recorded as possibly delivered",
    )

    # A relay that is busy (421) for one message: backed off 30 s.
    relay.busy = 1
    busy = queue_one("busy.relay@district.example")
    wait_until(lambda: OutboxMessage.objects.get(pk=busy.pk).attempts == 1, timeout=30, what="the 421")
    busy.refresh_from_db()
    assert (busy.status, busy.reply_code) == (Status.PENDING, 421)

    # The skewed worker sweeps (twice, a few seconds apart): by its clock the resend and the retry are
    # both due (5 minutes > 120 s and > 30 s); by the database's, neither is.
    sweep(skewed_worker)
    time.sleep(2)
    sweep(skewed_worker)
    assert received(relay) == {"slow.relay@district.example": 1}
    slow.refresh_from_db()
    busy.refresh_from_db()
    assert (slow.status, slow.resends, busy.status, busy.attempts) == (Status.UNCERTAIN, 0, Status.PENDING, 1)
    # The times the worker wrote are the database's, not 5 minutes ahead.
    skew = OutboxMessage.objects.filter(pk=slow.pk).values_list(Now(), "uncertain_at", "created_at").get()
    assert timedelta(0) <= skew[0] - skew[1] < timedelta(seconds=60)
    assert timedelta(0) <= skew[0] - skew[2] < timedelta(seconds=60)

    # Time passes, in the database: each is due, and each ends sent, the slow one resent once.
    OutboxMessage.objects.filter(pk=slow.pk).update(uncertain_at=Now() - timedelta(seconds=121))
    OutboxMessage.objects.filter(pk=busy.pk).update(next_attempt_at=Now())
    sweep(skewed_worker)
    sweep(skewed_worker)

    assert received(relay) == {"slow.relay@district.example": 2, "busy.relay@district.example": 1}
    slow_copies = [m["Message-ID"] for m in relay.messages if m["To"] == "slow.relay@district.example"]
    assert len(set(slow_copies)) == 1 and slow_copies[0].endswith("@belong.riverside.example>")
    assert dict(OutboxMessage.objects.values_list("to_email", "status")) == {
        "slow.relay@district.example": Status.SENT,
        "busy.relay@district.example": Status.SENT,
    }
    assert OutboxMessage.objects.get(pk=slow.pk).resends == 1

    # The director's page agrees.
    browser = Client()
    browser.force_login(DirectorFactory())
    page = browser.get("/delivery/").content.decode()
    assert '<tr data-state="sent"><th scope="row">Sent</th><td class="text-end">2</td>' in page
    assert '<tr data-state="uncertain">' in page and 'text-end">0</td>' in page
    with capsys.disabled():
        print("\n[faults] worker 5 min ahead (libfaketime): no early resend, no early retry; 2 sent, 1 resent once")
