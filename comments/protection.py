"""How the public comment pages protect themselves without knowing who is using them.

Why there is no CSRF cookie here: CSRF protection stops a hostile site from riding a visitor's
*authority* (their session). The comment pages grant no authority: they never read the session, the
signed-in user or any cookie, so a forged submission can do nothing a direct one cannot. A CSRF cookie
would only add an identifier to pages that promise to set none, and would break the form for people
who block cookies. What remains is abuse, which we meet with:

- a signed, time-limited, single-use form token (django.core.signing): a bot must fetch the page first,
  cannot post faster than a person plausibly could, cannot reuse a token, and a stale page asks again;
- a same-origin check on the Origin and Sec-Fetch-Site headers when the browser sends them (with
  `Referrer-Policy: no-referrer` browsers send `Origin: null` for same-page posts, which we accept);
- a honeypot field people never see;
- rate limits keyed on an HMAC of the client address under a secret that lives only in the cache for
  about a day, so neither the address nor anything that can be turned back into it is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

_TOKEN_SALT = "belong.comments.form"  # noqa: S105 - a signing namespace, not a secret # nosec B105


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- Pages that must not know who is visiting --------------------------------------------------------


class _NoSession:
    """Stands in for request.session inside the comment views: any use is a bug, so it fails loudly."""

    def __getattr__(self, name):
        raise RuntimeError("The public comment pages must not use the session.")

    def __getitem__(self, key):
        raise RuntimeError("The public comment pages must not use the session.")

    def __contains__(self, key):
        raise RuntimeError("The public comment pages must not use the session.")


async def _anonymous_auser():
    return AnonymousUser()


def anonymous_page(view):
    """Run a view as if nobody were signed in, without loading the session, and mark the response private.

    While the view (and its template) runs, `request.user` is an AnonymousUser, `request.session` raises,
    and stored flash messages are hidden (reading them could load the session). The real objects are
    put back afterwards untouched, so a signed-in member's session is neither read, saved nor cleared.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        hidden = {name: request.__dict__[name] for name in ("user", "auser", "session", "_messages")
                  if name in request.__dict__}
        request.user = AnonymousUser()
        request.auser = _anonymous_auser
        request.session = _NoSession()
        request.__dict__.pop("_messages", None)
        try:
            response = view(request, *args, **kwargs)
        finally:
            for name in ("user", "auser", "session"):
                request.__dict__.pop(name, None)
            request.__dict__.update(hidden)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return csrf_exempt(wrapper)


# --- Rate limits ---------------------------------------------------------------------------------------


def client_address(request) -> str:
    from belong.net import client_address as shared  # one reading of TRUSTED_PROXY_COUNT for all of Belong

    return shared(request)


def _daily_secret() -> bytes:
    """A random secret for today, held only in the cache; when it expires, yesterday's keys mean nothing."""
    key = f"comments:rl-secret:{timezone.now().date().isoformat()}"
    secret = cache.get(key)
    if secret is None:
        cache.add(key, secrets.token_hex(32), timeout=2 * 86400)  # add: concurrent first writers agree
        secret = cache.get(key)
    return secret.encode()


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    window: int


def submission_limit() -> Limit:
    return Limit(
        "submit",
        _setting("COMMENT_RATE_LIMIT_COUNT", 10),
        _setting("COMMENT_RATE_LIMIT_WINDOW_SECONDS", 3600),
    )


def receipt_limit() -> Limit:
    return Limit(
        "receipt",
        _setting("COMMENT_RECEIPT_RATE_LIMIT_COUNT", 20),
        _setting("COMMENT_RECEIPT_RATE_LIMIT_WINDOW_SECONDS", 3600),
    )


def allow(request, limit: Limit) -> bool:
    """Count one attempt from this client; False once it has used up the limit for this window."""
    digest = hmac.new(_daily_secret(), client_address(request).encode(), hashlib.sha256).hexdigest()[:32]
    window = max(limit.window, 1)
    key = f"comments:rl:{limit.scope}:{digest}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        count = 1
    return count <= limit.count


# --- Form token --------------------------------------------------------------------------------------


def new_form_token() -> str:
    return signing.dumps({"n": secrets.token_urlsafe(12), "t": int(time.time())}, salt=_TOKEN_SALT)


class TokenProblem:
    MISSING = "missing"
    EXPIRED = "expired"
    TOO_FAST = "too_fast"
    USED = "used"


def check_form_token(token: str) -> tuple[str | None, str | None]:
    """(problem, nonce): problem is None when the token is genuine, fresh and old enough."""
    max_age = _setting("COMMENT_FORM_MAX_AGE_SECONDS", 86400)
    try:
        payload = signing.loads(token or "", salt=_TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return TokenProblem.EXPIRED, None
    except signing.BadSignature:
        return TokenProblem.MISSING, None
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
        return TokenProblem.MISSING, None
    if time.time() - payload.get("t", 0) < _setting("COMMENT_FORM_MIN_SECONDS", 2):
        return TokenProblem.TOO_FAST, None
    if cache.get(_nonce_key(payload["n"])):
        return TokenProblem.USED, None
    return None, payload["n"]


def use_form_token(nonce: str) -> bool:
    """Spend a token's nonce; False if another request spent it first."""
    return cache.add(_nonce_key(nonce), 1, timeout=_setting("COMMENT_FORM_MAX_AGE_SECONDS", 86400) + 60)


def _nonce_key(nonce: str) -> str:
    return f"comments:form-used:{nonce}"


def is_cross_origin(request) -> bool:
    """True when the browser tells us the post came from another site."""
    if request.headers.get("Sec-Fetch-Site", "") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS
