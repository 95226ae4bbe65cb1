"""How the outbox delivers a batch: shared renderings, per-row claims and failures, the wire format.

Real PostgreSQL and a real SMTP server (aiosmtpd); queries are counted, not mocked.
"""

from __future__ import annotations

import re
import sys
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from belong import mail
from belong.models import OutboxMessage
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory

from .test_outbox import deferring_smtp  # noqa: F401 - a fixture used below

Status = OutboxMessage.Status


def group_message(group, sender, recipients) -> OutboxMessage:
    """What groups.services.group_email queues: one row per member with one shared context."""
    context = {"group_id": group.pk, "sender_id": sender.pk, "subject": "Spring social", "body": "See you there."}
    mail.enqueue_many(kind="groups.message", recipients=recipients, context=context)
    return OutboxMessage.objects.order_by("-id").first()


def reads_of(table: str, queries) -> int:
    return sum(1 for query in queries if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"])


@pytest.fixture
def counted_kind():
    """`account.message` (its templates print the stored subject/text/html) with a renderer that notes
    each call, and fails for contexts that ask it to."""
    calls: list[dict] = []

    def render(context):
        calls.append(context)
        if context.get("broken"):
            raise KeyError("broken")
        return mail.Rendered()

    original = mail._KINDS["account.message"]
    mail._KINDS["account.message"] = mail.Kind(render=render, category=None)
    try:
        yield calls
    finally:
        mail._KINDS["account.message"] = original


@pytest.mark.django_db
def test_it_renders_a_shared_context_once_per_language_and_pins_the_queries_per_message(
    smtp_mailer, django_assert_num_queries
):
    group, sender = GroupFactory(name="Harbor Lights Circle"), UserFactory()
    people = UserFactory.create_batch(9) + UserFactory.create_batch(3, preferred_language="es")
    row = group_message(group, sender, people)

    # Two chunk reads (the second finds nothing left), the group and the sender once per language, then
    # per message a savepoint (the test's transaction), the claim, the "sent" mark and the release.
    with django_assert_num_queries(2 + 2 * 2 + 4 * len(people)) as queries:
        assert mail.deliver(batch=row.batch) == 12

    assert reads_of("groups_group", queries) == 2  # English and Spanish
    assert sorted(tuple(e.rcpt_tos) for e in smtp_mailer.envelopes) == sorted((p.email,) for p in people)
    subjects = {message["To"]: message["Subject"] for message in smtp_mailer.messages}
    assert len(set(subjects.values())) == 1 and "Spring social" in subjects[people[0].email]
    # Shared rendering, personal message: each carries its own unsubscribe link and message ID.
    assert len({message["List-Unsubscribe"] for message in smtp_mailer.messages}) == 12
    assert len({message["X-Belong-Message"] for message in smtp_mailer.messages}) == 12
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_it_skips_every_row_whose_subject_is_gone_asking_the_database_once(smtp_mailer):
    group, sender = GroupFactory(), UserFactory()
    row = group_message(group, sender, UserFactory.create_batch(5))
    group.delete()

    with CaptureQueriesContext(connection) as queries:
        assert mail.deliver(batch=row.batch) == 0

    assert reads_of("groups_group", queries) == 1
    assert smtp_mailer.messages == []
    skipped = OutboxMessage.objects.filter(batch=row.batch)
    assert {(r.status, r.attempts) for r in skipped} == {(Status.SKIPPED, 0)}
    assert all("no longer exists" in r.last_error for r in skipped)


@pytest.mark.django_db
def test_it_records_a_renderer_bug_on_each_row_and_sends_the_rows_of_other_contexts(smtp_mailer, counted_kind):
    mail.enqueue_many(
        kind="account.message",
        recipients=[f"broken{n}@district.example" for n in range(3)],
        context={**_plain_message(), "broken": True},
    )
    mail.enqueue_many(
        kind="account.message", recipients=[f"fine{n}@district.example" for n in range(3)], context=_plain_message()
    )

    assert mail.deliver() == 3

    assert len(counted_kind) == 2  # once per context
    assert sorted(e.rcpt_tos[0] for e in smtp_mailer.envelopes) == [f"fine{n}@district.example" for n in range(3)]
    broken = OutboxMessage.objects.filter(to_email__startswith="broken")
    assert {(r.status, r.attempts, r.last_error) for r in broken} == {(Status.PENDING, 1, "KeyError: 'broken'")}
    assert all(r.next_attempt_at > timezone.now() + timedelta(seconds=25) for r in broken)


@pytest.mark.django_db
def test_it_renders_again_once_a_shared_rendering_is_older_than_its_max_age(counted_kind):
    mail.enqueue_many(
        kind="account.message", recipients=["a@district.example", "b@district.example"], context=_plain_message()
    )
    rows = list(OutboxMessage.objects.order_by("id"))

    fresh = mail.RenderCache()
    for row in rows:
        mail.build_message(row, fresh)
    assert len(counted_kind) == 1

    expired = mail.RenderCache(max_age=-1)
    for row in rows:
        mail.build_message(row, expired)
    assert len(counted_kind) == 3


@pytest.mark.django_db
def test_it_backs_off_each_row_of_a_shared_rendering_the_server_defers(deferring_smtp, settings):  # noqa: F811
    rejecting_smtp = deferring_smtp
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = group_message(GroupFactory(), UserFactory(), UserFactory.create_batch(3))

    assert mail.deliver(batch=row.batch) == 0
    rows = OutboxMessage.objects.filter(batch=row.batch)
    assert {(r.status, r.attempts) for r in rows} == {(Status.PENDING, 1)}
    assert all("SMTPDataError" in r.last_error for r in rows)
    assert len(rejecting_smtp.envelopes) == 3

    rows.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert mail.deliver(batch=row.batch) == 0
    assert {(r.status, r.attempts) for r in rows.all()} == {(Status.FAILED, 2)}
    assert len(rejecting_smtp.envelopes) == 6


def test_it_leaves_a_row_another_transaction_holds_and_sends_it_once_released(committed_db, smtp_mailer):
    # Written directly: enqueue's commit hook would deliver them (eagerly, in tests) before the lock is taken.
    batch = uuid.uuid4()
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            batch=batch, kind="account.message", to_email=f"family{n}@households.example", context=_plain_message()
        )
        for n in range(4)
    )
    held = rows[1]
    # Django's own connection parameters: a TCP server, or the embedded one's socket (given as an option).
    with psycopg.connect(**connection.get_connection_params()) as other:
        # Another worker, in the middle of sending this row.
        other.execute("SELECT id FROM belong_outboxmessage WHERE id = %s FOR UPDATE", [held.id])

        assert mail.deliver(batch=held.batch) == 3

        held.refresh_from_db()
        assert (held.status, held.attempts) == (Status.PENDING, 0)
        assert held.to_email not in {e.rcpt_tos[0] for e in smtp_mailer.envelopes}
        other.rollback()

    assert mail.deliver(batch=held.batch) == 1
    assert sorted(e.rcpt_tos[0] for e in smtp_mailer.envelopes) == sorted(r.to_email for r in rows)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_it_drops_an_ephemeral_context_once_sent(smtp_mailer):
    mail.enqueue(kind="account.message", to="code@district.example", context=_plain_message())
    row = OutboxMessage.objects.get()

    assert mail.deliver(batch=row.batch) == 1

    row.refresh_from_db()
    assert (row.status, row.attempts, row.context, row.last_error) == (Status.SENT, 1, {}, "")
    assert row.sent_at is not None


@pytest.mark.django_db
def test_it_sends_list_unsubscribe_as_a_url_in_angle_brackets_not_encoded_words(smtp_mailer, settings):
    settings.SITE_URL = "https://belong.district.example"
    person = UserFactory(email="reader@district.example")
    row = group_message(GroupFactory(), UserFactory(), [person])

    assert mail.deliver(batch=row.batch) == 1

    [envelope] = smtp_mailer.envelopes
    raw = envelope.content.decode("ascii")
    [header] = re.findall(r"^List-Unsubscribe: (.*)$", raw, flags=re.MULTILINE)
    assert re.fullmatch(r"<https://belong\.district\.example/me/email/unsubscribe/\S+/>\r?", header)
    assert "=?" not in header


def _plain_message() -> dict:
    return {"subject": "Early dismissal", "text": "Schools close at noon.", "html": "<p>Schools close at noon.</p>"}


@pytest.mark.django_db
def test_it_puts_back_the_interpreters_thread_switch_interval(smtp_mailer):
    before = sys.getswitchinterval()
    mail.enqueue_many(
        kind="account.message", recipients=["a@district.example", "b@district.example"], context=_plain_message()
    )

    assert mail.deliver() == 2

    assert sys.getswitchinterval() == before


@pytest.mark.django_db
def test_it_delivers_through_a_backend_other_than_smtp(mailoutbox, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.enqueue_many(
        kind="account.message", recipients=["a@district.example", "b@district.example"], context=_plain_message()
    )

    assert mail.deliver() == 2

    assert sorted(m.to[0] for m in mailoutbox) == ["a@district.example", "b@district.example"]
    assert all(isinstance(m, EmailMultiAlternatives) for m in mailoutbox)
