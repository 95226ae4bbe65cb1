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

The package by concern; callers use what this module exports (`from belong import mail`):
- kinds.py: the registry of e-mail kinds (`register`, `Rendered`) and how a row becomes a message
  (`build_message`, RenderCache, the unsubscribe link, the Message-ID);
- states.py: the rows' states: what is due, the claim that locks a row, what each outcome writes, the
  suppression list;
- smtp.py: the SMTP pipeline (the helper thread, "possibly delivered", reply codes, VERP addresses);
- outbox.py: `enqueue`, queueing the delivery task after commit, `deliver` (claim, build, send, record
  each row) and `sweep`.
It imports no app and not belong.tasks: the task module imports this one and is found by name.
"""

from .kinds import (
    _KINDS,
    UNSUBSCRIBE_SALT,
    Kind,
    OutboxEmail,
    RenderCache,
    Rendered,
    build_message,
    category_of,
    message_id,
    register,
    set_unsubscribe_page,
    site_domain,
    unsubscribe_token,
)
from .outbox import (
    DELIVER_BATCH_TASK,
    OUTBOX_ROWS,
    Outgoing,
    deliver,
    enqueue,
    enqueue_kinds,
    enqueue_many,
    outgoing,
    queue_delivery,
    sweep,
)
from .smtp import PossiblyDelivered, reply_of, return_path, row_id_from_return_path
from .states import due_messages, due_resends, suppress

__all__ = [
    "DELIVER_BATCH_TASK",
    "OUTBOX_ROWS",
    "UNSUBSCRIBE_SALT",
    "_KINDS",
    "Kind",
    "OutboxEmail",
    "Outgoing",
    "PossiblyDelivered",
    "RenderCache",
    "Rendered",
    "build_message",
    "category_of",
    "deliver",
    "due_messages",
    "due_resends",
    "enqueue",
    "enqueue_kinds",
    "enqueue_many",
    "message_id",
    "outgoing",
    "queue_delivery",
    "register",
    "reply_of",
    "return_path",
    "row_id_from_return_path",
    "set_unsubscribe_page",
    "site_domain",
    "suppress",
    "sweep",
    "unsubscribe_token",
]
