"""The kinds of e-mail and how a row becomes a message: the registry apps fill, rendering in the
recipient's language (shared between rows for a few seconds), the unsubscribe link and the Message-ID."""

from __future__ import annotations

import email.policy
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import MIMEPart
from email.utils import formataddr, parseaddr
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import DatabaseError
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import translation

from ..models import OutboxMessage


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


def is_ephemeral(kind: str) -> bool:
    """Whether a sent message of this kind forgets its stored context."""
    entry = _KINDS.get(kind)
    return entry.ephemeral if entry else False


# The one copy of the salt: accounts' unsubscribe page reads the tokens signed here.
UNSUBSCRIBE_SALT = "belong.unsubscribe"


# The path of the one-click unsubscribe page for a token; the app that serves that page sets it in its
# AppConfig.ready() (accounts). Unset, messages go without an unsubscribe link.
_unsubscribe_path: Callable[[str], str] | None = None


def set_unsubscribe_page(path_of: Callable[[str], str]) -> None:
    """Register `path_of(token) -> URL path` of the page where a recipient opts out of a category."""
    global _unsubscribe_path
    _unsubscribe_path = path_of


def unsubscribe_token(row: OutboxMessage, category: str) -> str:
    return signing.dumps({"u": row.recipient_id, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def _unsubscribe_url(row: OutboxMessage, category: str) -> str | None:
    if _unsubscribe_path is None:
        return None
    try:
        return f"{settings.SITE_URL}{_unsubscribe_path(unsubscribe_token(row, category))}"
    except NoReverseMatch:
        return None  # a URLconf without the page (a trimmed-down one for a probe)


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
        url = _unsubscribe_url(row, category) if category and row.recipient_id else None
        if url:
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
