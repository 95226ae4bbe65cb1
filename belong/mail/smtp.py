"""The SMTP side of delivery: messages go over a reused connection from a helper thread while the next one
is built (Pipeline); a failure after the whole message was handed over is told from one before it
(PossiblyDelivered); the server's reply is read into a code and text; VERP envelope senders name their row."""

from __future__ import annotations

import email.policy
import smtplib
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import OutboxMessage
from .kinds import RenderCache, build_message


class PossiblyDelivered(smtplib.SMTPException):
    """The server had the whole message (the final "." was written) when its answer failed to come."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


def send_tracked(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> None:
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


def address_refused(error: Exception, code: int, text: str) -> bool:
    """Whether a 5xx is about the recipient's mailbox (rather than our sender, the content or policy)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(error, smtplib.SMTPDataError):
        # RFC 3463: 5.1.x is the address, 5.2.1/5.2.2 a disabled or full mailbox.
        return text.startswith(("5.1.", "5.2.1", "5.2.2"))
    return False


@dataclass
class Built:
    message: EmailMultiAlternatives
    # For Django's SMTP backend: sender, recipients and the message's bytes, made here.
    envelope: tuple[str, list[str], bytes] | None = None


class Pipeline:
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

    def __enter__(self) -> Pipeline:
        self._switches = _quick_thread_switches()
        self._switches.__enter__()
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-smtp")
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self._sender.shutdown(wait=True)
        finally:
            self._switches.__exit__(*exc_info)

    def build(self, row: OutboxMessage, renders: RenderCache) -> Built | Exception:
        """The row's message, ready to send, or what went wrong building it."""
        try:
            message = build_message(row, renders)
            if not self.direct:
                return Built(message)
            # What EmailBackend._send does, done in this thread.
            if settings.OUTBOX_BOUNCE_DOMAIN:
                sender = return_path(row)
            else:
                sender = self._senders.get(message.from_email)
                if sender is None:
                    sender = self._senders[message.from_email] = self.connection.prep_address(message.from_email)
            recipients = [self.connection.prep_address(address) for address in message.recipients()]
            return Built(message, (sender, recipients, message.message(policy=email.policy.SMTP).as_bytes()))
        except Exception as error:
            return error

    def send(self, built: Built) -> Future:
        if built.envelope is None:
            return self._sender.submit(self.connection.send_messages, [built.message])
        return self._sender.submit(send_tracked, self.connection.connection, *built.envelope)


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
