"""The outbox against an SMTP server that misbehaves like a district relay: once, or failed with a reason.

A real aiosmtpd server that answers late (after the sender's SMTP timeout), refuses one recipient with
550, or says 421 and then recovers; real PostgreSQL. Time is moved the way it passes, in the database
(rows' times set back), never by mocking the outbox.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db.models.functions import Now

from belong import delivery, mail
from belong.models import OutboxMessage, SuppressedAddress
from tests.conftest import SMTPServer, free_port
from tests.factories import DirectorFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status
SMTP_TIMEOUT = 1


class DistrictRelay(SMTPServer):
    """aiosmtpd that takes each message, then answers late for the first `slow` ones; refuses the
    recipients in `refused` at RCPT; answers 421 to the first `busy` MAIL commands."""

    slow = 0
    delay = SMTP_TIMEOUT + 1.0
    busy = 0
    refused: dict[str, str]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.busy > 0:
            self.busy -= 1
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await super().handle_DATA(server, session, envelope)  # kept: the relay will deliver it
        if self.slow > 0:
            self.slow -= 1
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


@pytest.fixture
def relay(settings):
    server = DistrictRelay(host="127.0.0.1", port=free_port())
    server.refused = {}
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": server.host, "port": server.port, "timeout": SMTP_TIMEOUT},
        }
    }
    settings.SITE_URL = "https://belong.riverside.example"
    try:
        yield server
    finally:
        controller.stop()


def news(recipients) -> OutboxMessage:
    context = {"subject": "Spring social", "text": "See you there.", "html": "<p>See you there.</p>"}
    mail.enqueue_many(kind="account.message", recipients=recipients, context=context)
    return OutboxMessage.objects.order_by("-id").first()


def received(relay) -> Counter:
    return Counter(address for envelope in list(relay.envelopes) for address in envelope.rcpt_tos)


def page_counts(client) -> dict[str, int]:
    """The director's delivery page, read as a person would: state label -> number."""
    client.force_login(DirectorFactory())
    page = client.get("/delivery/")
    assert page.status_code == 200
    counts = {}
    for value, label in Status.choices:
        marker = f'<tr data-state="{value}"><th scope="row">{label}</th><td class="text-end">'
        start = page.content.decode().index(marker) + len(marker)
        counts[value] = int(page.content.decode()[start:].split("<", 1)[0])
    return counts


def test_it_does_not_resend_at_once_a_message_the_relay_took_but_answered_too_late(relay, client, settings):
    relay.slow = 1
    row = news(["slow.reply@district.example"])

    assert mail.deliver(batch=row.batch) == 0

    row.refresh_from_db()
    assert row.status == Status.UNCERTAIN
    assert row.uncertain_at is not None and row.attempts == 1
    assert "Possibly delivered" in row.last_error
    # Neither another delivery nor beat's sweep sends it again while the wait runs.
    assert mail.deliver(batch=row.batch) == 0
    assert mail.sweep() == 0
    assert received(relay) == {"slow.reply@district.example": 1}

    # The wait is over (by the database's clock): resent once, with the same Message-ID, and counted.
    OutboxMessage.objects.filter(pk=row.pk).update(
        uncertain_at=Now() - timedelta(seconds=settings.OUTBOX_UNCERTAIN_RESEND_SECONDS + 1)
    )
    assert mail.sweep() == 1  # eager in tests: the sweep's task delivers it
    row.refresh_from_db()
    assert (row.status, row.attempts, row.resends) == (Status.SENT, 2, 1)
    first, second = relay.messages
    assert (
        first["Message-ID"]
        == second["Message-ID"]
        == f"<belong.{row.id}.{row.batch.hex[:16]}@belong.riverside.example>"
    )
    assert received(relay) == {"slow.reply@district.example": 2}
    assert mail.sweep() == 0 and mail.deliver(batch=row.batch) == 0
    assert page_counts(client)[Status.SENT] == 1
    assert "1 message was sent a second time" in client.get("/delivery/").content.decode()


def test_it_resends_a_possibly_delivered_message_only_once_and_then_fails_it_with_the_reason(relay, settings):
    relay.slow = 5
    row = news(["always.slow@district.example"])

    mail.deliver(batch=row.batch)
    for _ in range(3):
        OutboxMessage.objects.filter(pk=row.pk).update(uncertain_at=Now() - timedelta(days=1))
        mail.deliver(batch=row.batch)

    row.refresh_from_db()
    assert (row.status, row.attempts, row.resends) == (Status.FAILED, 2, 1)
    assert "on the one resend" in row.last_error
    assert received(relay) == {"always.slow@district.example": 2}  # never the 6 copies of the issue
    assert len({message["Message-ID"] for message in relay.messages}) == 1


def test_it_retries_as_usual_a_timeout_before_the_message_was_handed_over(relay, settings):
    row = news(["stalled@district.example"])

    async def stall(server, session, envelope, address, rcpt_options):
        await asyncio.sleep(SMTP_TIMEOUT + 1)
        return "250 OK"

    relay.handle_RCPT = stall
    with pytest.raises(OSError):
        mail.deliver(batch=row.batch)  # the connection is gone: the task retries with backoff

    row.refresh_from_db()
    assert row.status == Status.PENDING and row.uncertain_at is None
    assert relay.envelopes == []


def test_it_fails_a_refused_recipient_at_once_with_the_reply_and_stops_mailing_the_address(relay, client):
    relay.refused = {"gone@district.example": "550 5.1.1 <gone@district.example>: Recipient address rejected"}
    gone = UserFactory(email="gone@district.example")
    others = UserFactory.create_batch(3)
    row = news([gone, *others])

    assert mail.deliver(batch=row.batch) == 3

    failed = OutboxMessage.objects.get(to_email=gone.email)
    assert (failed.status, failed.attempts, failed.reply_code) == (Status.FAILED, 1, 550)
    assert failed.last_error == "550 5.1.1 <gone@district.example>: Recipient address rejected"
    entry = SuppressedAddress.objects.get()
    assert (entry.email, entry.reply_code, entry.source, entry.message_id) == (gone.email, "550", "smtp", failed.pk)
    assert mail.sweep() == 0  # a 5xx is never retried

    # The next message to that address is not even tried, and says why.
    later = news([gone, others[0]])
    assert mail.deliver(batch=later.batch) == 1
    skipped = OutboxMessage.objects.get(batch=later.batch, to_email=gone.email)
    assert skipped.status == Status.SUPPRESSED and "suppression list" in skipped.last_error
    assert received(relay) == {others[0].email: 2, others[1].email: 1, others[2].email: 1}
    counts = page_counts(client)
    assert (counts[Status.SENT], counts[Status.FAILED], counts[Status.SUPPRESSED]) == (4, 1, 1)

    # Once the person's address changes, mail reaches them again.
    gone.email = "found@district.example"
    gone.save(update_fields=["email"])
    again = news([gone])
    assert mail.deliver(batch=again.batch) == 1
    assert received(relay)["found@district.example"] == 1


def test_it_mails_a_cleared_address_again_and_logs_who_cleared_it(relay):
    relay.refused = {"full@district.example": "550 5.2.2 Mailbox full"}
    row = news(["full@district.example"])
    mail.deliver(batch=row.batch)
    director = DirectorFactory()

    delivery.suppression_clear(suppressed=SuppressedAddress.objects.get(), by=director)
    relay.refused = {}
    again = news(["full@district.example"])

    assert mail.deliver(batch=again.batch) == 1
    assert received(relay) == {"full@district.example": 1}
    from belong.models import AuditLog

    log = AuditLog.objects.get(action="mail.suppression_clear")
    assert (log.actor, log.detail["email"]) == (director, "full@district.example")


def test_it_fails_a_message_refused_for_its_content_without_suppressing_the_address(relay):
    async def refuse(server, session, envelope):
        return "554 5.7.1 Message content rejected"

    relay.handle_DATA = refuse
    row = news(["reader@district.example"])

    assert mail.deliver(batch=row.batch) == 0

    row.refresh_from_db()
    assert (row.status, row.reply_code, row.last_error) == (Status.FAILED, 554, "554 5.7.1 Message content rejected")
    assert not SuppressedAddress.objects.exists()


def test_it_backs_off_on_421_by_the_database_clock_and_delivers_everything_once_it_recovers(relay, client):
    relay.busy = 1
    people = [f"family{n}@households.example" for n in range(4)]
    row = news(people)

    # The first message meets 421 (smtplib closes the connection); the outbox reconnects for the rest.
    assert mail.deliver(batch=row.batch) == 3

    deferred = OutboxMessage.objects.get(to_email=people[0])
    assert (deferred.status, deferred.attempts, deferred.reply_code) == (Status.PENDING, 1, 421)
    seconds = OutboxMessage.objects.filter(pk=deferred.pk).values_list(Now(), "next_attempt_at").get()
    assert 25 <= (seconds[1] - seconds[0]).total_seconds() <= 30
    assert mail.deliver(batch=row.batch) == 0  # not due yet

    OutboxMessage.objects.filter(pk=deferred.pk).update(next_attempt_at=Now())
    assert mail.deliver(batch=row.batch) == 1
    assert received(relay) == dict.fromkeys(people, 1)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert page_counts(client)[Status.SENT] == 4


def test_it_gives_every_message_a_message_id_on_the_sites_domain(relay):
    row = news(["a@district.example", "b@district.example"])

    mail.deliver(batch=row.batch)

    ids = [message["Message-ID"] for message in relay.messages]
    assert len(set(ids)) == 2
    assert all(value.endswith("@belong.riverside.example>") for value in ids)


def test_it_sends_with_a_signed_verp_return_path_when_a_bounce_domain_is_set(relay, settings):
    settings.OUTBOX_BOUNCE_DOMAIN = "bounces.riverside.example"
    row = news(["verp@district.example"])

    mail.deliver(batch=row.batch)

    [envelope] = relay.envelopes
    assert envelope.mail_from == mail.return_path(row)
    assert envelope.mail_from.startswith(f"bounces+{row.id}.")
    assert envelope.mail_from.endswith("@bounces.riverside.example")
    # A relay may upper-case the address; a signature moved to another row is refused.
    assert mail.row_id_from_return_path(envelope.mail_from.upper()) == row.id
    signature = envelope.mail_from.split("@")[0].split(".")[1]
    assert mail.row_id_from_return_path(f"bounces+{row.id + 1}.{signature}@bounces.riverside.example") is None
