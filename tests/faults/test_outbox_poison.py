"""A row that cannot be rendered (a renderer's bug) must not hold back the rest of its batch."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.db import transaction

from belong import mail
from belong.models import OutboxMessage

Status = OutboxMessage.Status


@pytest.fixture
def renderer_with_a_bug():
    """`account.message` whose renderer raises for rows whose stored context lacks a key it expects."""
    original = mail._KINDS["account.message"]

    def render(context):
        if "html" not in context:
            raise KeyError("html")
        return mail.Rendered()

    mail._KINDS["account.message"] = mail.Kind(render=render, category=None)
    try:
        yield
    finally:
        mail._KINDS["account.message"] = original


@pytest.mark.django_db
def test_it_delivers_the_rest_of_a_batch_when_one_row_cannot_be_rendered(
    smtp_mailer, renderer_with_a_bug, django_capture_on_commit_callbacks
):
    families = [f"family{n}@households.example" for n in range(5)]
    context = {"subject": "Early dismissal", "text": "Early dismissal today.", "html": "<p>Early dismissal</p>"}
    batch = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                batch=batch,
                kind="account.message",
                to_email=address,
                context={"subject": "Early dismissal"} if n == 1 else context,
            )
            for n, address in enumerate(families)
        )
        transaction.on_commit(lambda: mail.queue_delivery(batch))
    assert mail.deliver(batch=batch) == 0  # the sweeper's next task: nothing left that is due

    received = Counter(address for envelope in smtp_mailer.envelopes for address in envelope.rcpt_tos)
    assert received == Counter({address: 1 for address in families if address != families[1]})
    broken = OutboxMessage.objects.get(to_email=families[1])
    assert (broken.status, broken.attempts, broken.last_error) == (Status.PENDING, 1, "KeyError: 'html'")
    assert broken.next_attempt_at is not None  # retried with backoff, then marked failed
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 4
