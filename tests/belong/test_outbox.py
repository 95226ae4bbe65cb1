"""The outbox's delivery rules against a real SMTP server (aiosmtpd) and real PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.db import connection, transaction
from django.urls import resolve
from django.utils import timezone

from accounts.models import EmailCategory, User
from belong import mail
from belong.models import OutboxMessage
from tests.conftest import SMTPServer, free_port
from tests.factories import UserFactory

from .fixtures import celery_broker

Status = OutboxMessage.Status


def message_context(subject="Group news") -> dict:
    return {"subject": subject, "text": f"{subject} in plain text", "html": f"<p>{subject} in <b>HTML</b></p>"}


@pytest.fixture
def news_kind():
    """`account.message` (whose templates print the stored subject/text/html) as opt-out-able news."""
    original = mail._KINDS["account.message"]
    mail._KINDS["account.message"] = mail.Kind(render=lambda context: mail.Rendered(), category=EmailCategory.NEWS)
    try:
        yield "account.message"
    finally:
        mail._KINDS["account.message"] = original


@pytest.fixture
def vanished_kind():
    """A kind whose subject was deleted before delivery."""

    @mail.register("tests.vanished")
    def render(context):
        return mail.Rendered(context={"person": User.objects.get(id=context["user_id"])})

    try:
        yield "tests.vanished"
    finally:
        mail._KINDS.pop("tests.vanished")


class RejectingSMTPServer(SMTPServer):
    """Accepts the connection, refuses every message with `reply`."""

    reply = "550 5.7.1 Message rejected by policy"

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.envelopes.append(envelope)
            self.arrived.notify_all()
        return self.reply


def _refusing_server(settings, reply: str):
    from aiosmtpd.controller import Controller

    server = RejectingSMTPServer(host="127.0.0.1", port=free_port())
    server.reply = reply
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    settings.MAILERS = server.mailers_setting()
    return server, controller


@pytest.fixture
def rejecting_smtp(settings):
    server, controller = _refusing_server(settings, "550 5.7.1 Message rejected by policy")
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def deferring_smtp(settings):
    """Refuses every message for now: "451 4.3.0 try again later"."""
    server, controller = _refusing_server(settings, "451 4.3.0 Mail system busy, try again later")
    try:
        yield server
    finally:
        controller.stop()


def queue(kind="account.message", to=None, recipients=None, context=None, callbacks=None) -> OutboxMessage:
    """Enqueue in a committed-looking transaction without running the on-commit delivery."""
    if recipients is not None:
        mail.enqueue_many(kind=kind, recipients=recipients, context=context or message_context())
    else:
        mail.enqueue(kind=kind, to=to, context=context or message_context())
    return OutboxMessage.objects.order_by("-id").first()


@pytest.mark.django_db
def test_it_writes_no_row_and_queues_nothing_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, smtp_mailer
):
    person = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        mail.enqueue(kind="account.message", to=person, context=message_context())
        raise ValueError("the change is refused")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert smtp_mailer.messages == []


@pytest.mark.django_db
def test_it_sends_once_when_delivery_runs_twice(smtp_mailer):
    row = queue(to=UserFactory(email="twice@district.example"))

    assert mail.deliver(batch=row.batch) == 1
    assert mail.deliver(batch=row.batch) == 0
    assert mail.deliver(ids=[row.id]) == 0

    assert [m["To"] for m in smtp_mailer.messages] == ["twice@district.example"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)


def test_it_sends_each_row_once_when_deliveries_race(committed_db, smtp_mailer, private_redis):
    people = UserFactory.create_batch(12)
    # The commit hook's task goes to a broker no worker reads: the racing calls below do the work.
    with celery_broker(private_redis.url()), transaction.atomic():
        mail.enqueue_many(kind="account.message", recipients=people, context=message_context())
    batch = OutboxMessage.objects.values_list("batch", flat=True).first()
    start = threading.Barrier(4)
    sent: list[int] = []

    def deliver_in_parallel():
        try:
            start.wait()
            sent.append(mail.deliver(batch=batch))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver_in_parallel) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(sent) == 12
    assert sorted(m["To"] for m in smtp_mailer.messages) == sorted(p.email for p in people)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_it_sends_one_multipart_message_per_recipient_never_a_shared_list(smtp_mailer):
    people = [UserFactory(email=f"teacher{n}@district.example") for n in range(3)]
    row = queue(recipients=[*people, "visitor@example.org"], context=message_context("Spring social"))

    assert mail.deliver(batch=row.batch) == 4

    assert len(smtp_mailer.messages) == 4
    assert sorted(tuple(e.rcpt_tos) for e in smtp_mailer.envelopes) == [
        ("teacher0@district.example",),
        ("teacher1@district.example",),
        ("teacher2@district.example",),
        ("visitor@example.org",),
    ]
    for message in smtp_mailer.messages:
        assert "," not in message["To"]
        assert message["Cc"] is None and message["Bcc"] is None
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        assert message.get_body(("plain",)).get_content().strip() == "Spring social in plain text"
        assert "<b>HTML</b>" in message.get_body(("html",)).get_content()
        assert message["X-Belong-Message"]
        # Mail nobody can opt out of carries no unsubscribe link.
        assert message["List-Unsubscribe"] is None


@pytest.mark.django_db
def test_it_adds_one_click_unsubscribe_headers_for_a_category(smtp_mailer, news_kind, settings):
    settings.SITE_URL = "https://belong.district.example"
    person = UserFactory(email="news.reader@district.example")
    row = queue(kind=news_kind, to=person)

    assert mail.deliver(batch=row.batch) == 1

    [message] = smtp_mailer.messages
    url = urlsplit(message["List-Unsubscribe"].removeprefix("<").removesuffix(">"))
    assert (url.scheme, url.netloc) == ("https", "belong.district.example")
    route = resolve(url.path)
    assert route.view_name == "accounts:unsubscribe"
    assert signing.loads(route.kwargs["token"], salt="belong.unsubscribe") == {"u": person.id, "c": "news"}
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db
def test_it_skips_a_recipient_who_opted_out_of_the_category(smtp_mailer, news_kind):
    person = UserFactory(email_opt_outs=[EmailCategory.NEWS])
    keen = UserFactory(email_opt_outs=[EmailCategory.REMINDERS])
    row = queue(kind=news_kind, recipients=[person, keen])

    assert mail.deliver(batch=row.batch) == 1

    assert [m["To"] for m in smtp_mailer.messages] == [keen.email]
    statuses = dict(OutboxMessage.objects.values_list("to_email", "status"))
    assert statuses == {person.email: Status.SKIPPED, keen.email: Status.SENT}


@pytest.mark.django_db
def test_it_skips_a_message_whose_subject_no_longer_exists(smtp_mailer, vanished_kind):
    row = queue(kind=vanished_kind, to="someone@district.example", context={"user_id": 987654})

    assert mail.deliver(batch=row.batch) == 0

    row.refresh_from_db()
    assert row.status == Status.SKIPPED
    assert "no longer exists" in row.last_error
    assert smtp_mailer.messages == []


@pytest.mark.django_db
def test_it_retries_a_deferred_message_with_backoff_then_gives_up(deferring_smtp, settings):
    rejecting_smtp = deferring_smtp
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = queue(to="rejected@district.example")

    backoffs = []
    for attempt in (1, 2):
        before = timezone.now()
        assert mail.deliver(batch=row.batch) == 0
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.PENDING, attempt)
        assert "SMTPDataError" in row.last_error and "451" in row.last_error
        assert row.reply_code == 451
        backoffs.append(round((row.next_attempt_at - before).total_seconds()))
        # Not due yet: a delivery run now leaves it alone.
        assert mail.deliver(batch=row.batch) == 0
        assert len(rejecting_smtp.envelopes) == attempt
        OutboxMessage.objects.filter(id=row.id).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    assert mail.deliver(batch=row.batch) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert backoffs == [30, 60]
    assert len(rejecting_smtp.envelopes) == 3
    # A failed row is never picked up again.
    assert mail.sweep() == 0
    assert mail.deliver(batch=row.batch) == 0


@pytest.mark.django_db
def test_it_keeps_rows_pending_while_the_smtp_server_is_down_and_the_sweeper_sends_them_later(settings, smtp_server):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    row = queue(to="patient@district.example")

    # The task sees the error and Celery retries it with backoff; the row is untouched.
    with pytest.raises(ConnectionRefusedError):
        mail.deliver(batch=row.batch)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 0)

    # The server is back; once the row is stale, beat's sweep queues it (eagerly in tests).
    settings.MAILERS = smtp_server.mailers_setting()
    settings.OUTBOX_STALE_SECONDS = 60
    assert mail.sweep() == 0
    OutboxMessage.objects.filter(id=row.id).update(created_at=timezone.now() - timedelta(seconds=61))
    assert mail.sweep() == 1

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert [m["To"] for m in smtp_server.messages] == ["patient@district.example"]
