from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, connection, connections
from django.http import JsonResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from kombu import Connection

from .clock import database_now
from .tasks import BEAT_KEY


def home(request):
    context = {}
    if request.user.is_authenticated:
        try:
            from groups.selectors import home_context_for
        except ImportError:
            pass
        else:
            context.update(home_context_for(request.user))
    return render(request, "belong/home.html", context)


# Choosing a language changes nothing but a display preference, so it needs no CSRF token; that
# keeps the footer's chooser from setting a CSRF cookie on public pages that promise to set none.
set_language = csrf_exempt(i18n.set_language)


def accessibility(request):
    return render(request, "belong/accessibility.html")


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


def run_health_checks(timeout: float) -> dict[str, tuple[bool, str]]:
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


@never_cache
def healthz(request):
    checks = run_health_checks(settings.HEALTHZ_CHECK_TIMEOUT_SECONDS)
    healthy = all(ok for ok, _detail in checks.values())
    body = {
        "status": "ok" if healthy else "unhealthy",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
