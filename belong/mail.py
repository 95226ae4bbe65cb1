"""The mail outbox: every e-mail the portal sends is a row first, then a delivery after commit.

    enqueue(kind="groups.joined", to=user, context={"membership_id": m.id})

writes the row in the caller's transaction and, once that transaction commits, queues one Celery
task for the rows it wrote. Delivery renders each row in its recipient's language from
templates/emails/<kind>.{subject.txt,txt,html}, sends one message per recipient over a reused
SMTP connection, and marks the row sent in its own short transaction with the row locked
(`FOR UPDATE SKIP LOCKED`), so a task that runs twice sends each row once.

A notice to a whole group is thousands of rows with one context: the kind's renderer runs once per
context and language for a few seconds (RenderCache), its calendar file becomes one shared MIME part,
and each message goes over the wire from a helper thread while the next one is built (_Pipeline).

What the server answers decides the row (docs in README "E-mail delivery: once, and failures seen"):
- 250: sent. 4xx: retried with backoff. 5xx: failed at once with the reply, and a refused recipient's
  address goes on the suppression list (SuppressedAddress), so later mail to it is not even tried.
- No answer after the whole message was handed over (the final "." written, then a timeout or a lost
  connection): the server may have delivered it. The row is `uncertain`, resent at most once, after
  OUTBOX_UNCERTAIN_RESEND_SECONDS, with the same Message-ID (which receiving systems use to drop a copy).
Every due/stale/resend decision compares with the database's clock, never the worker's.
"""

from __future__ import annotations

import email.policy
import json
import logging
import smtplib
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import MIMEPart
from email.utils import formataddr, parseaddr
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, transaction
from django.db import connection as db
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower, Now
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import OutboxMessage, SuppressedAddress
from .publisher import publish_in_background

log = logging.getLogger(__name__)

Status = OutboxMessage.Status


@dataclass
class Rendered:
    """What a renderer adds to the stored context at delivery time."""

    context: dict[str, Any] = field(default_factory=dict)
    attachments: list[tuple[str, bytes | str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    from_name: str | None = None


@dataclass
class Kind:
    render: Callable[[dict[str, Any]], Rendered] | None
    # Preference category the recipient can opt out of; None for mail they cannot refuse
    # (sign-in codes, replies they asked for).
    category: str | None
    # Drop the stored context once sent: it holds a sign-in code or a link that must not linger.
    ephemeral: bool = False
    # Render once per (context, language) for a few seconds and share the result between rows (RenderCache).
    # A renderer sees only the stored context, never the recipient, so this holds for every kind today;
    # switch it off for one whose result must not be shared (it hands out objects the templates change).
    shared_render: bool = True


_KINDS: dict[str, Kind] = {}


def register(kind: str, *, category: str | None = None, ephemeral: bool = False, shared_render: bool = True):
    """Decorator for a renderer: `fn(stored_context) -> Rendered` (may raise ObjectDoesNotExist).

    The renderer must not depend on who receives the message: rows with the same context and language
    share one call for a few seconds (`shared_render=False` renders every row on its own).
    """

    def decorator(fn: Callable[[dict[str, Any]], Rendered]):
        _KINDS[kind] = Kind(render=fn, category=category, ephemeral=ephemeral, shared_render=shared_render)
        return fn

    return decorator


def category_of(kind: str) -> str | None:
    entry = _KINDS.get(kind)
    return entry.category if entry else None


def enqueue(
    *,
    kind: str,
    to,
    context: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    language: str | None = None,
) -> int:
    """Queue one e-mail; `to` is a User or an address. Returns how many rows were written (0 or 1).

    `language` is for a bare address (a User carries their own preferred language).
    """
    return enqueue_many(kind=kind, recipients=[to], context=context, dedupe_key=dedupe_key, language=language)


def enqueue_many(
    *,
    kind: str,
    recipients: Iterable,
    context: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    language: str | None = None,
) -> int:
    """Queue one e-mail per recipient with the same context, in the caller's transaction.

    `dedupe_key`, when given, is made unique per recipient ("meeting-reminder:12" becomes
    "meeting-reminder:12:<email>"): a second call with the same key writes nothing for them.
    """
    batch = uuid.uuid4()
    rows = _outbox_rows(batch, kind, recipients, context, dedupe_key, language)
    if not rows:
        return 0
    if dedupe_key:
        existing = set(
            OutboxMessage.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows]).values_list(
                "dedupe_key", flat=True
            )
        )
        rows = [r for r in rows if r.dedupe_key not in existing]
        # ignore_conflicts keeps a concurrent writer of the same key from raising here.
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    else:
        OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    if rows:
        # Handed to a thread: a hung broker must not hold the request that wrote the rows (belong.publisher).
        transaction.on_commit(lambda: publish_in_background(queue_delivery, batch))
    return len(rows)


def _outbox_rows(batch, kind, recipients, context, dedupe_key, language) -> list[OutboxMessage]:
    rows = []
    for recipient in recipients:
        if isinstance(recipient, str):
            user, address, recipient_language = None, recipient, language or settings.LANGUAGE_CODE
        else:
            user, address = recipient, recipient.email
            recipient_language = getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE
        if not address:
            continue
        rows.append(
            OutboxMessage(
                batch=batch,
                kind=kind,
                recipient=user,
                to_email=address,
                language=recipient_language,
                context=context or {},
                dedupe_key=f"{dedupe_key}:{address.lower()}" if dedupe_key else None,
            )
        )
    return rows


def enqueue_kinds(*, parts: Iterable[tuple[str, Iterable]], context: dict[str, Any] | None = None) -> int:
    """Queue several kinds of e-mail with one context as one insert and one delivery batch, in the caller's
    transaction: a join's welcome to the person and its notice to the leads cost one round trip and one
    publish instead of two of each. `parts` is (kind, recipients) pairs; no dedupe keys."""
    batch = uuid.uuid4()
    rows = [row for kind, recipients in parts for row in _outbox_rows(batch, kind, recipients, context, None, None)]
    if not rows:
        return 0
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    transaction.on_commit(lambda: publish_in_background(queue_delivery, batch))
    return len(rows)


def queue_delivery(batch: uuid.UUID) -> None:
    """Hand a batch to Celery; when the broker is down the sweeper delivers it later.

    This runs after the commit of a web request, so it makes one attempt to reach the broker: kombu's
    own connection loop (even with `retry=False`) sleeps about 6 s before giving up, which held every
    request that queues an e-mail for 6 s a batch while Redis was down.
    """
    from .tasks import deliver_outbox_batch

    app = deliver_outbox_batch.app
    try:
        # Django's setting decides (tests and local runs switch it per test); Celery's own copy of it
        # can be left stale by code that re-points the app at another broker.
        if settings.CELERY_TASK_ALWAYS_EAGER:
            deliver_outbox_batch.apply(args=[str(batch)])
            return
        with app.pool.acquire(block=True, timeout=5) as connection:
            connection.ensure_connection(max_retries=0)
            deliver_outbox_batch.apply_async(args=[str(batch)], retry=False, connection=connection)
    except Exception as error:
        log.warning(
            "Outbox batch %s not queued (%s); the sweeper will deliver it.",
            batch,
            type(error).__name__,
        )


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


def deliver(*, batch: str | uuid.UUID | None = None, ids: Iterable[int] | None = None) -> int:
    """Send the due rows of a batch (or these IDs); returns how many were sent by this call."""
    # The suppression check rides on the chunk's read: no query a message for it.
    suppressed = SuppressedAddress.objects.filter(email=Lower(OuterRef("to_email"))).values("reason")[:1]
    candidates = (due_messages() | due_resends()).annotate(suppressed_because=Subquery(suppressed))
    if batch is not None:
        candidates = candidates.filter(batch=batch)
    if ids is not None:
        candidates = candidates.filter(id__in=list(ids))
    sent = 0
    renders = RenderCache()
    while True:
        # One read for the chunk (with recipients, for their preferences); _deliver_chunk then locks
        # and re-checks each row on its own before sending it.
        chunk = list(candidates.select_related("recipient").order_by("id")[: settings.OUTBOX_BATCH_SIZE])
        if not chunk:
            return sent
        chunk_sent, handled = _deliver_chunk(chunk, renders)
        sent += chunk_sent
        if handled == 0:
            return sent  # every row is held by another worker


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


def _claim(row: OutboxMessage) -> bool:
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


def _mark_sent(row: OutboxMessage, *, ephemeral: bool) -> None:
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


def _deliver_chunk(rows: list[OutboxMessage], renders: RenderCache) -> tuple[int, int]:
    sent = 0
    handled = 0
    with mailers.default as connection, _Pipeline(connection) as pipeline:
        upcoming: dict[int, _Built | Exception] = {}
        for index, row in enumerate(rows):
            reconnect = False
            with transaction.atomic():
                if not _claim(row):
                    continue
                handled += 1
                if getattr(row, "suppressed_because", None) is not None:
                    row.status = Status.SUPPRESSED
                    row.last_error = f"Not sent: the address is on the suppression list ({row.suppressed_because})"[
                        :2000
                    ]
                    row.save(update_fields=["status", "last_error"])
                    continue
                if not _recipient_accepts(row):
                    row.status = Status.SKIPPED
                    row.save(update_fields=["status"])
                    continue
                built = upcoming.pop(row.id, None) or pipeline.build(row, renders)
                if isinstance(built, ObjectDoesNotExist):
                    row.status = Status.SKIPPED
                    row.last_error = f"What this e-mail was about no longer exists: {built}"
                    row.save(update_fields=["status", "last_error"])
                    continue
                if isinstance(built, DatabaseError):
                    raise built  # the connection is unusable: the task and the sweeper try again later
                if isinstance(built, Exception):
                    # A renderer's or template's bug: retry this row with backoff, then mark it failed,
                    # but never let it hold back the rest of the batch (the sweeper would re-queue the
                    # batch every minute and fail on the same row each time).
                    log.error("Outbox message %s could not be rendered.", row.id, exc_info=built)
                    _record_failure(row, built)
                    continue
                sending = pipeline.send(built)
                # While the server takes this message, build the next one, when its rendering is at hand:
                # a renderer's queries stay in the transaction of the row they are for.
                following = rows[index + 1] if index + 1 < len(rows) else None
                if following is not None and _recipient_accepts(following) and renders.holds(following):
                    upcoming[following.id] = pipeline.build(following, renders)
                try:
                    sending.result()
                except PossiblyDelivered as error:
                    _record_uncertain(row, error)
                    reconnect = True  # smtplib closed the connection on the timeout
                except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as error:
                    code, text = reply_of(error)
                    if 500 <= code <= 599:
                        _record_permanent(row, code, text, address_refused=_address_refused(error, code, text))
                    else:
                        _record_failure(row, error, code=code)
                    # 421 ("closing the channel"): smtplib has closed the connection.
                    reconnect = pipeline.direct and getattr(connection.connection, "sock", None) is None
                except (smtplib.SMTPException, OSError) as error:
                    # Lost before the message was handed over: not delivered, try again later.
                    _record_failure(row, error)
                    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError):
                        raise  # the connection is gone: let the task retry with backoff
                    continue
                else:
                    _mark_sent(row, ephemeral=_KINDS.get(row.kind, Kind(None, None)).ephemeral)
                    sent += 1
            if reconnect:
                # After the row's outcome is committed: when the server does not take us back, the task
                # retries with backoff and the rows left wait for it.
                connection.close()
                connection.open()
    return sent, handled


class PossiblyDelivered(smtplib.SMTPException):
    """The server had the whole message (the final "." was written) when its answer failed to come."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


def _send_tracked(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> None:
    """smtplib's sendmail, telling a failure after the message data was handed over from one before.

    smtplib writes the message and its final "." in one send() after the server's 354; a timeout or a
    lost connection once that write returned leaves the message possibly delivered.
    """
    handed_over = False
    send = smtp.send

    def send_and_note(payload) -> None:
        nonlocal handed_over
        send(payload)
        if isinstance(payload, bytes) and payload.endswith(b"\r\n.\r\n"):
            handed_over = True

    smtp.send = send_and_note
    try:
        smtp.sendmail(sender, recipients, data)
    except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
        raise  # the server answered: delivered or not, it said so
    except OSError as error:  # timeouts, resets, and smtplib's SMTPServerDisconnected
        if handed_over:
            raise PossiblyDelivered(error) from error
        raise
    finally:
        del smtp.send


def reply_of(error: Exception) -> tuple[int, str]:
    """The server's reply code and text in an smtplib error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        for code, text in error.recipients.values():
            return int(code), _text(text)
        return 0, ""
    return int(getattr(error, "smtp_code", 0) or 0), _text(getattr(error, "smtp_error", b""))


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _address_refused(error: Exception, code: int, text: str) -> bool:
    """Whether a 5xx is about the recipient's mailbox (rather than our sender, the content or policy)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(error, smtplib.SMTPDataError):
        # RFC 3463: 5.1.x is the address, 5.2.1/5.2.2 a disabled or full mailbox.
        return text.startswith(("5.1.", "5.2.1", "5.2.2"))
    return False


@dataclass
class _Built:
    message: EmailMultiAlternatives
    # For Django's SMTP backend: sender, recipients and the message's bytes, made here.
    envelope: tuple[str, list[str], bytes] | None = None


class _Pipeline:
    """Sends each message from a helper thread while this one builds the next.

    The SMTP conversation is four round trips a message (MAIL, RCPT, DATA, the message), about 2 ms of
    waiting on the server; building and serializing a message is CPU work of about the same size. With
    Django's SMTP backend the message is serialized here and the helper only talks to the server; other
    backends (file, console, memory) get the message as it is. Database work stays in this thread.
    """

    def __init__(self, connection) -> None:
        self.connection = connection
        self.direct = isinstance(connection, SMTPBackend) and connection.connection is not None
        self._senders: dict[str, str] = {}  # every row of a notice has the same From: parsed once

    def __enter__(self) -> _Pipeline:
        self._switches = _quick_thread_switches()
        self._switches.__enter__()
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-smtp")
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self._sender.shutdown(wait=True)
        finally:
            self._switches.__exit__(*exc_info)

    def build(self, row: OutboxMessage, renders: RenderCache) -> _Built | Exception:
        """The row's message, ready to send, or what went wrong building it."""
        try:
            message = build_message(row, renders)
            if not self.direct:
                return _Built(message)
            # What EmailBackend._send does, done in this thread.
            if settings.OUTBOX_BOUNCE_DOMAIN:
                sender = return_path(row)
            else:
                sender = self._senders.get(message.from_email)
                if sender is None:
                    sender = self._senders[message.from_email] = self.connection.prep_address(message.from_email)
            recipients = [self.connection.prep_address(address) for address in message.recipients()]
            return _Built(message, (sender, recipients, message.message(policy=email.policy.SMTP).as_bytes()))
        except Exception as error:
            return error

    def send(self, built: _Built) -> Future:
        if built.envelope is None:
            return self._sender.submit(self.connection.send_messages, [built.message])
        return self._sender.submit(_send_tracked, self.connection.connection, *built.envelope)


_switch_lock = threading.Lock()
_switch_users = 0
_switch_interval = sys.getswitchinterval()


@contextmanager
def _quick_thread_switches():
    """Let the SMTP thread have the GIL back within 0.2 ms of the server's reply while deliveries run.

    By default a thread waiting for the GIL waits 5 ms for a busy thread to let go of it: the helper would
    then wait for this thread to finish building the next message before it could read each reply, and
    nothing would overlap. The interval is the interpreter's, so it is restored when the last delivery in
    the process ends.
    """
    global _switch_users, _switch_interval
    with _switch_lock:
        if _switch_users == 0:
            _switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_interval, 0.0002))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_interval)


def _record_failure(row: OutboxMessage, error: Exception, *, code: int | None = None) -> None:
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


def _record_permanent(row: OutboxMessage, code: int, text: str, *, address_refused: bool) -> None:
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


def _record_uncertain(row: OutboxMessage, error: PossiblyDelivered) -> None:
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


def _recipient_accepts(row: OutboxMessage) -> bool:
    category = category_of(row.kind)
    if category is None or row.recipient is None:
        return True
    return row.recipient.wants_email(category)


def unsubscribe_token(row: OutboxMessage, category: str) -> str:
    return signing.dumps({"u": row.recipient_id, "c": category}, salt="belong.unsubscribe", compress=True)


class RenderCache:
    """Renderings shared between rows, keyed by (kind, stored context, language), each for a few seconds.

    A notice to 10,000 members is 10,000 rows with one context: without this, each row read the meeting
    again, rebuilt the same calendar file and made the same MIME part of it. A renderer's "nothing to
    send" is kept too, so every row it covers is skipped without asking the database again. A rendering
    is reused for `max_age` seconds at most, so a meeting edited during a long delivery reaches the rest
    of its recipients as edited within seconds.
    """

    def __init__(self, max_age: float = 10.0) -> None:
        self.max_age = max_age
        self._results: dict[tuple[str, str, str], tuple[float, tuple[Rendered, list[MIMEPart]] | Exception]] = {}

    def holds(self, row: OutboxMessage) -> bool:
        """Whether rendering this row would not call its renderer."""
        entry = _KINDS.get(row.kind)
        if entry is None or entry.render is None:
            return True
        cached = self._results.get(self._key(row)) if entry.shared_render else None
        return cached is not None and time.monotonic() - cached[0] <= self.max_age

    @staticmethod
    def _key(row: OutboxMessage) -> tuple[str, str, str]:
        return (row.kind, json.dumps(row.context, sort_keys=True, default=str), row.language)

    def render(self, entry: Kind | None, row: OutboxMessage) -> tuple[Rendered, list[MIMEPart]]:
        """What the kind's renderer adds to the row, and its attachments as MIME parts."""
        if entry is None or entry.render is None:
            return Rendered(), []
        if not entry.shared_render:
            return _prepared(entry.render(row.context))
        key = self._key(row)
        now = time.monotonic()
        cached = self._results.get(key)
        if cached is None or now - cached[0] > self.max_age:
            try:
                result = _prepared(entry.render(row.context))
            except DatabaseError:
                raise  # the connection's trouble, not the row's: nothing to remember
            except Exception as error:
                self._results[key] = (now, error)
                raise  # the first row logs the renderer's own traceback
            self._results[key] = (now, result)
            return result
        result = cached[1]
        if isinstance(result, Exception):
            # Without the traceback of its last raise: each raise would add to the same one.
            raise result.with_traceback(None)
        return result


def _prepared(rendered: Rendered) -> tuple[Rendered, list[MIMEPart]]:
    """The rendering with its attachments made into the MIME parts Django's `attach()` would make.

    Messages can share a part (nothing changes it once it is built), which spares every recipient of a
    notice the building of the calendar part and the parsing of its headers: about 1 ms a message.
    """
    if not rendered.attachments:
        return rendered, []
    holder = EmailMessage()
    for name, content, mimetype in rendered.attachments:
        holder.attach(name, content, mimetype)
    return rendered, holder.message().get_payload()


class _BracketedURLHeader(UnstructuredHeader):
    """List-Unsubscribe: `<https://…>` on one line, as RFC 2369 asks.

    The standard folding turns a value longer than 78 characters without spaces (every unsubscribe URL)
    into RFC 2047 encoded words, which mail providers do not decode in this header: one-click unsubscribe
    then finds no URL. A line may be up to 998 characters long.
    """

    def fold(self, *, policy) -> str:
        line = f"{self.name}: {self}"
        if not line.isascii() or len(line) > 998:
            return super().fold(policy=policy)
        return line + policy.linesep


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, keeping the class it makes for each header name.

    `HeaderRegistry` builds a new class (`type(...)`) for every header it parses: some 45 a message,
    about 0.7 ms of a notice's per-message cost. The classes it makes depend on the name alone.
    """

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}
        self.map_to_type("list-unsubscribe", _BracketedURLHeader)

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


@lru_cache(maxsize=8)
def _with_header_classes(policy: email.policy.EmailPolicy) -> email.policy.EmailPolicy:
    return policy.clone(header_factory=_HeaderClasses())


class OutboxEmail(EmailMultiAlternatives):
    """Django's message, built faster: same bytes.

    Its header registry reuses the classes it makes, and the attachments go in as the MIME parts the
    rendering made of them once (`attachment_parts`, one for each of `attachments`, in order), shared by
    every recipient. `attachments` itself stays Django's (name, content, mimetype) list.
    """

    attachment_parts: list[MIMEPart] | None = None

    def message(self, *, policy=email.policy.default):
        policy = _with_header_classes(policy)
        if self.attachment_parts is None or len(self.attachment_parts) != len(self.attachments):
            return super().message(policy=policy)  # attached to since it was built: Django builds them all
        attachments, self.attachments = self.attachments, self.attachment_parts
        try:
            return super().message(policy=policy)
        finally:
            self.attachments = attachments


def build_message(row: OutboxMessage, renders: RenderCache | None = None) -> EmailMultiAlternatives:
    """Render a row into the message its recipient will get; `renders` shares renderings between rows."""
    entry = _KINDS.get(row.kind)
    with translation.override(row.language):
        rendered, attachments = (renders or RenderCache()).render(entry, row)
        context = {
            **row.context,
            **rendered.context,
            "recipient": row.recipient,
            "site_url": settings.SITE_URL,
        }
        headers = dict(rendered.headers)
        category = entry.category if entry else None
        if category and row.recipient_id:
            try:
                path = reverse("accounts:unsubscribe", args=[unsubscribe_token(row, category)])
            except NoReverseMatch:
                path = None
            if path:
                url = f"{settings.SITE_URL}{path}"
                context["unsubscribe_url"] = url
                headers["List-Unsubscribe"] = f"<{url}>"
                headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        subject = " ".join(render_to_string(f"emails/{row.kind}.subject.txt", context).split())
        text = render_to_string(f"emails/{row.kind}.txt", context)
        try:
            html = render_to_string(f"emails/{row.kind}.html", context)
        except TemplateDoesNotExist:
            html = None
    from_email = settings.DEFAULT_FROM_EMAIL
    if rendered.from_name:
        _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        from_email = formataddr((rendered.from_name, address))
    message = OutboxEmail(subject=subject, body=text, from_email=from_email, to=[row.to_email])
    message.extra_headers.update(headers)
    message.extra_headers["X-Belong-Message"] = str(row.id)
    # The same on every try: a resend of a possibly delivered message is recognised as the same message.
    message.extra_headers["Message-ID"] = message_id(row)
    if html:
        message.attach_alternative(html, "text/html")
    for name, content, mimetype in rendered.attachments:
        message.attach(name, content, mimetype)
    message.attachment_parts = attachments or None
    return message


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(row: OutboxMessage) -> str:
    """`<belong.<row>.<batch>@<site domain>>`: the site's domain, not the worker's host name."""
    return f"<belong.{row.id}.{uuid.UUID(str(row.batch)).hex[:16]}@{site_domain()}>"


def _bounce_signature(row_id: int) -> str:
    # Hex, so a relay that lower-cases the local part does not break it.
    return salted_hmac("belong.outbox.bounce", str(row_id), algorithm="sha256").hexdigest()[:16]


def return_path(row: OutboxMessage) -> str:
    """The VERP envelope sender `bounces+<row>.<signature>@<bounce domain>`: a bounce names its row."""
    return f"{settings.OUTBOX_BOUNCE_LOCAL_PART}+{row.id}.{_bounce_signature(row.id)}@{settings.OUTBOX_BOUNCE_DOMAIN}"


def row_id_from_return_path(address: str) -> int | None:
    """The row a VERP address names, or None when it is not one of ours or its signature is wrong."""
    local, _at, domain = (address or "").strip().strip("<>").rpartition("@")
    prefix = settings.OUTBOX_BOUNCE_LOCAL_PART.lower() + "+"
    if not domain or not local.lower().startswith(prefix):
        return None
    row, _dot, signature = local[len(prefix) :].partition(".")
    if not row.isdigit() or len(row) > 18:
        return None
    if not constant_time_compare(signature.lower(), _bounce_signature(int(row))):
        return None
    return int(row)


def sweep() -> int:
    """Queue delivery of rows left pending (broker down at commit, a worker that died, a retry due) and of
    possibly delivered rows whose wait is over. "Stale" and "due" are by the database's clock."""
    stale_before = Now() - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    due = due_messages().filter(Q(next_attempt_at__isnull=False) | Q(created_at__lt=stale_before))
    batches = list(due.values_list("batch", flat=True).distinct()[:500])
    # A query of its own: each uses its partial index, where one with an OR would read the whole table.
    for batch in due_resends().values_list("batch", flat=True).distinct()[:500]:
        if batch not in batches:
            batches.append(batch)
    for batch in batches:
        queue_delivery(batch)
    return len(batches)
