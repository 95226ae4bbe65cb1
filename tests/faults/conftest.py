"""Fixtures for the fault tests: a private Redis, real Celery workers, a cuttable path to PostgreSQL.

The Redis, the workers and their environment come from tests/belong/fixtures.py; what faults add is
several workers per test (each ended at teardown, any of them SIGKILLable), an SMTP server that can
act between receiving a message and answering "250", and a TCP path to PostgreSQL that can be cut.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.belong.fixtures import *  # noqa: F403 - private_redis and the other shared fixtures
from tests.belong.fixtures import celery_broker, worker_environment
from tests.belong.services import CeleryWorker
from tests.conftest import SMTPServer, free_port

from .services import TCPProxy


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
def start_worker(transactional_db, smtp_server, private_redis, tmp_path) -> Callable[[], CeleryWorker]:
    """Start a real Celery worker on `private_redis`, delivering to `smtp_server`; every one ends at teardown.

    The worker reads the test database, so the test commits (`transactional_db`). While this fixture is
    active this process publishes to the same Redis, so `transaction.on_commit` → `apply_async` goes over
    the real broker.
    """
    env = worker_environment(
        broker_url=private_redis.url(0),
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        # Rows whose task was lost (a killed worker, Redis down at commit) are swept within the test's time.
        OUTBOX_STALE_SECONDS="1",
    )
    workers: list[CeleryWorker] = []

    def start() -> CeleryWorker:
        worker = CeleryWorker(env, tmp_path / "celery-worker.log")
        workers.append(worker)
        return worker.start()

    start.workers = workers
    with celery_broker(private_redis.url(0)):
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
