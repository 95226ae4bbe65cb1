"""Fixtures for the fault tests: a private Redis, real Celery workers, a cuttable path to PostgreSQL.

The Redis, the workers and their environment come from tests/belong/fixtures.py and the SMTP server
(`smtp_server`, whose `before_reply` acts between receiving a message and answering "250") from
tests/conftest.py; what faults add is several workers per test (each ended at teardown, any of them
SIGKILLable) and a TCP path to PostgreSQL that can be cut.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.db import connection

from tests.belong.fixtures import celery_broker, worker_environment
from tests.belong.services import CeleryWorker

from .services import TCPProxy


@pytest.fixture(autouse=True)
def _quiet_smtp_server_log():
    # aiosmtpd logs eight INFO lines per message; thousands of them only slow the test down.
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


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
    # The embedded PostgreSQL's socket directory arrives as a connection option, not as HOST.
    options = connection.settings_dict.get("OPTIONS") or {}
    host = connection.settings_dict.get("HOST") or options.get("host") or "127.0.0.1"
    if host.startswith("/"):
        pytest.skip("The test database is reached over a unix socket; the proxy forwards TCP.")
    proxy = TCPProxy(host, int(connection.settings_dict.get("PORT") or 5432)).start()
    try:
        yield proxy
    finally:
        proxy.stop()
