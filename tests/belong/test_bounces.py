"""Bounces that arrive after the relay said "250": by e-mail (a DSN to the VERP return path) or by webhook.

The DSN goes through `manage.py process_bounce` reading standard input, as a mail server's pipe runs it;
the webhook through the test client. Both are written as the attacks they must resist too: a forged DSN,
a wrong secret, junk.
"""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from belong import mail
from belong.models import AuditLog, OutboxMessage, SuppressedAddress

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status
SECRET = "relay-shared-secret-for-tests-0123456789"


@pytest.fixture
def sent_row(smtp_mailer, settings) -> OutboxMessage:
    settings.OUTBOX_BOUNCE_DOMAIN = "bounces.riverside.example"
    settings.SITE_URL = "https://belong.riverside.example"
    mail.enqueue(
        kind="account.message",
        to="moved.away@district.example",
        context={"subject": "Welcome", "text": "Hello", "html": "<p>Hello</p>"},
    )
    row = OutboxMessage.objects.get()
    assert mail.deliver(batch=row.batch) == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    return row


def dsn(*, to: str, recipient: str, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464)."""
    return f"""\
Return-Path: <>
Delivered-To: {to}
From: MAILER-DAEMON@mx.households.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.households.example
Arrival-Date: Fri,  4 Dec 2026 10:00:00 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected:
    User unknown in virtual mailbox table

--B0UND
Content-Type: text/rfc822-headers

Subject: Welcome
Message-ID: <whatever@belong.riverside.example>

--B0UND--
""".replace("\n", "\r\n").encode()


def pipe(raw: bytes, *args: str, monkeypatch) -> str:
    """`manage.py process_bounce [args] < message`."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("process_bounce", *args, stdout=out)
    return out.getvalue()


def test_it_applies_a_bounce_piped_from_the_mail_server(sent_row, monkeypatch, smtp_mailer):
    output = pipe(dsn(to=mail.return_path(sent_row), recipient=sent_row.to_email), monkeypatch=monkeypatch)

    assert f"Applied {sent_row.to_email} (5.1.1), message {sent_row.id}" in output
    sent_row.refresh_from_db()
    assert sent_row.status == Status.BOUNCED
    assert "User unknown" in sent_row.last_error
    entry = SuppressedAddress.objects.get()
    assert (entry.email, entry.source, entry.reply_code, entry.message_id) == (
        sent_row.to_email,
        "bounce",
        "5.1.1",
        sent_row.id,
    )
    assert AuditLog.objects.filter(action="mail.bounce").count() == 1

    # The same bounce again (mail servers do resend) changes nothing more.
    assert "Nothing to change" in pipe(
        dsn(to=mail.return_path(sent_row), recipient=sent_row.to_email), monkeypatch=monkeypatch
    )
    # And the next message to the address is not sent.
    mail.enqueue(kind="account.message", to=sent_row.to_email, context=sent_row.context or {"subject": "x"})
    later = OutboxMessage.objects.latest("id")
    assert mail.deliver(batch=later.batch) == 0
    later.refresh_from_db()
    assert later.status == Status.SUPPRESSED
    assert len(smtp_mailer.envelopes) == 1


def test_it_takes_the_return_path_from_the_pipes_recipient_argument(sent_row, monkeypatch):
    raw = dsn(to="postmaster@bounces.riverside.example", recipient=sent_row.to_email)

    pipe(raw, "--recipient", mail.return_path(sent_row), monkeypatch=monkeypatch)

    sent_row.refresh_from_db()
    assert sent_row.status == Status.BOUNCED


def test_it_ignores_a_forged_bounce_for_an_address_someone_wants_silenced(sent_row, monkeypatch):
    # Anyone can send mail to the bounce address: without our signature it suppresses nobody.
    victim = "superintendent@district.example"
    forged = [
        dsn(to=f"bounces+{sent_row.id}.0000000000000000@bounces.riverside.example", recipient=victim),
        dsn(to="bounces@bounces.riverside.example", recipient=victim),
        dsn(to=f"bounces+{sent_row.id}@bounces.riverside.example", recipient=sent_row.to_email),
    ]
    for raw in forged:
        assert "Ignored" in pipe(raw, monkeypatch=monkeypatch)

    assert not SuppressedAddress.objects.exists()
    sent_row.refresh_from_db()
    assert sent_row.status == Status.SENT


def test_it_does_not_suppress_for_a_signed_bounce_about_another_address_or_a_delay(sent_row, monkeypatch):
    verp = mail.return_path(sent_row)
    pipe(dsn(to=verp, recipient=sent_row.to_email, action="delayed", status="4.4.1"), monkeypatch=monkeypatch)
    assert not SuppressedAddress.objects.exists()

    # Signed, but about someone else (a forwarded mailbox): that address is suppressed, this row is kept.
    pipe(dsn(to=verp, recipient="forwarded@elsewhere.example"), monkeypatch=monkeypatch)
    assert list(SuppressedAddress.objects.values_list("email", flat=True)) == ["forwarded@elsewhere.example"]
    sent_row.refresh_from_db()
    assert sent_row.status == Status.SENT


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage \x80" * 100,
        b'Content-Type: multipart/report; boundary="x"\r\n\r\n--x\r\n',
        b"Content-Type: message/delivery-status\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n",
    ],
)
def test_it_reads_junk_on_standard_input_without_failing(raw, monkeypatch, db):
    output = pipe(raw, monkeypatch=monkeypatch)

    assert "nothing applied" in output or "Ignored" in output
    assert not SuppressedAddress.objects.exists()


# --- The relay's webhook ----------------------------------------------------------------------------


def post(client, body, *, secret: str | None = SECRET, content_type="application/json"):
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post("/delivery/bounces/", data=data, content_type=content_type, headers=headers)


def test_it_answers_404_while_no_webhook_secret_is_set(client, settings, db):
    settings.OUTBOX_BOUNCE_WEBHOOK_SECRET = ""

    assert post(client, {"recipient": "a@district.example", "status": "5.1.1"}, secret="").status_code == 404


def test_it_refuses_a_webhook_call_without_the_right_secret(client, settings, sent_row):
    settings.OUTBOX_BOUNCE_WEBHOOK_SECRET = SECRET
    event = {"recipient": sent_row.to_email, "status": "5.1.1", "message_id": mail.message_id(sent_row)}

    assert post(client, event, secret=None).status_code == 403
    assert post(client, event, secret="wrong").status_code == 403
    assert post(client, event, secret=SECRET[:-1]).status_code == 403
    assert post(client, event, secret="é" * 10).status_code == 403
    assert client.get("/delivery/bounces/", headers={"Authorization": f"Bearer {SECRET}"}).status_code == 405
    assert not SuppressedAddress.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00",
        "[" * 100_000,
        {"events": "x"},
        [1, 2],
        {"recipient": 5, "status": "5.1.1"},
        {"recipient": "a@b.example"},
        {"events": [{"recipient": "a@b.example", "status": None}]},
        "null",
    ],
)
def test_it_answers_400_never_500_to_junk_from_a_caller_with_the_secret(client, settings, db, body):
    settings.OUTBOX_BOUNCE_WEBHOOK_SECRET = SECRET

    assert post(client, body).status_code == 400
    assert not SuppressedAddress.objects.exists()


def test_it_applies_the_permanent_bounces_a_relay_posts(client, settings, sent_row):
    settings.OUTBOX_BOUNCE_WEBHOOK_SECRET = SECRET
    events = {
        "events": [
            {
                "recipient": sent_row.to_email,
                "status": "5.1.1",
                "reason": "mailbox does not exist",
                "message_id": mail.message_id(sent_row),
            },
            {"recipient": "busy@district.example", "status": "4.2.2", "reason": "mailbox full, will retry"},
            {"recipient": "Old Name <left.district@district.example>", "status": "550", "reason": "no such user"},
        ]
    }

    answer = post(client, events)

    assert answer.status_code == 200
    assert answer.json() == {"received": 3, "applied": 2}
    sent_row.refresh_from_db()
    assert (sent_row.status, sent_row.last_error) == (Status.BOUNCED, "5.1.1 mailbox does not exist")
    assert dict(SuppressedAddress.objects.values_list("email", "source")) == {
        sent_row.to_email: "webhook",
        "left.district@district.example": "webhook",
    }
