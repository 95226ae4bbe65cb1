"""belong.postgresql: the connection's health is checked after it sat idle, not before every request.

Django's test client unhooks `close_old_connections` from the request signals, so these tests walk a
connection through a request's life as the WSGI handler does: `close_if_unusable_or_obsolete` as it starts
and ends, `close_if_health_check_failed` before its first query.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, connection, connections

from belong.postgresql import base as backend

# Real connections, terminated and replaced: no test transaction around them.
pytestmark = pytest.mark.usefixtures("committed_db")


class CountingChecks:
    """Counts the health checks (`SELECT 1`) the connection makes, and makes them."""

    def __init__(self, monkeypatch):
        self.count = 0
        real_check = connection.is_usable

        def counted() -> bool:
            self.count += 1
            return real_check()

        monkeypatch.setattr(connection, "is_usable", counted)


def a_request_that_reads(cursor_sql: str = "SELECT 1") -> int:
    connection.close_if_unusable_or_obsolete()  # request_started
    with connection.cursor() as cursor:  # the first query checks (or not) before it runs
        cursor.execute(cursor_sql)
        (value,) = cursor.fetchone()
    connection.close_if_unusable_or_obsolete()  # request_finished
    return value


def server_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid: int) -> None:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_it_is_the_project_backend():
    assert connection.settings_dict["ENGINE"] == "belong.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert isinstance(connections["default"], backend.DatabaseWrapper)
    assert connection.vendor == "postgresql"


def test_it_skips_the_check_on_a_connection_that_just_served_a_request(monkeypatch):
    a_request_that_reads()
    checks = CountingChecks(monkeypatch)

    for _ in range(3):
        assert a_request_that_reads() == 1

    assert checks.count == 0


def test_it_checks_after_the_connection_sat_idle_and_replaces_a_dropped_one(monkeypatch):
    a_request_that_reads()
    pid = server_pid()
    connection.close_if_unusable_or_obsolete()
    terminate(pid)  # what a server restart or an idle timeout does while the worker waits
    monkeypatch.setattr(backend, "HEALTH_CHECK_AFTER_IDLE_SECONDS", 0.0)
    checks = CountingChecks(monkeypatch)

    assert a_request_that_reads() == 1

    assert checks.count == 1
    assert server_pid() != pid


def test_it_checks_a_connection_whose_last_request_did_not_use_it(monkeypatch):
    connection.close()
    connection.close_if_unusable_or_obsolete()  # a request that made no query
    connection.close_if_unusable_or_obsolete()
    assert connection.last_request_ended_at is None

    a_request_that_reads()  # a new connection: Django counts the connect as its check
    assert connection.last_request_ended_at is not None


def test_it_forgets_a_connection_closed_after_an_error(monkeypatch):
    a_request_that_reads()
    connection.close_if_unusable_or_obsolete()
    terminate(server_pid())
    connection.close_if_unusable_or_obsolete()
    connection.health_check_done = True  # the request ran past the (skipped) check
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    connection.close_if_unusable_or_obsolete()  # the error is noticed: the connection is closed

    assert connection.connection is None
    assert connection.last_request_ended_at is None
    assert a_request_that_reads() == 1
