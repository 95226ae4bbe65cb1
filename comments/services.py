"""Every change to comments goes through here."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from belong import mail
from belong.models import AuditLog, OutboxMessage

from . import receipts
from .models import Comment, CommentNote, Relationship, Topic, day_number

log = logging.getLogger(__name__)

Status = Comment.Status
REPLY_KIND = "comments.reply"
PURGE_BATCH_SIZE = 1000


@dataclass(frozen=True)
class Submitted:
    comment: Comment
    # The only copy of the code: shown once in the response, never stored or logged.
    receipt_code: str


@transaction.atomic
def comment_submit(
    *,
    topic: Topic,
    body: str,
    language: str,
    disclose: bool = False,
    name: str = "",
    email: str = "",
    relationship: str = "",
    publish_consent: bool = False,
) -> Submitted:
    """Store one public comment and return it with its receipt code.

    Takes nothing about the request: there is no parameter through which an address, user agent,
    session or user could arrive.
    """
    if not disclose:
        name = email = relationship = ""
    if relationship and relationship not in Relationship.values:
        raise ValueError("Unknown relationship.")
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    today = timezone.localdate()
    for _attempt in range(5):
        code = receipts.new_code()
        try:
            with transaction.atomic():
                comment = Comment.objects.create(
                    sequence=day_number(today),
                    topic=topic,
                    body=body,
                    language=language,
                    submitted_on=today,
                    publish_consent=publish_consent,
                    status_changed_on=today,
                    identity_disclosed=disclose,
                    disclosed_name=name,
                    disclosed_email=email,
                    disclosed_relationship=relationship,
                    receipt_hash=receipts.hash_code(code),
                )
        except IntegrityError:
            # A receipt collision (one in 10^16 per pair) or two comments drawing the same day number:
            # draw both again.
            continue
        return Submitted(comment=comment, receipt_code=code)
    raise RuntimeError("Could not draw an unused receipt code and comment number.")


def _status_fields(status: str, today: date) -> dict:
    return {
        "status": status,
        "status_changed_on": today,
        "closed_on": today if status == Status.CLOSED else None,
    }


@transaction.atomic
def comment_review(
    *,
    comment_id: uuid.UUID | str,
    status: str,
    reply: str,
    legal_hold: bool,
) -> Comment:
    """Save a reviewer's decision: status, public reply (e-mailed when the writer gave an address), hold."""
    comment = Comment.objects.select_for_update().get(pk=comment_id)
    today = timezone.localdate()
    reply = reply.strip()
    reply_changed = reply != comment.reply
    if reply_changed:
        comment.reply = reply
        comment.replied_on = today if reply else None
        if reply and status in (Status.NEW, Status.IN_REVIEW):
            status = Status.ANSWERED
    if status != comment.status:
        for field, value in _status_fields(status, today).items():
            setattr(comment, field, value)
    comment.legal_hold = legal_hold
    comment.save()
    if reply_changed and reply and comment.disclosed_email:
        _enqueue_reply(comment)
    return comment


def _enqueue_reply(comment: Comment) -> None:
    version = hashlib.sha256(comment.reply.encode()).hexdigest()[:16]
    dedupe_key = f"{REPLY_KIND}:{comment.pk}:{version}"
    written = mail.enqueue(
        kind=REPLY_KIND, to=comment.disclosed_email, context={"comment_id": str(comment.pk)}, dedupe_key=dedupe_key
    )
    if written:
        # The outbox renders address-only mail in the site language; the writer gets their own.
        OutboxMessage.objects.filter(dedupe_key__startswith=f"{dedupe_key}:").update(language=comment.language)


@transaction.atomic
def comment_set_status(*, comment_ids: Iterable, status: str) -> int:
    """Bulk status change from the review list; returns how many comments changed."""
    if status not in Status.values:
        raise ValueError("Unknown status.")
    today = timezone.localdate()
    ids = comment_ids if isinstance(comment_ids, QuerySet) else list(comment_ids)
    return Comment.objects.filter(pk__in=ids).exclude(status=status).update(**_status_fields(status, today))


@transaction.atomic
def comment_note_add(*, comment: Comment, body: str, author_name: str) -> CommentNote:
    return CommentNote.objects.create(
        comment=comment, body=body, author_name=author_name, written_on=timezone.localdate()
    )


@transaction.atomic
def comment_access_record(*, actor: User, action: str, object_id: str = "", detail: dict | None = None) -> AuditLog:
    """An audit row for a reviewer opening or exporting comments."""
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        object_type="comments.comment",
        object_id=object_id,
        purpose="Public comment review",
        detail=detail or {},
    )


def comment_blur_order(*, today: date | None = None) -> int:
    """Take from the database what it records about the order comments arrived in. Run hourly.

    The rows hold no time, but PostgreSQL still keeps their order of arrival in two places: the
    transaction id that wrote each row (xmin, readable with the database itself, and which orders it
    against every other table's timestamped rows) and the row's place in the table file, which a dump
    reproduces. Rewriting today's and yesterday's rows in one transaction gives them all one transaction
    id; CLUSTER on the random UUID key then rewrites the table in an order unrelated to arrival. Returns
    how many rows were rewritten.
    """
    since = (today or timezone.localdate()) - timedelta(days=1)
    table = connection.ops.quote_name(Comment._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET sequence = sequence WHERE submitted_on >= %s", [since])  # noqa: S608 # nosec B608
        rewritten = cursor.rowcount
    # A separate statement after the commit, so the old row versions (with their own ids) are dead to all
    # and not copied; CLUSTER takes a brief exclusive lock on the table.
    pkey = connection.ops.quote_name(f"{Comment._meta.db_table}_pkey")
    with connection.cursor() as cursor:
        cursor.execute(f"CLUSTER {table} USING {pkey}")
    return rewritten


def comment_purge_expired(*, today: date | None = None) -> int:
    """Delete closed comments past retention, except those held (or on a held topic). Returns the count.

    Works in short batches so a large backlog never holds long locks; the outbox rows that carry a
    deleted comment's disclosed address go with it.
    """
    days = int(getattr(settings, "COMMENT_RETENTION_DAYS", 365))
    cutoff = (today or timezone.localdate()) - timedelta(days=days)
    expired = Comment.objects.filter(
        status=Status.CLOSED, closed_on__lt=cutoff, legal_hold=False, topic__legal_hold=False
    )
    purged = 0
    while True:
        with transaction.atomic():
            ids = list(expired.order_by("closed_on").values_list("pk", flat=True)[:PURGE_BATCH_SIZE])
            if not ids:
                break
            OutboxMessage.objects.filter(kind=REPLY_KIND, context__comment_id__in=[str(i) for i in ids]).delete()
            Comment.objects.filter(pk__in=ids).delete()
            purged += len(ids)
    if purged:
        AuditLog.objects.create(
            action="comments.purge",
            object_type="comments.comment",
            purpose="Retention",
            detail={"deleted": purged, "closed_before": cutoff.isoformat()},
        )
        log.info("Purged %s closed comments past retention.", purged)
    return purged
