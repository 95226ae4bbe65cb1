"""What happens to e-mail after the outbox sent it: bounces, the suppression list, who cannot be reached.

Bounces come two ways (README "E-mail delivery: once, and failures seen"):
- by e-mail: with OUTBOX_BOUNCE_DOMAIN set, every message leaves with the envelope sender
  `bounces+<row>.<signature>@<domain>` (VERP); the mail server for that domain pipes what comes back to
  `manage.py process_bounce`, which reads the delivery status notification (RFC 3464) here;
- by webhook: a relay POSTs JSON to /delivery/bounces/ with `Authorization: Bearer <secret>`.
A DSN is trusted only through the signed VERP address (anyone can send mail to the bounce address);
the webhook only through its secret.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
from dataclasses import dataclass
from email.message import Message
from email.utils import parseaddr

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Lower

from . import mail
from .models import AuditLog, OutboxMessage, SuppressedAddress

log = logging.getLogger(__name__)

Status = OutboxMessage.Status

# States that mean "this person did not get it", shown to the director with their reasons.
FAILING_STATES = (Status.FAILED, Status.BOUNCED, Status.SUPPRESSED, Status.UNCERTAIN)

_MESSAGE_ID = re.compile(r"<?belong\.(\d{1,18})\.([0-9a-f]{16})@[^>]+>?", re.IGNORECASE)
_ENHANCED_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")


@dataclass
class Bounce:
    """One recipient's failure, as a DSN or a relay's webhook reports it."""

    address: str
    status: str  # an enhanced status code ("5.1.1") or a reply code ("550")
    reason: str
    row_id: int | None = None

    @property
    def permanent(self) -> bool:
        return self.status.strip().startswith("5")


# --- Services -------------------------------------------------------------------------------------


@transaction.atomic
def bounce_apply(*, bounce: Bounce, source: str) -> bool:
    """Apply one bounce: a permanent one puts the address on the suppression list and marks its message
    bounced. Returns whether it changed anything (temporary failures and repeats do not)."""
    if not bounce.permanent or "@" not in bounce.address:
        return False
    address = bounce.address.strip().lower()
    row = None
    if bounce.row_id is not None:
        row = OutboxMessage.objects.select_for_update().filter(pk=bounce.row_id).first()
        if row is not None and row.to_email.lower() != address:
            row = None  # a report about someone else's address does not touch this row
    reason = f"{bounce.status} {bounce.reason}".strip()[:2000]
    changed = mail.suppress(
        address, reason=reason, code=bounce.status, source=source, message_id=row.pk if row else None
    )
    if row is not None and row.status in (Status.SENT, Status.UNCERTAIN):
        OutboxMessage.objects.filter(pk=row.pk).update(status=Status.BOUNCED, last_error=reason)
        changed = True
    if changed:
        AuditLog.objects.create(
            action="mail.bounce",
            object_type="belong.suppressedaddress",
            object_id=address[:80],
            purpose="E-mail delivery",
            detail={"source": source, "status": bounce.status[:20], "message": row.pk if row else None},
        )
        log.info("Bounce applied (%s): message %s, status %s", source, row.pk if row else None, bounce.status)
    return changed


@transaction.atomic
def suppression_clear(*, suppressed: SuppressedAddress, by) -> None:
    """Take an address off the suppression list (its mailbox is fixed): mail to it is tried again."""
    AuditLog.objects.create(
        actor=by,
        action="mail.suppression_clear",
        object_type="belong.suppressedaddress",
        object_id=str(suppressed.pk),
        purpose="E-mail delivery",
        detail={"email": suppressed.email, "reason": suppressed.reason[:200], "source": suppressed.source},
    )
    suppressed.delete()


def process_dsn(raw: bytes, *, envelope_recipient: str | None = None) -> list[tuple[Bounce, bool]]:
    """Read a bounce message (a DSN, RFC 3464) and apply what it says; returns each bounce and whether it
    was applied. A report whose VERP address is missing or forged changes nothing."""
    bounces = parse_dsn(raw, envelope_recipient=envelope_recipient)
    return [(bounce, bounce.row_id is not None and bounce_apply(bounce=bounce, source="bounce")) for bounce in bounces]


def webhook_bounces(payload) -> list[Bounce]:
    """The bounces in a relay's JSON: one event, a list of them, or {"events": [...]}.

    An event: {"recipient": "...", "status": "5.1.1" or "550", "reason": "...", and to name the message,
    "message_id": "<belong.…@…>" or "return_path": "bounces+…@…"}. Raises ValueError on any other shape.
    """
    if isinstance(payload, dict) and "events" in payload:
        payload = payload["events"]
    events = payload if isinstance(payload, list) else [payload]
    if len(events) > 1000:
        raise ValueError("at most 1000 events a request")
    bounces = []
    for event in events:
        if not isinstance(event, dict):
            raise ValueError("each event is an object")
        recipient, status = event.get("recipient"), event.get("status")
        reason = event.get("reason", "")
        if not isinstance(recipient, str) or not isinstance(status, str | int) or not isinstance(reason, str):
            raise ValueError("an event has a recipient, a status and maybe a reason, as text")
        row_id = None
        if isinstance(event.get("message_id"), str):
            row_id = row_id_from_message_id(event["message_id"])
        if row_id is None and isinstance(event.get("return_path"), str):
            row_id = mail.row_id_from_return_path(event["return_path"])
        address = parseaddr(recipient)[1]
        bounces.append(Bounce(address=address[:254], status=str(status)[:20], reason=reason[:1000], row_id=row_id))
    return bounces


# --- Parsing --------------------------------------------------------------------------------------


def row_id_from_message_id(value: str) -> int | None:
    """The row our Message-ID names, when its batch part matches that row."""
    match = _MESSAGE_ID.search(value or "")
    if not match:
        return None
    row_id, batch = int(match.group(1)), match.group(2).lower()
    row = OutboxMessage.objects.filter(pk=row_id).values_list("batch", flat=True).first()
    return row_id if row is not None and row.hex[:16] == batch else None


def parse_dsn(raw: bytes, *, envelope_recipient: str | None = None) -> list[Bounce]:
    """The failed recipients a delivery status notification reports, each with the row its VERP names.

    The row comes from the envelope recipient the mail server passes (Postfix: ${original_recipient}),
    else from the headers a bounce arrives with (Delivered-To, X-Original-To, To). Without a valid
    signed VERP address `row_id` is None. Junk gives an empty list, never an exception.
    """
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:  # the parser is lenient; this is for what it still cannot take
        return []
    row_id = None
    candidates = [envelope_recipient or ""]
    for header in ("Delivered-To", "X-Original-To", "To"):
        candidates += [parseaddr(str(value))[1] for value in message.get_all(header, [])]
    for candidate in candidates:
        row_id = mail.row_id_from_return_path(candidate)
        if row_id is not None:
            break
    bounces = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _status_blocks(part):
            action = str(block.get("Action", "")).strip().lower()
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            address = recipient.split(";", 1)[-1].strip()
            status = str(block.get("Status", "")).strip()
            if action != "failed" or not address:
                continue  # "delayed", "delivered", "relayed": nothing to do
            diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split()).split(";", 1)[-1].strip()
            match = _ENHANCED_STATUS.search(status)
            bounces.append(
                Bounce(
                    address=parseaddr(address)[1] or address,
                    status=match.group(0) if match else status,
                    reason=diagnostic[:1000],
                    row_id=row_id,
                )
            )
    return bounces


def _status_blocks(part: Message) -> list[Message]:
    """The per-message and per-recipient field blocks of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    # Some parsers leave the part as text: split it into blocks of header fields ourselves.
    text = payload if isinstance(payload, str) else ""
    return [
        email.message_from_string(block.strip() + "\n") for block in re.split(r"\r?\n\s*\r?\n", text) if block.strip()
    ]


# --- Selectors ------------------------------------------------------------------------------------


def delivery_counts() -> tuple[list[tuple[str, str, int]], int]:
    """(state, its label, how many rows) for every state, zero included, and how many messages were
    resent after a possibly delivered try: one query."""
    found = {
        status: (n, resent)
        for status, n, resent in OutboxMessage.objects.order_by()
        .values_list("status")
        .annotate(n=Count("id"), resent=Count("id", filter=Q(resends__gt=0)))
    }
    counts = [(value, str(label), found.get(value, (0, 0))[0]) for value, label in Status.choices]
    return counts, sum(resent for _n, resent in found.values())


def failing_messages(limit: int = 100) -> list[OutboxMessage]:
    """The latest messages that did not arrive, with the address and the reason only (never the context)."""
    return list(
        OutboxMessage.objects.filter(status__in=FAILING_STATES)
        .only("id", "to_email", "status", "last_error", "reply_code", "created_at", "attempts", "resends")
        .order_by("-id")[:limit]
    )


def suppressed_addresses(limit: int = 500) -> list[SuppressedAddress]:
    return list(
        SuppressedAddress.objects.only("id", "email", "reason", "reply_code", "source", "created_at").order_by(
            "-created_at", "-id"
        )[:limit]
    )


def unreachable(queryset, *, email_field: str):
    """Only the rows of `queryset` whose address (at `email_field`) is on the suppression list, each with
    `suppressed_reason` and `suppressed_since`: e.g. a group's members, for its leads."""
    entry = SuppressedAddress.objects.filter(email=Lower(OuterRef(email_field)))
    return queryset.filter(Exists(entry)).annotate(
        suppressed_reason=Subquery(entry.values("reason")[:1]),
        suppressed_since=Subquery(entry.values("created_at")[:1]),
    )


def failing_address_of(user) -> SuppressedAddress | None:
    if not getattr(user, "is_authenticated", False) or not user.email:
        return None
    return SuppressedAddress.objects.filter(email=user.email.strip().lower()).first()
