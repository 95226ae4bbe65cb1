"""Writing outbox rows in the caller's transaction, queueing their delivery after commit, delivering them
row by row (claim, build, send, record), and the sweeper that queues what was left behind."""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

from celery import signature
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import mailers
from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower, Now

from ..models import OutboxMessage, SuppressedAddress
from ..publisher import publish_in_background
from ..rows import RowWriter
from . import states
from .kinds import RenderCache, category_of, is_ephemeral
from .smtp import Built, Pipeline, PossiblyDelivered, address_refused, reply_of
from .states import due_messages, due_resends

# Every part of the outbox logs as "belong.mail", as the single module did (log filters, caplog).
log = logging.getLogger("belong.mail")


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


# Writes outbox rows by hand (belong.rows): a join's e-mails are on its hot path, and compiling the ORM's
# bulk INSERT cost more than running it.
OUTBOX_ROWS = RowWriter(OutboxMessage)


@dataclass(frozen=True)
class Outgoing:
    """Outbox rows built, one delivery batch, not yet written.

    For a caller that writes them in a statement of its own (`RowWriter.insert_one(..., along=[(
    mail.OUTBOX_ROWS, outgoing.rows)])`) and then calls `written()`, which queues their delivery for when the
    transaction commits.
    """

    batch: uuid.UUID
    rows: list[OutboxMessage]

    def written(self) -> None:
        if self.rows:
            batch = self.batch
            transaction.on_commit(lambda: publish_in_background(queue_delivery, batch))


def outgoing(*, parts: Iterable[tuple[str, Iterable]], context: dict[str, Any] | None = None) -> Outgoing:
    """The rows `enqueue_kinds` would write, for a caller that writes them itself."""
    batch = uuid.uuid4()
    rows = [row for kind, recipients in parts for row in _outbox_rows(batch, kind, recipients, context, None, None)]
    return Outgoing(batch, rows)


def enqueue_kinds(*, parts: Iterable[tuple[str, Iterable]], context: dict[str, Any] | None = None) -> int:
    """Queue several kinds of e-mail with one context as one insert and one delivery batch, in the caller's
    transaction: a welcome to a person and its notice to the leads cost one round trip and one publish
    instead of two of each. `parts` is (kind, recipients) pairs; no dedupe keys."""
    queued = outgoing(parts=parts, context=context)
    if queued.rows:
        OUTBOX_ROWS.insert(queued.rows)
        queued.written()
    return len(queued.rows)


# The Celery task that delivers a batch, by name: belong.tasks imports this module, never the reverse
# (BelongConfig.ready() imports belong.tasks, so the task is registered in every process).
DELIVER_BATCH_TASK = "belong.tasks.deliver_outbox_batch"


def queue_delivery(batch: uuid.UUID) -> None:
    """Hand a batch to Celery; when the broker is down the sweeper delivers it later.

    This runs after the commit of a web request, so it makes one attempt to reach the broker: kombu's
    own connection loop (even with `retry=False`) sleeps about 6 s before giving up, which held every
    request that queues an e-mail for 6 s a batch while Redis was down.
    """
    delivery = signature(DELIVER_BATCH_TASK, args=[str(batch)])
    try:
        # Django's setting decides (tests and local runs switch it per test); Celery's own copy of it
        # can be left stale by code that re-points the app at another broker.
        if settings.CELERY_TASK_ALWAYS_EAGER:
            delivery.apply()
            return
        with delivery.app.pool.acquire(block=True, timeout=5) as connection:
            connection.ensure_connection(max_retries=0)
            delivery.apply_async(retry=False, connection=connection)
    except Exception as error:
        log.warning(
            "Outbox batch %s not queued (%s); the sweeper will deliver it.",
            batch,
            type(error).__name__,
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


class _Outcome(Enum):
    SENT = "sent"
    NOT_SENT = "not sent"  # recorded on the row: retried later, failed, possibly delivered
    RECONNECT = "reconnect"  # not sent, and the server closed the connection: open it again


def _deliver_chunk(rows: list[OutboxMessage], renders: RenderCache) -> tuple[int, int]:
    """Claim, build, send and record each row, each in its own transaction; returns (sent, claimed)."""
    sent = 0
    handled = 0
    with mailers.default as connection, Pipeline(connection) as pipeline:
        upcoming: dict[int, Built | Exception] = {}  # the next row's message, built while this one was sent
        for index, row in enumerate(rows):
            outcome = None
            with transaction.atomic():
                if not states.claim(row):
                    continue
                handled += 1
                built = _message_for(row, pipeline, renders, upcoming)
                if built is None:
                    continue
                sending = pipeline.send(built)
                _build_ahead(rows[index + 1] if index + 1 < len(rows) else None, pipeline, renders, upcoming)
                outcome = _record_outcome(row, sending, pipeline)
            if outcome is _Outcome.SENT:
                sent += 1
            elif outcome is _Outcome.RECONNECT:
                # After the row's outcome is committed: when the server does not take us back, the task
                # retries with backoff and the rows left wait for it.
                connection.close()
                connection.open()
    return sent, handled


def _message_for(
    row: OutboxMessage, pipeline: Pipeline, renders: RenderCache, upcoming: dict[int, Built | Exception]
) -> Built | None:
    """The claimed row's message, ready to send; None when the row was settled without sending."""
    if getattr(row, "suppressed_because", None) is not None:
        states.record_suppressed(row)
        return None
    if not _recipient_accepts(row):
        states.record_opted_out(row)
        return None
    built = upcoming.pop(row.id, None) or pipeline.build(row, renders)
    if isinstance(built, ObjectDoesNotExist):
        states.record_vanished(row, built)
        return None
    if isinstance(built, DatabaseError):
        raise built  # the connection is unusable: the task and the sweeper try again later
    if isinstance(built, Exception):
        # A renderer's or template's bug: retry this row with backoff, then mark it failed,
        # but never let it hold back the rest of the batch (the sweeper would re-queue the
        # batch every minute and fail on the same row each time).
        log.error("Outbox message %s could not be rendered.", row.id, exc_info=built)
        states.record_failure(row, built)
        return None
    return built


def _build_ahead(
    following: OutboxMessage | None,
    pipeline: Pipeline,
    renders: RenderCache,
    upcoming: dict[int, Built | Exception],
) -> None:
    """While the server takes this message, build the next one, when its rendering is at hand: a
    renderer's queries stay in the transaction of the row they are for."""
    if following is not None and _recipient_accepts(following) and renders.holds(following):
        upcoming[following.id] = pipeline.build(following, renders)


def _record_outcome(row: OutboxMessage, sending: Future, pipeline: Pipeline) -> _Outcome:
    """Wait for the server's answer to the row's message and write what it means on the row."""
    try:
        sending.result()
    except PossiblyDelivered as error:
        states.record_uncertain(row, error)
        return _Outcome.RECONNECT  # smtplib closed the connection on the timeout
    except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as error:
        code, text = reply_of(error)
        if 500 <= code <= 599:
            states.record_permanent(row, code, text, address_refused=address_refused(error, code, text))
        else:
            states.record_failure(row, error, code=code)
        # 421 ("closing the channel"): smtplib has closed the connection.
        closed = pipeline.direct and getattr(pipeline.connection.connection, "sock", None) is None
        return _Outcome.RECONNECT if closed else _Outcome.NOT_SENT
    except (smtplib.SMTPException, OSError) as error:
        # Lost before the message was handed over: not delivered, try again later.
        states.record_failure(row, error)
        if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError):
            raise  # the connection is gone: let the task retry with backoff
        return _Outcome.NOT_SENT
    states.mark_sent(row, ephemeral=is_ephemeral(row.kind))
    return _Outcome.SENT


def _recipient_accepts(row: OutboxMessage) -> bool:
    category = category_of(row.kind)
    if category is None or row.recipient is None:
        return True
    return row.recipient.wants_email(category)


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
