"""Fixtures for tests that need real infrastructure: a private Redis, a real Celery worker, commits.

tests/conftest.py registers this module as a plugin (`pytest_plugins`), so any test can ask for
`celery_worker_process` (and `smtp_server`) by name; it commits its changes.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection, connections
from django.test import override_settings

from belong import publisher
from belong.celery import app as celery_app
from tests.conftest import free_port

from .services import CeleryWorker, RedisServer, database_url


@pytest.fixture
def _restore_database_after_flush(django_db_blocker):
    """Put back what the database held when the session began, once a transactional test's flush is done.

    A transactional test ends by emptying every table, data migrations' rows included (the
    "Equity director" group and its permissions), and --reuse-db would carry that into the next
    run. Set up before `transactional_db`, this is torn down after its flush.
    """
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture
def committed_db(_restore_database_after_flush, transactional_db, django_db_serialized_rollback):
    """Real commits (other processes see the data), then every table restored to its state at session start.

    Serialized rollback like the suite's other transactional tests: a plain flush would re-create
    content types that the next serialized test then fails to restore.
    """


@pytest.fixture
def private_redis():
    """A redis-server of this test's own, which the test may stop and start again on the same port."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


def reset_celery_connections() -> None:
    """Drop the app's broker pools so the next publish connects to the broker configured now."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None and amqp._producer_pool is not None:
        amqp._producer_pool.force_close_all()
        amqp._producer_pool = None


@contextmanager
def celery_broker(url: str):
    """Publish this process's tasks to `url` (instead of running them eagerly) within the block."""
    conf = celery_app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.task_always_eager = False
    conf.broker_url = url
    reset_celery_connections()
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            try:
                yield
            finally:
                # Commits publish from a background thread (belong.publisher): what the block handed it
                # reaches this broker before the app is pointed back (later, it would run eagerly).
                publisher.wait_until_idle(timeout=10)
    finally:
        reset_celery_connections()
        # Drop the overrides rather than write back what was read: a test may have changed Django's
        # settings before entering, and a written-back False would outlive the test.
        for key in saved:
            conf.changes.pop(key, None)


@dataclass
class WorkerHandle:
    worker: CeleryWorker
    redis: RedisServer
    broker_url: str

    def wait_for_results(self, task_name: str, count: int, timeout: float = 30) -> list[str]:
        return self.worker.wait_for_results(task_name, count, timeout)

    def log(self) -> str:
        return self.worker.log()


def worker_environment(*, broker_url: str, smtp_host: str, smtp_port: int, **extra: str) -> dict[str, str]:
    """The environment of a worker subprocess reading the test database; `extra` adds or overrides variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "SMTP_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="belong.settings",
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=broker_url,
        CELERY_BROKER_URL=broker_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_DELIVERY="smtp",
        SMTP_HOST=smtp_host,
        SMTP_PORT=str(smtp_port),
        SECRET_KEY="worker-key-for-tests-only-" + "x" * 40,
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false",
        ALLOWED_HOSTS="testserver",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@pytest.fixture
def celery_worker_process(committed_db, smtp_server, private_redis, settings, tmp_path):
    """A real Celery worker (threads pool, 2 threads) on a private Redis, delivering to `smtp_server`.

    The worker reads the test database, so the test must commit: it uses `committed_db`.
    While the fixture is active this process publishes tasks to the same Redis instead of running
    them eagerly, so `transaction.on_commit` → `apply_async` goes over the real broker.
    """
    broker_url = private_redis.url(0)
    private_redis.flush()
    worker = CeleryWorker(
        worker_environment(broker_url=broker_url, smtp_host=smtp_server.host, smtp_port=smtp_server.port),
        tmp_path / "celery-worker.log",
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = broker_url
    worker.start()
    try:
        with celery_broker(broker_url):
            yield WorkerHandle(worker=worker, redis=private_redis, broker_url=broker_url)
    finally:
        worker.stop()
        private_redis.flush()


@contextmanager
def database_at(port: int):
    """New connections, in every thread (a live server's too), go to 127.0.0.1:`port` until the block ends.

    Needs a test that does not run inside a transaction (`committed_db`): the connection is closed.
    """
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    try:
        yield
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)


@contextmanager
def database_unreachable():
    """Point the default connection at a closed port until the block ends, then reconnect as before."""
    with database_at(free_port()):
        yield
