"""Pages rendered once for many viewers and finished per request: the signed-in pages everyone reads.

The directory and a group's page look the same to everyone with the same standing: what differs between
two teachers reading the directory is their name in the header, their CSRF token, their unread count,
their messages and each card's join button. So such a page is rendered once per key (the view's content
version, the language, the full path, the viewer's role flags, the district's site settings) into HTML
holding *slots*, kept in the process, and each request fills the slots in: a regular-expression pass over
the page instead of the template engine's thousands of node renders.

What fills a slot:
- `{% viewer_part "name" %}...{% endviewer_part %}` (belong/templatetags/viewer.py) in a template: its
  contents are rendered per request with the viewer's own context (request, user, messages, CSRF token,
  language, site settings), never stored;
- `slot("name")` placed in the shared context by a view, whose value the view gives per request (the
  directory's join buttons);
- the CSRF token (`{% csrf_token %}` anywhere in the page) and the language-independent rest are done here.

Safe by construction rather than by care: while a shared page renders, `user` and `request` are stand-ins
that expose only what is in the key (role flags, path, language) and raise `ViewerDataInSharedPage` for
anything else, so a template that reads `user.email` outside a viewer part fails loudly in tests instead
of storing one person's e-mail for everyone. Views use this only for pages whose content key names every
row they show (see groups.views), and never for what must not sit in shared memory at all (a
confidential group's member names).
"""

from __future__ import annotations

import gzip
import re
import secrets
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe

from .fragments import FragmentStore, row_digest
from .models import SiteSettings

# Colons and letters only: nothing the template engine escapes, valid in text and in attribute values.
# The token is per process, so no text a person typed can imitate a slot.
_TOKEN = secrets.token_hex(8)
_SLOT = re.compile(rf"belong-slot:{_TOKEN}:([A-Za-z0-9_.-]+):")
RENDERING = "_belong_shared_page"  # the context variable that tells viewer_part a shared page is rendering


class ViewerDataInSharedPage(Exception):
    """A template read something about the viewer while rendering a page shared by many viewers."""


def slot(name: str) -> SafeString:
    """A place in a shared page that each request fills in (its value passed to `render_shared`)."""
    return mark_safe(f"belong-slot:{_TOKEN}:{name}:")  # noqa: S308 - letters, digits and colons only


def viewer_flags(user) -> tuple[bool, bool, bool]:
    """What of the viewer a shared page may depend on: it is part of every key."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    return (
        authenticated,
        authenticated and bool(getattr(user, "is_equity_director", False)),
        authenticated and bool(getattr(user, "is_staff", False)),
    )


class _SharedViewer:
    """The viewer as a shared page sees them: the role flags in the key, nothing else."""

    def __init__(self, user) -> None:
        self.is_authenticated, self.is_equity_director, self.is_staff = viewer_flags(user)
        self.is_anonymous = not self.is_authenticated

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise ViewerDataInSharedPage(f"user.{name} read while rendering a shared page")


# Attributes Django's own tags probe for and do without ({% url %} tries request.current_app).
_ABSENT_ON_REQUESTS = frozenset({"current_app"})


class _SharedRequest:
    """The request as a shared page sees it: the path and language in the key, nothing else."""

    def __init__(self, request: HttpRequest) -> None:
        self.path = request.path
        self.path_info = request.path_info
        self.method = request.method
        self.GET = request.GET  # the query is in the key ({% querystring %} reads it)
        self.resolver_match = request.resolver_match
        self.LANGUAGE_CODE = getattr(request, "LANGUAGE_CODE", translation.get_language())
        self.user = _SharedViewer(request.user)
        self._full_path = request.get_full_path()

    def get_full_path(self) -> str:
        return self._full_path

    def __getattr__(self, name: str):
        if name.startswith("_") or name in _ABSENT_ON_REQUESTS:
            raise AttributeError(name)
        raise ViewerDataInSharedPage(f"request.{name} read while rendering a shared page")


class Keyed:
    """An object of the viewer's (their membership) reduced to the attributes its key names: reading any
    other attribute while a shared page renders raises, as for `user`."""

    def __init__(self, label: str, **attributes: Any) -> None:
        self.__dict__.update(attributes)
        self._label = label

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise ViewerDataInSharedPage(f"{self._label}.{name} read while rendering a shared page")


@dataclass
class SharedPage:
    html: str
    template: Any  # django.template.base.Template: the viewer parts render against it
    parts: dict[str, Any] = field(default_factory=dict)  # name -> NodeList of a viewer_part
    data: Any = None  # what the view kept beside the page (e.g. the cards' rules), shared like the page
    expires_at: datetime | None = None


@dataclass
class SharedContent:
    """What a view's builder returns on a miss: the template's context, data kept with the page, and when
    the page goes stale by itself (the group page's next meetings: the first one ends and leaves the list)."""

    context: dict[str, Any]
    data: Any = None
    expires_at: datetime | None = None


# Pages are 20-80 KB: 600 of them is ~30 MB a worker (50 at most), the current versions of the pages being read
# (older versions are never asked for again and fall out first).
_pages = FragmentStore(max_entries=600)


def lookup(request: HttpRequest, template_name: str, key: Hashable, build: Callable[[], SharedContent]) -> SharedPage:
    """The shared page for `key` (rendered now with `build()` if this process has not got it yet)."""
    site_settings = SiteSettings.current()
    full_key = (
        template_name,
        key,
        translation.get_language(),
        timezone.get_current_timezone_name(),  # dates on the page (the district's zone today)
        request.get_full_path(),
        viewer_flags(request.user),
        row_digest(site_settings),
    )
    request._belong_site_settings = site_settings  # finish() fills the viewer parts with the same row

    def render() -> SharedPage:
        return _render(request, template_name, build(), site_settings)

    page = _pages.get_or_render(full_key, render)
    if page.expires_at is not None and timezone.now() >= page.expires_at:
        page = _pages.put(full_key, render())
    return page


def finish(request: HttpRequest, page: SharedPage, slots: dict[str, str] | None = None, status: int = 200):
    """The response for this viewer: the page with its viewer parts, CSRF token and `slots` filled in."""
    values: dict[str, str] = dict(slots or {})
    context = None
    for name, nodelist in page.parts.items():
        if context is None:
            context = _viewer_context(request)
        with context.bind_template(page.template):
            values[name] = nodelist.render(context)
    if "csrf" not in values:
        values["csrf"] = get_token(request)
    html = _SLOT.sub(lambda match: values[match.group(1)], page.html)
    return HttpResponse(html, status=status)


def _render(request: HttpRequest, template_name: str, content: SharedContent, site_settings) -> SharedPage:
    template = get_template(template_name)
    page = SharedPage(html="", template=template.template, data=content.data, expires_at=content.expires_at)
    shared_request = _SharedRequest(request)
    context = {
        **content.context,
        "request": shared_request,
        "user": shared_request.user,
        "perms": None,
        "messages": (),
        "csrf_token": slot("csrf"),
        "site_settings": site_settings,
        RENDERING: page,
    }
    page.html = template.render(context, request=shared_request)
    return page


def _viewer_context(request: HttpRequest) -> Context:
    return Context(
        {
            "request": request,
            "user": request.user,
            "messages": get_messages(request),
            "csrf_token": get_token(request),
            "LANGUAGE_CODE": translation.get_language(),
            "LANGUAGE_BIDI": translation.get_language_bidi(),
            "site_settings": getattr(request, "_belong_site_settings", None) or SiteSettings.current(),
        },
        autoescape=True,
    )


def clear() -> None:
    """Forget every shared page of this process (tests; a deploy starts empty anyway)."""
    _pages.clear()
    _precompressed.clear()


# --- Whole pages kept compressed ---------------------------------------------------------------------

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class Precompressed:
    """A page that is the same for every visitor (the public plan: 165 KB at district size), kept with its
    gzip encoding so a browser gets ~25 KB without compressing per request and without a proxy doing it.
    Only for pages holding nothing secret: compressing a secret beside text an attacker can reflect is
    what BREACH exploits, and these pages hold neither."""

    body: bytes
    gzipped: bytes

    @classmethod
    def of(cls, body: bytes) -> Precompressed:
        return cls(body=body, gzipped=gzip.compress(body, compresslevel=6, mtime=0))

    def response(self, request: HttpRequest) -> HttpResponse:
        if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(self.gzipped)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(self.body)
        patch_vary_headers(response, ("Accept-Encoding",))
        return response


_precompressed = FragmentStore(max_entries=200)


def precompressed_page(key: Hashable, render: Callable[[], bytes]) -> Precompressed:
    """The page under `key` (which must name everything it shows), kept in this process with its gzip."""
    return _precompressed.get_or_render(key, lambda: Precompressed.of(render()))
