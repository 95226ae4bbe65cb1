"""Redis is also the cache: while it is down, pages must still answer (the cache is an optimisation).

belong.cache.TolerantRedisCache answers a failed cache operation as a miss, so the site settings every
page reads fall back to the database, and sign-in and comment rate limits pause until Redis is back.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.groups.factories import GroupFactory


@pytest.mark.django_db
def test_it_keeps_pages_up_while_the_cache_redis_is_down(settings, private_redis):
    group = GroupFactory()
    person = UserFactory()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": private_redis.url(1), "KEY_PREFIX": "faults"}
    }
    private_redis.stop()
    visitor = Client(raise_request_exception=False)
    member = Client(raise_request_exception=False)
    member.force_login(person)

    assert visitor.get("/").status_code == 200
    assert visitor.get("/plan/").status_code == 200
    assert member.post(f"/groups/{group.slug}/join/", {"message": ""}).status_code == 302
    assert member.get(f"/groups/{group.slug}/").status_code == 200


@pytest.mark.django_db
def test_it_still_signs_people_in_and_takes_comments_while_the_cache_is_down(settings, private_redis):
    from tests.factories import PASSWORD

    person = UserFactory()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": private_redis.url(1), "KEY_PREFIX": "faults"}
    }
    private_redis.stop()
    visitor = Client(raise_request_exception=False)
    response = visitor.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert visitor.get("/comment/").status_code == 200


def test_it_reuses_one_redis_client_and_recovers_when_redis_returns(private_redis):
    from belong.cache import TolerantRedisCache

    cache = TolerantRedisCache(private_redis.url(1), {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    cache.set("greeting", "hello")
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache.get("greeting") == "hello"

    private_redis.stop()
    assert cache.get("greeting", "missed") == "missed"

    private_redis.start()  # a new server on the same port, empty
    cache.set("greeting", "hello again")
    assert cache.get("greeting") == "hello again"
    assert cache._cache.get_client() is client
