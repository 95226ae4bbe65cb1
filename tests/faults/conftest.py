"""Fixtures for the fault tests: a private Redis, real Celery workers, a cuttable path to PostgreSQL.

The approach follows tests/belong/conftest.py (a worker subprocess against the test database,
publishing over a private Redis), with what faults need on top: workers in their own process
group so they can be SIGKILLed, a Redis that can be stopped and started on the same port, and
several workers per test, each ended at teardown.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test import override_settings

from belong.celery import app as celery_app
from tests.conftest import SMTPServer, free_port

from .services import RedisProcess, TCPProxy, WorkerProcess, database_url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back what data migrations wrote once a serialized-rollback test's flush has removed it.

    Same as tests/groups/conftest.py: with --reuse-db the next run would otherwise start without the
    permission groups and the other rows data migrations write.
    """
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("serialized_rollback"):
        from pytest_django.plugin import blocking_manager_key

        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            with item.config.stash[blocking_manager_key].unblock():
                connection.creation.deserialize_db_from_string(contents)
    return result


@pytest.fixture(autouse=True)
def _quiet_smtp_server_log():
    # aiosmtpd logs eight INFO lines per message; thousands of them only slow the test down.
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


class CountingSMTPServer(SMTPServer):
    """The suite's aiosmtpd server, keeping envelopes only: parsing 2,000 messages as they arrive would
    take the CPU the worker under test needs. `parsed()` parses them when a test wants to read them.

    `before_reply(count)`, when set, runs once a message is kept and before the sender hears "250".
    """

    before_reply: Callable[[int], None] | None = None

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.envelopes.append(envelope)
            count = len(self.envelopes)
            self.arrived.notify_all()
        if self.before_reply is not None:
            self.before_reply(count)
        return "250 Message accepted for delivery"

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(envelope.content, policy=policy.default) for envelope in list(self.envelopes)]


@pytest.fixture
def smtp_server():
    server = CountingSMTPServer(host="127.0.0.1", port=free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def fault_redis():
    """A redis-server of this test's own, which the test may stop and start again on the same port."""
    server = RedisProcess().start()
    try:
        yield server
    finally:
        server.stop()


def reset_celery_connections() -> None:
    """Drop the app's broker pools so the next publish connects afresh to the broker configured now."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None and amqp._producer_pool is not None:
        amqp._producer_pool.force_close_all()
        amqp._producer_pool = None


@contextmanager
def publishing_to(url: str):
    """Within the block, this process publishes tasks to `url` instead of running them eagerly."""
    conf = celery_app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.task_always_eager = False
    conf.broker_url = url
    reset_celery_connections()
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            yield
    finally:
        reset_celery_connections()
        # Drop the overrides rather than write back what was read: a test may have changed Django's
        # settings before entering, and a written-back False would outlive the test.
        for key in saved:
            conf.changes.pop(key, None)


def worker_environment(*, redis_url: str, smtp_host: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "SMTP_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="belong.settings",
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_DELIVERY="smtp",
        SMTP_HOST=smtp_host,
        SMTP_PORT=str(smtp_port),
        SECRET_KEY="worker-key-for-tests-only-" + "x" * 40,
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false",
        ALLOWED_HOSTS="testserver",
        OUTBOX_STALE_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@pytest.fixture
def start_worker(transactional_db, smtp_server, fault_redis, tmp_path) -> Callable[[], WorkerProcess]:
    """Start a real Celery worker on `fault_redis`, delivering to `smtp_server`; every one ends at teardown.

    The worker reads the test database, so the test commits (`transactional_db`). While this fixture is
    active this process publishes to the same Redis, so `transaction.on_commit` → `apply_async` goes over
    the real broker.
    """
    env = worker_environment(redis_url=fault_redis.url(0), smtp_host=smtp_server.host, smtp_port=smtp_server.port)
    workers: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(env, tmp_path / "celery-worker.log")
        workers.append(worker)
        return worker.start()

    start.workers = workers
    with publishing_to(fault_redis.url(0)):
        try:
            yield start
        finally:
            for worker in workers:
                worker.stop()


@pytest.fixture
def database_proxy():
    """A TCP forwarder to the test database's PostgreSQL; `connection` is not pointed at it yet."""
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        pytest.skip("The test database is reached over a unix socket; the proxy forwards TCP.")
    proxy = TCPProxy(host, int(connection.settings_dict.get("PORT") or 5432)).start()
    try:
        yield proxy
    finally:
        proxy.stop()
