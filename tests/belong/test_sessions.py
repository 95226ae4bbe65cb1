"""Sessions read through Redis, with no session key (a usable cookie) anywhere in Redis."""

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _everything_in_redis() -> bytes:
    """Every key and value of the cache's Redis database, as one blob to search."""
    connection = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    blob = b""
    for key in connection.scan_iter(count=1000):
        blob += key
        if connection.type(key) == b"string":
            blob += connection.get(key) or b""
    return blob


def test_it_keeps_no_session_key_in_redis(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get("/me/").status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=session_key).exists()
    assert session_key.encode() not in _everything_in_redis()


def test_it_reads_the_session_from_redis_and_forgets_it_on_sign_out(client, django_assert_num_queries):
    from belong.sessions import SessionStore

    person = UserFactory()
    client.force_login(person)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = SessionStore(session_key)
    assert store.exists(session_key)
    with django_assert_num_queries(0):
        assert store.load()["_auth_user_id"] == str(person.pk)
    client.post("/accounts/logout/")
    assert not SessionStore(session_key).exists(session_key)


def test_it_still_signs_in_from_the_database_when_redis_lost_the_session(client):
    from django.core.cache import cache

    person = UserFactory()
    client.force_login(person)
    client.get("/me/")
    cache.clear()  # a Redis restart
    assert client.get("/me/").status_code == 200
