"""The mail outbox: every e-mail the portal sends is a row first, then a delivery after commit.

    enqueue(kind="groups.joined", to=user, context={"membership_id": m.id})

writes the row in the caller's transaction and, once that transaction commits, queues one Celery
task for the rows it wrote. Delivery renders each row in its recipient's language from
templates/emails/<kind>.{subject.txt,txt,html}, sends one message per recipient over a reused
SMTP connection, and marks the row sent in its own short transaction with the row locked
(`select_for_update(skip_locked=True)`), so a task that runs twice sends each row once.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from .models import OutboxMessage

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


_KINDS: dict[str, Kind] = {}


def register(kind: str, *, category: str | None = None, ephemeral: bool = False):
    """Decorator for a renderer: `fn(stored_context) -> Rendered` (may raise ObjectDoesNotExist)."""

    def decorator(fn: Callable[[dict[str, Any]], Rendered]):
        _KINDS[kind] = Kind(render=fn, category=category, ephemeral=ephemeral)
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
        transaction.on_commit(lambda: queue_delivery(batch))
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
        log.warning("Outbox batch %s not queued (%s); the sweeper will deliver it.", batch, type(error).__name__, )


def due_messages():
    now = timezone.now()
    return OutboxMessage.objects.filter(status=Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def deliver(*, batch: str | uuid.UUID | None = None, ids: Iterable[int] | None = None) -> int:
    """Send the due rows of a batch (or these IDs); returns how many were sent by this call."""
    candidates = due_messages()
    if batch is not None:
        candidates = candidates.filter(batch=batch)
    if ids is not None:
        candidates = candidates.filter(id__in=list(ids))
    sent = 0
    while True:
        chunk = list(candidates.order_by("id").values_list("id", flat=True)[: settings.OUTBOX_BATCH_SIZE])
        if not chunk:
            return sent
        chunk_sent, handled = _deliver_chunk(chunk)
        sent += chunk_sent
        if handled == 0:
            return sent  # every row is held by another worker


def _deliver_chunk(ids: list[int]) -> tuple[int, int]:
    sent = 0
    handled = 0
    with mailers.default as connection:
        for message_id in ids:
            with transaction.atomic():
                row = (
                    # of=("self",): lock the row only; FOR UPDATE cannot apply to the outer-joined
                    # (nullable) recipient, and the recipient must stay editable meanwhile.
                    OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .filter(id=message_id, status=Status.PENDING)
                    .first()
                )
                if row is None:
                    continue  # another worker holds it or already sent it
                handled += 1
                if not _recipient_accepts(row):
                    row.status = Status.SKIPPED
                    row.save(update_fields=["status"])
                    continue
                try:
                    email = build_message(row)
                except ObjectDoesNotExist as error:
                    row.status = Status.SKIPPED
                    row.last_error = f"What this e-mail was about no longer exists: {error}"
                    row.save(update_fields=["status", "last_error"])
                    continue
                except DatabaseError:
                    raise  # the connection is unusable: the task and the sweeper try again later
                except Exception as error:
                    # A renderer's or template's bug: retry this row with backoff, then mark it failed,
                    # but never let it hold back the rest of the batch (the sweeper would re-queue the
                    # batch every minute and fail on the same row each time).
                    log.exception("Outbox message %s could not be rendered.", row.id)
                    _record_failure(row, error)
                    continue
                try:
                    connection.send_messages([email])
                except (smtplib.SMTPException, OSError) as error:
                    _record_failure(row, error)
                    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError):
                        raise  # the connection is gone: let the task retry with backoff
                    continue
                row.status = Status.SENT
                row.sent_at = timezone.now()
                row.attempts += 1
                row.last_error = ""
                if _KINDS.get(row.kind, Kind(None, None)).ephemeral:
                    row.context = {}
                row.save(update_fields=["status", "sent_at", "attempts", "last_error", "context"])
                sent += 1
    return sent, handled


def _record_failure(row: OutboxMessage, error: Exception) -> None:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        row.status = Status.FAILED
    else:
        row.next_attempt_at = timezone.now() + timedelta(seconds=min(3600, 30 * 2 ** (row.attempts - 1)))
    row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    log.warning("Outbox message %s not sent (attempt %s): %s", row.id, row.attempts, type(error).__name__)


def _recipient_accepts(row: OutboxMessage) -> bool:
    category = category_of(row.kind)
    if category is None or row.recipient is None:
        return True
    return row.recipient.wants_email(category)


def unsubscribe_token(row: OutboxMessage, category: str) -> str:
    return signing.dumps({"u": row.recipient_id, "c": category}, salt="belong.unsubscribe", compress=True)


def build_message(row: OutboxMessage) -> EmailMultiAlternatives:
    """Render a row into the message its recipient will get."""
    entry = _KINDS.get(row.kind)
    with translation.override(row.language):
        rendered = entry.render(row.context) if entry and entry.render else Rendered()
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
    email = EmailMultiAlternatives(subject=subject, body=text, from_email=from_email, to=[row.to_email])
    email.extra_headers.update(headers)
    email.extra_headers["X-Belong-Message"] = str(row.id)
    if html:
        email.attach_alternative(html, "text/html")
    for name, content, mimetype in rendered.attachments:
        email.attach(name, content, mimetype)
    return email


def sweep() -> int:
    """Queue delivery of rows left pending: broker down at commit, a worker that died, a retry due."""
    stale_before = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    due = due_messages().filter(Q(next_attempt_at__isnull=False) | Q(created_at__lt=stale_before))
    batches = list(due.values_list("batch", flat=True).distinct()[:500])
    for batch in batches:
        queue_delivery(batch)
    return len(batches)
