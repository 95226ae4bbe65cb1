"""PostgreSQL unreachable for a moment, seen from a real HTTP client against a live server.

The live server reaches PostgreSQL through a TCP proxy the test cuts and restores, as a network path
or a database restart would: pages answer the friendly 503 page meanwhile, and the next request after
the database is back succeeds without anyone restarting anything.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.test import Client

from tests.belong.fixtures import database_at
from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LEAKS = ("Traceback", "OperationalError", "psycopg", "5432", "Connection refused", "connection failed")


def fetch(url: str, session: str | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url)
    if session:
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def assert_friendly_503(answer) -> None:
    status, headers, page = answer
    assert status == 503, page[:500]
    assert headers.get("Retry-After") == "30"
    assert "<h1>Belong is briefly unavailable</h1>" in page
    assert "Nothing you typed was saved" in page
    for leak in LEAKS:
        assert leak not in page


def test_it_answers_a_friendly_503_while_postgresql_is_unreachable_and_recovers_by_itself(
    live_server, database_proxy, capsys
):
    person = UserFactory(full_name="Ana Reyes")
    browser = Client()
    browser.force_login(person)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    home = f"{live_server.url}/"
    public_plan = f"{live_server.url}/plan/"

    with database_at(database_proxy.port):
        assert fetch(home, session)[0] == 200
        assert fetch(public_plan)[0] == 200
        assert database_proxy.connections_made > 0  # the live server really goes through the proxy

        database_proxy.stop()
        cut = time.monotonic()
        assert_friendly_503(fetch(home, session))
        assert_friendly_503(fetch(public_plan))
        answered_in = time.monotonic() - cut

        database_proxy.start()
        status, _headers, page = fetch(home, session)
        assert status == 200
        assert "Ana" in page  # still signed in: the session outlived the outage
        assert fetch(public_plan)[0] == 200

    with capsys.disabled():
        print(f"\n[faults] database cut: two 503 pages in {answered_in:.2f} s; first request after restore: 200")
