from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from kombu import Connection

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
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as error:
        return False, type(error).__name__


def _check_cache() -> tuple[bool, str]:
    try:
        cache.set("healthz:probe", "1", timeout=10)
        # The cache answers a miss rather than an error when Redis is down (belong.cache).
        if cache.get("healthz:probe") != "1":
            return False, "cache did not answer"
        return True, "ok"
    except Exception as error:
        return False, type(error).__name__


def _check_broker() -> tuple[bool, str]:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            # One attempt: a retry would sleep 2 s and the probe must answer quickly.
            broker.ensure_connection(max_retries=0, timeout=2)
        return True, "ok"
    except Exception as error:
        return False, type(error).__name__


def _check_beat() -> tuple[bool, str]:
    try:
        last = cache.get(BEAT_KEY)
    except Exception as error:
        return False, type(error).__name__
    if last is None:
        return False, "no tick recorded"
    age = time.time() - float(last)
    if age > settings.BEAT_MAX_AGE_SECONDS:
        return False, f"last tick {int(age)} s ago"
    return True, f"last tick {int(age)} s ago"


@never_cache
def healthz(request):
    checks = {
        "database": _check_database(),
        "cache": _check_cache(),
        "broker": _check_broker(),
        "beat": _check_beat(),
    }
    healthy = all(ok for ok, _detail in checks.values())
    body = {
        "status": "ok" if healthy else "unhealthy",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
