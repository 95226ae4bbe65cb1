"""The anonymity guarantee, checked end to end: database, logs and cache after real requests."""

import logging

import pytest
from django.core.cache import cache
from django.db import connection

from comments.models import Comment

from .conftest import receipt_from

pytestmark = pytest.mark.django_db

SENTINEL_IP = "203.0.113.77"
SENTINEL_FORWARDED = "198.51.100.23"
SENTINEL_AGENT = "SentinelAgent/9.9 (canary-5f3a91)"
CLIENT_META = {
    "REMOTE_ADDR": SENTINEL_IP,
    "HTTP_X_FORWARDED_FOR": f"{SENTINEL_FORWARDED}, {SENTINEL_IP}",
    "HTTP_USER_AGENT": SENTINEL_AGENT,
}


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def all_logs(caplog):
    """Every record at DEBUG and above, including loggers that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    capture = Capture()
    loggers = [logging.getLogger(name) for name in ("", "django.request", "django.security", "django.server")]
    previous = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(capture)
        lg.setLevel(logging.DEBUG)
    yield capture.records
    for lg, level in previous:
        lg.removeHandler(capture)
        lg.setLevel(level)


def dump_database() -> str:
    """Every row of every table, as PostgreSQL's text form of the row."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT t::text FROM "{table}" AS t')  # noqa: S608 - table names from introspection
            parts.extend(row[0] for row in cursor.fetchall())
    return "\n".join(parts)


def dump_cache() -> str:
    """Every key in this test's Redis database with its value, whatever the value's type."""
    client = cache._cache.get_client(write=False)
    parts = []
    for key in client.scan_iter("*"):
        parts.append(key.decode(errors="replace"))
        kind = client.type(key).decode()
        if kind == "string":
            values = [client.get(key)]
        elif kind == "hash":
            values = [item for pair in client.hgetall(key).items() for item in pair]
        elif kind == "set":
            values = list(client.smembers(key))
        else:
            values = [repr(kind).encode()]
        parts.extend(value.decode("latin-1") for value in values if value is not None)
    return "\n".join(parts)


def log_text(records) -> str:
    lines = []
    for record in records:
        lines.append(record.getMessage())
        lines.append(str(record.exc_text or ""))
        lines.append(str({k: v for k, v in record.__dict__.items() if k not in {"msg", "args"}}))
        # An error report built from a record carrying the request would include its META.
        request = getattr(record, "request", None)
        if request is not None:
            lines.append(str(request.META))
    return "\n".join(lines)


def test_it_leaves_no_address_agent_or_receipt_in_the_database_logs_or_cache(client, submit, all_logs):
    page = client.get("/comment/", **CLIENT_META)
    sent = submit(body="A sentinel comment.", **CLIENT_META)
    code = receipt_from(sent)
    looked_up = client.post("/comment/receipt/", {"code": code}, **CLIENT_META)
    wrong = client.post("/comment/receipt/", {"code": "0000-1111-2222-3333"}, **CLIENT_META)

    assert page.status_code == sent.status_code == looked_up.status_code == wrong.status_code == 200
    assert Comment.objects.count() == 1
    secrets_ = [SENTINEL_IP, SENTINEL_FORWARDED, SENTINEL_AGENT, "canary-5f3a91", code, code.replace("-", "")]
    database, logs, cached = dump_database(), log_text(all_logs), dump_cache()
    assert "A sentinel comment." in database  # the dump really covers the comment table
    for secret in secrets_:
        assert secret not in database, secret
        assert secret not in logs, secret
        assert secret not in cached, secret


def test_it_leaves_no_address_in_logs_when_a_submission_is_refused(client, submit, all_logs, settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 1
    submit(**CLIENT_META)
    refused = submit(**CLIENT_META)
    assert refused.status_code == 429
    # Django logs 4xx responses with the request attached; the configured filter must drop it.
    from belong.logging import ScrubSensitiveFilter

    scrub = ScrubSensitiveFilter()
    for record in all_logs:
        scrub.filter(record)
    text = log_text(all_logs)
    for secret in (SENTINEL_IP, SENTINEL_FORWARDED, SENTINEL_AGENT):
        assert secret not in text
    handlers = logging.getLogger("django.request").handlers
    assert any(isinstance(f, ScrubSensitiveFilter) for h in handlers for f in h.filters)
