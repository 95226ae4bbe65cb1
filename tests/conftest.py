"""Fixtures shared by every app's tests. App-specific fixtures live in tests/<app>/conftest.py.

Shared fixtures that live in their own module are registered here as plugins, so every test can ask
for them by name and no conftest has to star-import them.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from .factories import DirectorFactory, SchoolFactory, SuperuserFactory, UserFactory

# committed_db, private_redis, celery_worker_process and the other real-infrastructure fixtures.
pytest_plugins = ["tests.belong.fixtures"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate limits, site settings) and no shared page rendered."""
    from django.core.cache import cache

    from belong import shared_pages

    cache.clear()
    shared_pages.clear()
    yield


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def staff(db):
    return UserFactory()


@pytest.fixture
def director(db):
    return DirectorFactory()


@pytest.fixture
def superuser(db):
    return SuperuserFactory()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SMTPServer:
    """A real SMTP server (aiosmtpd) on a spare port that keeps what it receives.

    It keeps each envelope as it arrives and parses messages only when a test reads `messages`: the
    fault tests send thousands, and parsing them on arrival would take the CPU the worker under test needs.
    `before_reply(count)`, when set, runs once a message is kept and before the sender hears "250".
    """

    host: str
    port: int
    envelopes: list = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    before_reply: Callable[[int], None] | None = None
    _parsed: list[EmailMessage] = field(default_factory=list, repr=False)

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.envelopes.append(envelope)
            count = len(self.envelopes)
            self.arrived.notify_all()
        if self.before_reply is not None:
            self.before_reply(count)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received so far, parsed (each one once), in the order they arrived."""
        with self.arrived:
            envelopes = list(self.envelopes)
        for envelope in envelopes[len(self._parsed) :]:
            self._parsed.append(message_from_bytes(envelope.content, policy=policy.default))
        return list(self._parsed)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.envelopes) >= count, timeout=timeout)
        return self.messages

    def mailers_setting(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": self.host, "port": self.port, "timeout": 10},
            }
        }


@pytest.fixture
def smtp_server():
    server = SMTPServer(host="127.0.0.1", port=free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_mailer(smtp_server, settings):
    """Point Django's MAILERS at the real SMTP server for this test."""
    settings.MAILERS = smtp_server.mailers_setting()
    return smtp_server


@pytest.fixture(autouse=True)
def _default_language():
    """A request that chose a language leaves it active in the thread: the next test starts in English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The production hasher takes ~0.3 s a password; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Data migrations create rows (permission groups and their grants) that a transactional test's flush
# deletes; with --reuse-db the loss would outlive the run. Re-apply them after such tests.
DATA_MIGRATIONS = [
    ("accounts.migrations.0002_equity_director_group", "create_group"),
    ("accounts.migrations.0003_hr_import_permission", "grant_hr"),
    ("groups.migrations.0003_equity_director_permissions", "grant"),
    ("equity_plan.migrations.0002_equity_director_permissions", "grant"),
    ("comments.migrations.0002_review_permission", "grant"),
    ("impact.migrations.0003_equity_director_permissions", "grant"),
]


def reapply_data_migrations() -> None:
    import importlib

    from django.apps import apps

    for module_name, function_name in DATA_MIGRATIONS:
        getattr(importlib.import_module(module_name), function_name)(apps, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test, once its flush is done: the database as the session began.

    The flush empties every table, data migrations' rows included. A flush without serialized
    rollback also re-creates content types and permissions under new keys, which the next
    serialized-rollback test would collide with when it loads the originals. So when the session has
    serialized contents, empty the tables once more (without re-creating anything) and load them back,
    keys and all; otherwise re-apply the data migrations.
    """
    result = yield
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    transactional = bool({"transactional_db", "live_server"} & fixtures) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        from django.core.management import call_command
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
                connection.creation.deserialize_db_from_string(contents)
            else:
                reapply_data_migrations()
    return result


@pytest.fixture(scope="session", autouse=True)
def _migration_data_at_start(django_db_setup, django_db_blocker):
    """A reused test database may have lost them to a run that was interrupted mid-test."""
    from django.db import connection

    # pytest-django sets up no test database for a session whose tests never touch one (one file of pure
    # functions, say): then there is nothing to restore, and the real database must not be touched.
    if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
        return
    with django_db_blocker.unblock():
        reapply_data_migrations()


# One headless Chromium for the whole session, shared by tests/e2e and tests/i18n: Playwright's sync
# API cannot start a second instance while one runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright beside live_server
CHROMIUM = os.environ.get("BELONG_BROWSER") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("No Chromium on this machine (scripts/test installs Debian's chromium when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()
