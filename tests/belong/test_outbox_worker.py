"""The outbox end to end: a real Celery worker over a real Redis broker to a real SMTP server."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from belong import mail
from belong.models import OutboxMessage
from belong.tasks import sweep_outbox
from tests.conftest import free_port
from tests.factories import UserFactory

from .fixtures import celery_broker

pytestmark = pytest.mark.slow

DELIVER = "belong.tasks.deliver_outbox_batch"
SWEEP = "belong.tasks.sweep_outbox"


def enqueue_message(to, subject="Your sign-in code") -> None:
    mail.enqueue(
        kind="account.message",
        to=to,
        context={"subject": subject, "text": f"{subject}: 123456", "html": f"<p>{subject}: <b>123456</b></p>"},
    )


def test_it_delivers_committed_email_through_the_worker_once_and_never_what_rolled_back(
    celery_worker_process, smtp_server
):
    changed_mind = UserFactory(email="changed.mind@district.example")
    person = UserFactory(email="ana.reyes@district.example")
    started = time.monotonic()

    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_message(changed_mind, subject="Never sent")
        raise RuntimeError("the change failed after the e-mail was queued")
    assert not OutboxMessage.objects.exists()

    with transaction.atomic():
        enqueue_message(person)
    row = OutboxMessage.objects.get()
    # A second task for the same batch, as when a task is redelivered after a worker died; the
    # worker's two threads run both at once.
    mail.queue_delivery(row.batch)

    results = celery_worker_process.wait_for_results(DELIVER, 2)
    messages = smtp_server.wait_for(1, timeout=5)
    elapsed = time.monotonic() - started

    assert sorted(results) == ["0", "1"]
    assert len(messages) == 1
    assert messages[0]["To"] == "ana.reyes@district.example"
    assert messages[0]["Subject"] == "Your sign-in code"
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    assert row.attempts == 1
    assert row.context == {}  # sign-in codes do not linger once sent
    # Only the two tasks above ever reached the worker: the rolled-back e-mail queued none.
    time.sleep(0.3)
    assert len(celery_worker_process.worker.task_results(DELIVER)) == 2
    assert [m["To"] for m in smtp_server.messages] == ["ana.reyes@district.example"]
    print(f"worker start-up {celery_worker_process.worker.startup_seconds:.2f} s; commit to delivered {elapsed:.2f} s")


def test_it_lets_the_sweeper_deliver_a_sign_in_code_whose_task_was_lost_with_the_broker(
    celery_worker_process, smtp_server, settings, client, caplog
):
    person = UserFactory(email="li.wen@district.example")
    closed_port = free_port()

    # The broker is down when the request commits: the person still gets the "check your e-mail"
    # step, and the e-mail waits in the outbox.
    with (
        celery_broker(f"redis://127.0.0.1:{closed_port}/0"),
        caplog.at_level(logging.WARNING, "belong.mail"),
    ):
        response = client.post("/accounts/login/code/", {"email": person.email})
    assert response.status_code == 302
    assert "the sweeper will deliver it" in caplog.text
    row = OutboxMessage.objects.get()
    assert (row.status, row.to_email) == (OutboxMessage.Status.PENDING, "li.wen@district.example")

    # A fresh row is left alone: its task may simply not have run yet.
    settings.OUTBOX_STALE_SECONDS = 120
    assert mail.sweep() == 0

    # Once it is older than the stale threshold, beat's sweep (run by the worker) re-queues it.
    OutboxMessage.objects.filter(id=row.id).update(created_at=timezone.now() - timedelta(seconds=121))
    sweep_outbox.delay()

    assert celery_worker_process.wait_for_results(SWEEP, 1) == ["1"]
    assert celery_worker_process.wait_for_results(DELIVER, 1) == ["1"]
    messages = smtp_server.wait_for(1, timeout=5)
    assert [m["To"] for m in messages] == ["li.wen@district.example"]
    assert "Your sign-in code is listed below" in messages[0].get_body(("plain",)).get_content()
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    assert row.context == {}  # the code is gone from the database once sent
