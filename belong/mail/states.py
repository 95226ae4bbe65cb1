"""The outbox rows' states: which rows are due, the claim that locks a row for its send, and what each
outcome writes on the row (sent, retried, failed, possibly delivered, suppressed, skipped), plus the
suppression list. Every time compared or written is the database's clock."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection as db
from django.db.models import Q
from django.db.models.functions import Now

from ..models import OutboxMessage, SuppressedAddress

# Every part of the outbox logs as "belong.mail", as the single module did (log filters, caplog).
log = logging.getLogger("belong.mail")

Status = OutboxMessage.Status


def due_messages():
    """Pending rows whose next attempt is due by the database's clock."""
    return OutboxMessage.objects.filter(status=Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=Now())
    )


def due_resends():
    """Possibly delivered rows, not resent yet, whose wait is over by the database's clock."""
    return OutboxMessage.objects.filter(
        status=Status.UNCERTAIN,
        resends=0,
        uncertain_at__lte=Now() - timedelta(seconds=settings.OUTBOX_UNCERTAIN_RESEND_SECONDS),
    )


# The two statements every message runs, in SQL: through the ORM they cost about 0.8 ms a message more
# (building and compiling the query each time), some 8 s of a 10,000-member notice.
#
# The claim also turns synchronous commit off for its own transaction (set_config(..., true) is SET LOCAL,
# so it holds with PgBouncer's transaction pooling too): the commit returns without waiting for the WAL to
# reach disk, which took 1-2 ms a message. The commit is still atomic and at once visible to every other
# worker; only a crash of PostgreSQL itself could forget the last fraction of a second of "sent" marks,
# and those rows would be sent again, as after a worker crash.
#
# Times are the database's (statement_timestamp(), what Django's Now() is on PostgreSQL), never the worker's.
_CLAIM_SQL = (
    "SELECT attempts, status, resends, set_config('synchronous_commit', 'off', true) FROM belong_outboxmessage "
    "WHERE id = %s AND (status = 'pending' OR (status = 'uncertain' AND resends = 0 "
    "AND uncertain_at <= statement_timestamp() - make_interval(secs => %s))) FOR UPDATE SKIP LOCKED"
)


_MARK_SENT_SQL = (
    "UPDATE belong_outboxmessage SET status = %s, sent_at = statement_timestamp(), attempts = %s, resends = %s, "
    "last_error = '', reply_code = NULL WHERE id = %s RETURNING sent_at"
)


_MARK_SENT_EPHEMERAL_SQL = (
    "UPDATE belong_outboxmessage SET status = %s, sent_at = statement_timestamp(), attempts = %s, resends = %s, "
    "last_error = '', reply_code = NULL, context = '{}' WHERE id = %s RETURNING sent_at"
)


def claim(row: OutboxMessage) -> bool:
    """Lock a still-pending row for the current transaction; False when another worker holds or sent it.

    Rows are claimed one at a time, and each is marked sent in the transaction that holds its lock, so a
    worker that dies leaves at most the message in flight both delivered and pending (tests/faults).
    Locking a chunk at once and marking it with one UPDATE would save a commit a message, but a crash
    would then resend everything since the chunk's last commit.
    """
    with db.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [row.id, settings.OUTBOX_UNCERTAIN_RESEND_SECONDS])
        locked = cursor.fetchone()
    if locked is None:
        return False
    # Another worker may have counted a failed try since the chunk was read.
    row.attempts, status, row.resends = locked[0], locked[1], locked[2]
    if status == Status.UNCERTAIN:
        row.resends += 1  # this is the one resend a possibly delivered message gets
        row.status = Status.PENDING
    return True


def mark_sent(row: OutboxMessage, *, ephemeral: bool) -> None:
    row.status = Status.SENT
    row.attempts += 1
    row.last_error = ""
    row.reply_code = None
    if ephemeral:
        row.context = {}
    with db.cursor() as cursor:
        cursor.execute(
            _MARK_SENT_EPHEMERAL_SQL if ephemeral else _MARK_SENT_SQL,
            [row.status, row.attempts, row.resends, row.id],
        )
        row.sent_at = cursor.fetchone()[0]


def record_suppressed(row: OutboxMessage) -> None:
    """Not sent: the address is on the suppression list (the reason rode on the chunk's read)."""
    row.status = Status.SUPPRESSED
    row.last_error = f"Not sent: the address is on the suppression list ({row.suppressed_because})"[:2000]
    row.save(update_fields=["status", "last_error"])


def record_opted_out(row: OutboxMessage) -> None:
    row.status = Status.SKIPPED
    row.save(update_fields=["status"])


def record_vanished(row: OutboxMessage, error: ObjectDoesNotExist) -> None:
    row.status = Status.SKIPPED
    row.last_error = f"What this e-mail was about no longer exists: {error}"
    row.save(update_fields=["status", "last_error"])


def record_failure(row: OutboxMessage, error: Exception, *, code: int | None = None) -> None:
    """A temporary failure: back off by the database's clock, or fail once out of attempts."""
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.reply_code = code
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        row.status = Status.FAILED
        next_attempt_at = row.next_attempt_at
    else:
        next_attempt_at = Now() + timedelta(seconds=min(3600, 30 * 2 ** (row.attempts - 1)))
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=row.attempts,
        last_error=row.last_error,
        reply_code=code,
        status=row.status,
        resends=row.resends,
        next_attempt_at=next_attempt_at,
    )
    log.warning("Outbox message %s not sent (attempt %s): %s", row.id, row.attempts, type(error).__name__)


def record_permanent(row: OutboxMessage, code: int, text: str, *, address_refused: bool) -> None:
    """A 5xx: failed at once with the server's reply; a refused address is not tried again."""
    row.attempts += 1
    row.status = Status.FAILED
    row.reply_code = code
    row.last_error = f"{code} {text}".strip()[:2000]
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=row.attempts, status=row.status, reply_code=code, last_error=row.last_error, resends=row.resends
    )
    if address_refused:
        suppress(
            row.to_email, reason=row.last_error, code=str(code), source=SuppressedAddress.Source.SMTP, message_id=row.pk
        )
    log.warning("Outbox message %s refused for good: %s", row.id, code)


def record_uncertain(row: OutboxMessage, error: Exception) -> None:
    """The server may have the message: wait, then resend once; a second silence ends it."""
    row.attempts += 1
    if row.resends >= 1:
        row.status = Status.FAILED
        row.last_error = (
            f"No answer from the mail server after the message was handed over, on the first try and on "
            f"the one resend; possibly delivered, not sent again. ({error})"
        )[:2000]
        OutboxMessage.objects.filter(pk=row.pk).update(
            attempts=row.attempts, status=row.status, last_error=row.last_error, resends=row.resends
        )
    else:
        row.status = Status.UNCERTAIN
        row.last_error = f"Possibly delivered: no answer after the message was handed over ({error})"[:2000]
        OutboxMessage.objects.filter(pk=row.pk).update(
            attempts=row.attempts, status=row.status, last_error=row.last_error, uncertain_at=Now()
        )
    log.warning("Outbox message %s possibly delivered (no answer from the server): %s", row.id, error)


def suppress(address: str, *, reason: str, code: str, source: str, message_id: int | None = None) -> bool:
    """Put an address on the suppression list; False when it was there already (the first reason stays)."""
    _entry, created = SuppressedAddress.objects.get_or_create(
        email=address.strip().lower(),
        defaults={"reason": reason[:2000], "reply_code": code[:20], "source": source, "message_id": message_id},
    )
    return created
