"""A worker whose clock is 5 minutes off (libfaketime) changes nothing: /healthz and recovery time.

The beat heartbeat stored the worker's time.time() and /healthz compared it with the web node's clock:
a worker 150 s behind made /healthz answer 503 for good, pulling every web node out of the load
balancer. The sweeper judged "stale" by its own clock too: 5 minutes behind, it left a lost row alone
for 5 minutes more. Both now use the database's clock (belong.clock, Now() in queries).

The worker is a real `celery worker` subprocess run under Debian's libfaketime (LD_PRELOAD + FAKETIME).
"""

from __future__ import annotations

import glob
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.test import Client

from belong.models import OutboxMessage
from belong.tasks import beat_heartbeat, sweep_outbox
from tests.belong.fixtures import celery_broker, worker_environment
from tests.belong.services import CeleryWorker, wait_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIBFAKETIME = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))), None)
HEARTBEAT = "belong.tasks.beat_heartbeat"
SWEEP = "belong.tasks.sweep_outbox"
DELIVER = "belong.tasks.deliver_outbox_batch"


def shifted_environment(env: dict[str, str], offset_seconds: int) -> dict[str, str]:
    return {
        **env,
        "LD_PRELOAD": LIBFAKETIME,
        "FAKETIME": f"{offset_seconds:+d}",
        # Only the wall clock is off, as on a machine whose NTP failed; monotonic time stays true.
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }


def clock_of(env: dict[str, str]) -> float:
    """How far time.time() in a process with this environment is from ours."""
    probe = subprocess.run(
        [sys.executable, "-c", "import time; print(time.time())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return float(probe.stdout) - time.time()


@pytest.fixture
def skewed_worker(request, settings, private_redis, smtp_server, tmp_path):
    if LIBFAKETIME is None:
        pytest.skip("libfaketime is not installed (apt-get install faketime; scripts/test installs it as root)")
    offset = request.param
    broker_url = private_redis.url(0)
    env = worker_environment(
        broker_url=broker_url,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        CACHE_KEY_PREFIX="skew",
        OUTBOX_STALE_SECONDS="1",
    )
    env = shifted_environment(env, offset)
    skew = clock_of(env)
    assert abs(skew - offset) < 5, f"libfaketime did not shift the clock: {skew:+.0f} s"
    # This process (the web node, true clock) reads the same cache and broker as the worker.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": broker_url, "KEY_PREFIX": "skew"}}
    settings.CELERY_BROKER_URL = broker_url
    worker = CeleryWorker(env, tmp_path / "celery-worker.log")
    with celery_broker(broker_url):
        worker.start()
        try:
            yield worker, skew
        finally:
            worker.stop()


@pytest.mark.parametrize("skewed_worker", [-300, 300], ids=["5-minutes-behind", "5-minutes-ahead"], indirect=True)
def test_it_keeps_healthz_200_and_recovery_time_when_the_worker_clock_is_5_minutes_off(
    skewed_worker, smtp_server, capsys
):
    worker, skew = skewed_worker

    beat_heartbeat.delay()  # what beat sends every 30 s; the skewed worker runs it
    worker.wait_for_results(HEARTBEAT, 1)
    response = Client().get("/healthz")

    assert response.status_code == 200, response.json()
    detail = response.json()["checks"]["beat"]["detail"]
    assert detail in {f"last tick {age} s ago" for age in range(10)}, detail

    # A row whose task was lost (the broker was down at commit): the skewed worker's sweeper finds it
    # stale once it is OUTBOX_STALE_SECONDS (1 s) old on the database's clock, not 5 minutes early or late.
    people = UserFactory.create_batch(3)
    for person in people:
        OutboxMessage.objects.create(
            batch="00000000-0000-4000-8000-000000000001",
            kind="account.message",
            recipient=person,
            to_email=person.email,
            context={"subject": "Your sign-in code", "text": "Code: 123456", "html": "<p>Code: 123456</p>"},
        )
    sweep_outbox.delay()
    worker.wait_for_results(SWEEP, 1)  # not stale yet: a task may still be on its way
    time.sleep(1.1)
    swept_at = time.monotonic()
    sweep_outbox.delay()
    wait_until(
        lambda: not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists(),
        timeout=30,
        what="the skewed worker's sweeper to deliver the lost rows",
        every=0.1,
    )
    recovery = time.monotonic() - swept_at

    assert worker.task_results(SWEEP) == ["0", "1"]
    received = Counter(address for envelope in list(smtp_server.envelopes) for address in envelope.rcpt_tos)
    assert received == Counter({person.email: 1 for person in people})
    assert recovery < 10
    with capsys.disabled():
        print(
            f"\n[faults] worker clock {skew:+.0f} s: /healthz 200 ({detail}); "
            f"lost rows sent {recovery:.2f} s after the sweep"
        )
