"""/healthz reports each dependency and answers 200 only when all of them are fine."""

from __future__ import annotations

import re
import time

import pytest

from belong.tasks import BEAT_KEY, beat_heartbeat

from .fixtures import database_unreachable


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
    assert client.get("/healthz").status_code == 200
