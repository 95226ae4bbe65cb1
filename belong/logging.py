"""What reaches a log line: the URL *pattern* a request matched, never the address a person typed.

A path such as /accounts/password/reset/key/1a-<key>/ is a credential: whoever reads it can set that
person's password. Rather than recognise every kind of secret, requests are logged by the route they
resolved to, with each parameter shown as <name> (`/accounts/password/reset/key/<uidb36>-<key>/`),
and without the query string. A path that matches no route is logged as its first segment when that
segment is one of the site's own literal prefixes, then `<unmatched>`. The anonymous comment pages
are not logged at all. `scrub()` still runs over every line as defence in depth.
"""

from __future__ import annotations

import functools
import logging
import re
from urllib.parse import unquote, urlsplit

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b")
_RECEIPT = re.compile(r"\b\d{4}(?:[- ]?\d{4}){3,}\b")
# A query string may carry anything (a login code, a token, a search for a colleague's name).
_QUERY = re.compile(r"(/[^\s?#\"'<>]*)\?[^\s\"'<>]*")
# One path segment (everything between slashes), and its stem without a file extension.
_SEGMENT = re.compile(r"(?<=/)[^/\s?#\"'<>]+")
_STEM = re.compile(r"^(.+?)((?:\.[A-Za-z0-9]{1,5})?)$")
_PIECE = re.compile(r"[^\-_:.~]+")
UNMATCHED = "<unmatched>"
ROUTE_KEY = "belong.route"
SKIP_KEY = "belong.log_skip"


def _is_secret_piece(piece: str) -> bool:
    """A run of characters no person would name a page with: long, and mixing letters with digits
    or capitals (signed tokens, reset keys, hex digests), or very long whatever it holds."""
    if len(piece) >= 24:
        return True
    if len(piece) < 12:
        return False
    has_digit = any(c.isdigit() for c in piece)
    has_letter = any(c.isalpha() for c in piece)
    has_upper = any(c.isupper() for c in piece)
    return (has_digit and has_letter) or has_upper


def _scrub_segment(match: re.Match) -> str:
    stem, extension = _STEM.match(match.group(0)).groups()
    return "[token]" + extension if any(_is_secret_piece(p) for p in _PIECE.findall(stem)) else match.group(0)


def scrub(text: str) -> str:
    text = _QUERY.sub(r"\1", text)
    text = _IPV4.sub("[address]", text)
    text = _IPV6.sub("[address]", text)
    text = _SEGMENT.sub(_scrub_segment, text)
    return _RECEIPT.sub("[receipt]", text)


# --- Routes -------------------------------------------------------------------------------------------

_CONVERTER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def _regex_to_template(pattern: str) -> str:
    """`(?P<key>.+)/$` -> `<key>/`: groups become <name>, anchors and escapes go."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        if char == "(":
            name = "param"
            named = re.match(r"\(\?P<(\w+)>", pattern[i:])
            if named:
                name = named.group(1)
            depth, j = 0, i
            while j < len(pattern):
                if pattern[j] == "\\":
                    j += 2
                    continue
                if pattern[j] == "(":
                    depth += 1
                elif pattern[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out.append(f"<{name}>")
            i = j + 1
            continue
        if char == "[":
            j = pattern.find("]", i + 1)
            out.append("<param>")
            i = (j if j != -1 else len(pattern) - 1) + 1
            continue
        if char in "^$":
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out).removesuffix("\\Z")


@functools.lru_cache(maxsize=2048)
def route_template(route: str) -> str:
    """A resolver's route (path() converters and regular expressions alike) as `/a/<name>/b`."""
    template = _regex_to_template(route) if any(c in route for c in "^$()[\\") else route
    return "/" + _CONVERTER.sub(r"<\1>", template).lstrip("/")


def _literal_prefixes() -> set[str]:
    from django.conf import settings
    from django.urls import get_resolver

    prefixes = {settings.STATIC_URL.strip("/").split("/")[0]} if settings.STATIC_URL else set()
    for pattern in get_resolver().url_patterns:
        first = str(pattern.pattern).lstrip("^").split("/")[0]
        if first and re.fullmatch(r"[\w\-.]+", first):
            prefixes.add(first)
    return prefixes


def route_for_path(path: str) -> str:
    """The route of a path that was never dispatched (a redirect by a middleware, a 404, a 400)."""
    from django.conf import settings
    from django.urls import Resolver404, resolve

    try:
        return route_template(resolve(path).route)
    except Resolver404:
        pass
    except Exception:
        return "/" + UNMATCHED
    static = "/" + (settings.STATIC_URL or "").lstrip("/")
    if static != "/" and path.startswith(static) and not any(ord(c) < 32 for c in path):
        # File names under STATIC_URL are the project's own, never a person's input worth hiding.
        return scrub(path)
    first = path.lstrip("/").split("/")[0]
    if first in _literal_prefixes():
        return f"/{first}/{UNMATCHED}"
    return "/" + UNMATCHED


def route_of(request) -> str:
    """The route a request resolved to, computed once per request."""
    cached = getattr(request, "_belong_log_route", None)
    if cached is not None:
        return cached
    match = getattr(request, "resolver_match", None)
    route = route_template(match.route) if match is not None and match.route else route_for_path(request.path_info)
    request._belong_log_route = route
    return route


def _anonymous_path_pattern() -> re.Pattern:
    from django.conf import settings

    codes = "|".join(re.escape(code) for code, _name in sorted(settings.LANGUAGES, key=lambda c: -len(c[0])))
    prefixes = "|".join(re.escape(p.strip("/")) for p in settings.LOG_SKIP_PATH_PREFIXES)
    return re.compile(rf"^/(?:(?:{codes})/)?(?:{prefixes})(?:/|$)", re.IGNORECASE)


def is_anonymous_path(path: str) -> bool:
    """A page people use without signing in so as not to be known (the public comment form, its
    receipt lookup): no access log may record that someone was there, or when."""
    return bool(_anonymous_path_pattern().match(path or ""))


def is_anonymous_request(request) -> bool:
    from django.conf import settings

    match = getattr(request, "resolver_match", None)
    if match is not None and set(match.namespaces) & set(settings.LOG_SKIP_NAMESPACES):
        return True
    return is_anonymous_path(request.path_info) or is_anonymous_path(route_of(request))


# --- The filter on every handler ----------------------------------------------------------------------


def _escaped(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")


class ScrubSensitiveFilter(logging.Filter):
    """Drops the request object and rewrites the message so no identifying value survives.

    A line about a request (Django's "Not Found: /path", CSRF failures) names the request's route
    instead of its path; warnings about the anonymous comment pages are dropped altogether.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if hasattr(record, "request"):
            # Django attaches the request to error records; an error report built from it would
            # carry REMOTE_ADDR, the user agent and the POST body. Gone even from a dropped record,
            # which other handlers may still see.
            record.request = None
        replacements: dict[str, str] = {}
        if request is not None and hasattr(request, "path_info"):
            try:
                if is_anonymous_request(request) and record.levelno < logging.ERROR:
                    return False
                route = route_of(request)
                for path in (request.get_full_path(), request.path, request.path_info):
                    replacements[path] = route
                    replacements[_escaped(path)] = route
            except Exception:
                replacements = {}
        elif record.name == "django.server" and record.args:
            replacements, skip = self._server_line(record.args[0])
            if skip:
                return False
        try:
            if replacements and isinstance(record.args, tuple):
                record.args = tuple(replacements.get(a, a) if isinstance(a, str) else a for a in record.args)
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        for original in sorted(replacements, key=len, reverse=True):
            if len(original) > 1:
                message = message.replace(original, replacements[original])
        record.msg = scrub(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            # The formatter would render the traceback after this filter ran, unscrubbed; an
            # exception's message can hold the very values removed above.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            for original in sorted(replacements, key=len, reverse=True):
                if len(original) > 1:
                    record.exc_text = record.exc_text.replace(original, replacements[original])
            record.exc_text = scrub(record.exc_text)
        return True

    @staticmethod
    def _server_line(request_line) -> tuple[dict[str, str], bool]:
        """runserver's '"GET /path?query HTTP/1.1" 200 512': the path becomes its route."""
        parts = str(request_line).split(" ")
        if len(parts) < 2:
            return {}, False
        raw = parts[1]
        path = unquote(urlsplit(raw).path)
        try:
            if is_anonymous_path(path):
                return {}, True
            return {str(request_line): " ".join([parts[0], route_for_path(path), *parts[2:]])}, False
        except Exception:
            return {str(request_line): f"{parts[0]} /{UNMATCHED}"}, False
