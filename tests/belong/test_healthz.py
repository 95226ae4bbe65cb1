"""/healthz reports each dependency and answers 200 only when all of them are fine."""

from __future__ import annotations

import os
import re
import signal
import socket
import threading
import time

import pytest

from belong.clock import database_now
from belong.health import HEALTH_CHECKS
from belong.tasks import BEAT_KEY, beat_heartbeat

from .fixtures import database_at, database_unreachable


def checks_of(response) -> dict[str, bool]:
    return {name: check["ok"] for name, check in response.json()["checks"].items()}


@pytest.fixture
def redis_for_cache_and_broker(private_redis, settings):
    """Cache and broker on a redis-server this test can stop."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url(0),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings.CELERY_BROKER_URL = private_redis.url(1)
    return private_redis


@pytest.mark.django_db
def test_it_answers_200_with_every_check_when_all_is_well(client):
    beat_heartbeat()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert checks_of(response) == {"database": True, "cache": True, "broker": True, "beat": True}
    assert re.fullmatch(r"last tick [0-9] s ago", body["checks"]["beat"]["detail"])


@pytest.mark.django_db
def test_it_is_unhealthy_until_beat_has_ticked(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"
    assert checks_of(response) == {"database": True, "cache": True, "broker": True, "beat": False}
    assert response.json()["checks"]["beat"]["detail"] == "no tick recorded"


@pytest.mark.django_db
def test_it_is_unhealthy_when_the_last_beat_tick_is_stale(client, settings):
    from django.core.cache import cache

    settings.BEAT_MAX_AGE_SECONDS = 180
    cache.set(BEAT_KEY, time.time() - 181, timeout=None)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert checks_of(response)["beat"] is False
    assert re.fullmatch(r"last tick 18[1-9] s ago", response.json()["checks"]["beat"]["detail"])


@pytest.mark.django_db
def test_it_reports_a_stopped_redis_as_unhealthy_cache_and_broker_and_recovers(client, redis_for_cache_and_broker):
    beat_heartbeat()
    assert client.get("/healthz").status_code == 200

    redis_for_cache_and_broker.stop()
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert checks_of(response) == {"database": True, "cache": False, "broker": False, "beat": False}
    assert response.json()["checks"]["broker"]["detail"] == "OperationalError"
    assert elapsed < 5, f"a probe must answer quickly, took {elapsed:.1f} s"

    # Redis comes back empty (no persistence): healthy again once beat ticks.
    redis_for_cache_and_broker.start()
    beat_heartbeat()
    assert client.get("/healthz").status_code == 200


def test_it_reports_an_unreachable_database_as_unhealthy_and_recovers(committed_db, client):
    beat_heartbeat()

    with database_unreachable():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert checks_of(response) == {"database": False, "cache": True, "broker": True, "beat": True}
    assert response.json()["checks"]["database"]["detail"] == "OperationalError"
    # Without the database's clock the tick's age is judged on this machine's, and says so.
    assert response.json()["checks"]["beat"]["detail"].endswith("(web clock: the database cannot tell the time)")
    assert client.get("/healthz").status_code == 200


@pytest.fixture
def frozen_redis_for_cache_and_broker(private_redis, settings):
    """The production cache backend and broker on a redis-server the test freezes (SIGSTOP): it still
    accepts connections and never answers, as a stalled VM or a swapped-out process does."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": private_redis.url(0)}}
    settings.CELERY_BROKER_URL = private_redis.url(1)
    pid = private_redis.process.pid
    try:
        yield lambda signal_number: os.kill(pid, signal_number)
    finally:
        os.kill(pid, signal.SIGCONT)


def health_threads() -> int:
    return sum(thread.name.startswith("healthz-") for thread in threading.enumerate())


@pytest.mark.django_db
def test_it_answers_within_2_s_while_redis_is_frozen_without_piling_up_threads_and_recovers_by_itself(
    client, frozen_redis_for_cache_and_broker, settings
):
    settings.CACHE_RETRY_AFTER_SECONDS = 1
    beat_heartbeat()
    assert client.get("/healthz").status_code == 200

    frozen_redis_for_cache_and_broker(signal.SIGSTOP)
    answers = []
    for _probe in range(3):
        started = time.monotonic()
        response = client.get("/healthz")
        answers.append((response, time.monotonic() - started))

    for response, took in answers:
        assert response.status_code == 503
        assert took < 2, f"/healthz took {took:.1f} s"
        assert checks_of(response) == {"database": True, "cache": False, "broker": False, "beat": False}
    # Checks still hung from the first probe are waited on, not started again.
    assert health_threads() <= len(HEALTH_CHECKS)

    # Resumed, with nothing else calling the cache: the probe's own cache check ends the cache's pause
    # (its beat check, reading the cache at the same moment, may still get a miss: the next probe won't).
    frozen_redis_for_cache_and_broker(signal.SIGCONT)
    time.sleep(1.1)
    first, second = client.get("/healthz"), client.get("/healthz")
    assert checks_of(first)["cache"] is True, first.json()
    assert second.status_code == 200, second.json()


@pytest.mark.django_db
def test_it_judges_the_last_tick_on_the_database_clock(client, settings):
    settings.BEAT_MAX_AGE_SECONDS = 180
    from django.core.cache import cache

    cache.set(BEAT_KEY, database_now().timestamp() - 170, timeout=None)
    fresh = client.get("/healthz")
    cache.set(BEAT_KEY, database_now().timestamp() - 190, timeout=None)
    stale = client.get("/healthz")

    assert fresh.status_code == 200
    assert re.fullmatch(r"last tick 17[0-9] s ago", fresh.json()["checks"]["beat"]["detail"])
    assert stale.status_code == 503
    assert re.fullmatch(r"last tick 19[0-9] s ago", stale.json()["checks"]["beat"]["detail"])


def test_it_answers_within_2_s_while_the_database_hangs(committed_db, client):
    """A listener that never accepts: connections complete in the kernel and PostgreSQL never speaks."""
    beat_heartbeat()
    with socket.create_server(("127.0.0.1", 0), backlog=16) as silent, database_at(silent.getsockname()[1]):
        started = time.monotonic()
        response = client.get("/healthz")
        took = time.monotonic() - started

    assert response.status_code == 503
    assert took < 2, f"/healthz took {took:.1f} s"
    assert checks_of(response)["database"] is False
    assert response.json()["checks"]["database"]["detail"] == "no answer within 1 s"
    assert checks_of(response)["cache"] is True
