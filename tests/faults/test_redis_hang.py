"""A Redis that hangs (SIGSTOP: frozen, not stopped) while people join groups.

A frozen Redis still accepts TCP connections (the kernel completes them), so only socket timeouts end a
call to it. Before, publishing the delivery task on commit waited for as long as Redis hung, and every
page's cache calls waited 2 s each. Here the cache and the broker are both on a private redis-server
this test freezes for 20 s: every response comes within 2 s, /healthz answers throughout, every
membership is saved, and once Redis resumes the sweeper sends every confirmation exactly once.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from belong.models import OutboxMessage
from belong.tasks import sweep_outbox
from groups.models import Membership
from tests.belong.services import wait_until
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FREEZE_SECONDS = 20
CLIENTS = 10


def fetch_health(url: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.monotonic() - started


def join(person, group) -> tuple[int, int, float, float]:
    browser = Client(raise_request_exception=False)
    browser.force_login(person)
    try:
        posted = time.monotonic()
        joined = browser.post(f"/groups/{group.slug}/join/", {"message": ""})
        post_took = time.monotonic() - posted
        shown = time.monotonic()
        page = browser.get(joined["Location"]) if joined.status_code == 302 else joined
        return joined.status_code, page.status_code, post_took, time.monotonic() - shown
    finally:
        connections.close_all()


def test_it_answers_every_join_and_healthz_within_2_s_while_redis_is_frozen_and_mails_each_once_after(
    settings, start_worker, private_redis, smtp_server, live_server, capsys
):
    # The cache on the same frozen server as the broker, with the production backend and timeouts.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": private_redis.url(1), "KEY_PREFIX": "hang"}
    }
    groups = GroupFactory.create_batch(2)
    people = UserFactory.create_batch(CLIENTS)
    start_worker()
    # Warm: the web side holds open connections to Redis when it freezes, as a running site does.
    assert Client().get("/").status_code == 200
    health_url = f"{live_server.url}/healthz"
    assert fetch_health(health_url)[0] in (200, 503)

    os.kill(private_redis.process.pid, signal.SIGSTOP)
    frozen_at = time.monotonic()
    health: list[tuple[int, float]] = []
    freeze_over = threading.Event()

    def probe_health() -> None:
        while not freeze_over.is_set():
            health.append(fetch_health(health_url))
            freeze_over.wait(1.5)

    prober = threading.Thread(target=probe_health, name="healthz-prober")
    try:
        prober.start()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            answers = list(pool.map(join, people, [groups[n % 2] for n in range(CLIENTS)]))
        # A second round later in the freeze, after the cache's pause has had time to lapse.
        time.sleep(6)
        latecomers = UserFactory.create_batch(2)
        answers += [join(person, groups[0]) for person in latecomers]
        time.sleep(max(0.0, FREEZE_SECONDS - (time.monotonic() - frozen_at)))
    finally:
        freeze_over.set()
        os.kill(private_redis.process.pid, signal.SIGCONT)
        prober.join(timeout=15)
    frozen_for = time.monotonic() - frozen_at

    assert [(posted, shown) for posted, shown, *_took in answers] == [(302, 200)] * (CLIENTS + 2)
    slowest = max(max(post_took, show_took) for *_status, post_took, show_took in answers)
    assert slowest < 2, f"a response took {slowest:.1f} s while Redis was frozen"
    assert Membership.objects.filter(status=Membership.Status.ACTIVE).count() == CLIENTS + 2
    assert len(health) >= FREEZE_SECONDS // 3, health
    assert all(took < 2 for _status, took in health), health

    # Redis resumes: what the publisher could not hand over, the sweeper queues (rows older than 1 s).
    time.sleep(1.1)
    sweep_outbox.delay()
    wait_until(
        lambda: not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists(),
        timeout=60,
        what="every confirmation after Redis resumed",
        every=0.25,
    )
    time.sleep(1)  # a confirmation sent twice would arrive now
    received = Counter(address for envelope in list(smtp_server.envelopes) for address in envelope.rcpt_tos)
    assert received == Counter({person.email: 1 for person in [*people, *latecomers]})

    # The web side's broker connections timed out during the freeze; the next join's confirmation goes
    # straight to the worker over new ones, without waiting for a sweep.
    after = UserFactory()
    assert join(after, groups[1])[:2] == (302, 200)
    wait_until(lambda: len(smtp_server.envelopes) == CLIENTS + 3, timeout=30, what="the confirmation after the freeze")
    with capsys.disabled():
        print(
            f"\n[faults] redis frozen {frozen_for:.0f} s: {CLIENTS + 2} joins, slowest response {slowest:.2f} s; "
            f"/healthz answered {len(health)} times, slowest {max(took for _s, took in health):.2f} s "
            f"({Counter(status for status, _t in health)})"
        )
