"""What /healthz checks: the database, the cache, the broker and beat's last tick.

Each check runs in a thread of its own and gets HEALTHZ_CHECK_TIMEOUT_SECONDS, all at once, so the probe
answers within about a second whatever a dependency does: a frozen Redis or a PostgreSQL that accepts
connections and never answers only turns its own check into "no answer within 1 s". A check still
running from an earlier probe is waited on, never started again, so a hang does not pile up threads.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, connection, connections
from kombu import Connection

from .clock import database_now
from .tasks import BEAT_KEY


def _check_database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True, "ok"


def _check_cache() -> tuple[bool, str]:
    if getattr(caches["default"], "paused", False):
        return False, "paused after a timeout"
    cache.set("healthz:probe", "1", timeout=10)
    # The cache answers a miss rather than an error when Redis is down (belong.cache).
    if cache.get("healthz:probe") != "1":
        return False, "cache did not answer"
    return True, "ok"


def _check_broker() -> tuple[bool, str]:
    timeout = settings.HEALTHZ_CHECK_TIMEOUT_SECONDS
    # The socket timeout ends the check on a Redis that accepts connections but never answers.
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options) as broker:
        # One attempt: a retry would sleep 2 s and the probe must answer quickly.
        broker.ensure_connection(max_retries=0, timeout=timeout)
    return True, "ok"


def _check_beat() -> tuple[bool, str]:
    last = cache.get(BEAT_KEY)
    if last is None:
        return False, "no tick recorded"
    # Both times are the database's (belong.clock): the worker's and this machine's clocks may differ.
    try:
        now, clock = database_now().timestamp(), ""
    except DatabaseError:
        now, clock = time.time(), " (web clock: the database cannot tell the time)"
    age = now - float(last)
    return age <= settings.BEAT_MAX_AGE_SECONDS, f"last tick {int(age)} s ago{clock}"


HEALTH_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "beat": _check_beat,
}
# A check still running from an earlier probe (its dependency hangs): later probes wait on it rather
# than start another thread that would hang too.
_checks_running: dict[str, Future] = {}
_checks_lock = threading.Lock()


def _start_check(name: str, check) -> Future:
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(check())
        except Exception as error:
            future.set_result((False, type(error).__name__))
        finally:
            connections.close_all()  # this thread's own connection: nothing else would close it

    threading.Thread(target=run, name=f"healthz-{name}", daemon=True).start()
    return future


def run_checks(timeout: float) -> dict[str, tuple[bool, str]]:
    """Every check at once, each in its own thread; one that has not answered within `timeout` failed."""
    with _checks_lock:
        for name, check in HEALTH_CHECKS.items():
            running = _checks_running.get(name)
            if running is None or running.done():
                _checks_running[name] = _start_check(name, check)
        futures = {name: _checks_running[name] for name in HEALTH_CHECKS}
    deadline = time.monotonic() + timeout
    results = {}
    for name, future in futures.items():
        try:
            results[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            results[name] = (False, f"no answer within {timeout:g} s")
    return results
