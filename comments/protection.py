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
- a proof of work the browser solves by itself; submissions without it (no JavaScript) are accepted
  under a stricter global ceiling;
- rate limits on coarse address buckets (see below), so neither the address nor anything that narrows
  it below 65,536 addresses, nor the time of a submission finer than its window, is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import logging
import secrets
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.views.decorators.csrf import csrf_exempt
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

_TOKEN_SALT = "belong.comments.form"  # noqa: S105 - a signing namespace, not a secret


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
        hidden = {
            name: request.__dict__[name]
            for name in ("user", "auser", "session", "_messages")
            if name in request.__dict__
        }
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
#
# Someone holding all of Redis, the secrets, a database dump and the logs must learn no more than "a
# comment came from one of >= 65,536 addresses in this hour". So:
# - an address is reduced to a bucket: COMMENT_ADDRESS_BUCKET_BITS (at most 16) bits of an HMAC of the
#   address (IPv6: of its /48) under a random salt that lives only inside the window's own key; when the
#   window's key expires, nothing can map an address to a bucket any more;
# - each scope has one Redis hash per window holding the salt, the per-bucket counts and the global
#   counts; its expiry is set with PEXPIREAT to the window's end, so its TTL reveals the window and
#   nothing finer, and one key per window means Redis' idle time dates no single bucket;
# - a global ceiling per window caps everything, and a lower one caps submissions that did not solve the
#   form's proof of work (no JavaScript, or a bot).


def client_address(request) -> str:
    from belong.net import client_address as shared  # one reading of TRUSTED_PROXY_COUNT for all of Belong

    return shared(request)


MAX_BUCKET_BITS = 16


def address_prefix(address: str) -> bytes:
    """What a bucket is computed from: an IPv4 address, or the /48 an IPv6 address belongs to.

    One IPv6 household or small network holds a whole /48 (or a /56 inside one), so hashing the full
    address would let one person rotate through 2^80 buckets, and would put one person in many buckets.
    """
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return b"other:" + address.encode(errors="replace")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return b"4:" + ip.ipv4_mapped.packed
        return b"6:" + ip.packed[:6]
    return b"4:" + ip.packed


def bucket_bits() -> int:
    return min(max(settings.COMMENT_ADDRESS_BUCKET_BITS, 1), MAX_BUCKET_BITS)


def address_bucket(salt: bytes, address: str, bits: int | None = None) -> int:
    """The bucket an address falls into under one window's salt: `bits` bits of an HMAC-SHA256."""
    bits = bucket_bits() if bits is None else bits
    digest = hmac.new(salt, address_prefix(address), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") >> (32 - bits)


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    window: int
    # Across all addresses in one window; None for no ceiling.
    total: int | None = None
    # Across all addresses, for attempts that did not solve the proof of work.
    unverified_total: int | None = None


def submission_limit() -> Limit:
    return Limit(
        "submit",
        settings.COMMENT_RATE_LIMIT_COUNT,
        settings.COMMENT_RATE_LIMIT_WINDOW_SECONDS,
        total=settings.COMMENT_GLOBAL_LIMIT,
        unverified_total=settings.COMMENT_UNVERIFIED_GLOBAL_LIMIT,
    )


def receipt_limit() -> Limit:
    return Limit(
        "receipt",
        settings.COMMENT_RECEIPT_RATE_LIMIT_COUNT,
        settings.COMMENT_RECEIPT_RATE_LIMIT_WINDOW_SECONDS,
    )


class Refusal:
    ADDRESS = "address"  # this address's bucket used up its allowance
    BUSY = "busy"  # the global ceiling for the window is reached
    UNVERIFIED = "unverified"  # the ceiling for unsolved (no-JavaScript) submissions is reached


def _redis():
    return cache._cache.get_client(write=True)


def _window(length: int, now: float | None = None) -> tuple[int, int]:
    """(index, end in ms) of the window of `length` seconds, aligned to the epoch, that holds now."""
    length = max(length, 1)
    index = int((time.time() if now is None else now) // length)
    return index, (index + 1) * length * 1000


def allow(request, limit: Limit, *, verified: bool = True) -> str | None:
    """Count one attempt from this client; a Refusal reason once a limit for this window is used up."""
    index, ends_ms = _window(limit.window)
    key = cache.make_key(f"comments:rl:{limit.scope}:{index}")
    try:
        redis = _redis()
        pipe = redis.pipeline()
        pipe.hsetnx(key, "salt", secrets.token_hex(32))  # hsetnx: concurrent first writers agree
        pipe.pexpireat(key, ends_ms)
        pipe.hget(key, "salt")
        salt = pipe.execute()[2]
        if salt is None:  # the window ended between the calls; the next attempt starts a new one
            return None
        bucket = address_bucket(salt, client_address(request))

        def count(field: str) -> int:
            # The expiry goes with every write: a key written after its window ended is deleted at once
            # rather than left without one.
            return redis.pipeline().hincrby(key, field, 1).pexpireat(key, ends_ms).execute()[0]

        # Only attempts within their bucket's allowance count towards the ceilings, so one busy address
        # cannot use up everyone else's; a refused unverified attempt does not count against verified ones.
        if count(f"b{bucket}") > limit.count:
            return Refusal.ADDRESS
        if not verified and limit.unverified_total is not None and count("unverified") > limit.unverified_total:
            return Refusal.UNVERIFIED
        if limit.total is not None and count("all") > limit.total:
            return Refusal.BUSY
    except RedisError as error:
        log.warning("Cache unavailable (%s); comment rate limits not enforced.", type(error).__name__)
    return None


def touch_windows() -> None:
    """TOUCH the keys a submission writes, so Redis' idle time reports the last page view, not the last
    submission (see the README on `maxmemory-policy` for the operator's side)."""
    now = int(time.time())
    hours = settings.COMMENT_FORM_MAX_AGE_SECONDS // NONCE_WINDOW_SECONDS + 1
    keys = [
        cache.make_key(f"comments:rl:{limit.scope}:{_window(limit.window)[0]}")
        for limit in (submission_limit(), receipt_limit())
    ]
    keys += [_nonce_key(now - hour * NONCE_WINDOW_SECONDS) for hour in range(hours + 1)]
    with contextlib.suppress(RedisError):
        _redis().touch(*keys)


# --- Form token and proof of work ---------------------------------------------------------------------
#
# The token is signed, so its nonce, issue time and difficulty cannot be changed by the client. The
# browser's script looks for a counter c such that SHA-256("<nonce>:<c>") starts with `difficulty` zero
# bits; the server checks with one hash. A solution is only good with its own token, and a token is
# spent once, so a solution cannot be reused.

NONCE_WINDOW_SECONDS = 3600


def pow_difficulty() -> int:
    return min(max(settings.COMMENT_POW_DIFFICULTY, 0), 32)


def new_form_token() -> str:
    return signing.dumps(
        {"n": secrets.token_urlsafe(12), "t": int(time.time()), "d": pow_difficulty()}, salt=_TOKEN_SALT
    )


@dataclass(frozen=True)
class FormToken:
    nonce: str
    issued: int
    difficulty: int

    @property
    def challenge(self) -> str:
        return self.nonce


def read_form_token(token: str) -> FormToken | None:
    """The token's contents whatever its age (for the page to show its challenge); None if not ours."""
    try:
        payload = signing.loads(token or "", salt=_TOKEN_SALT)
    except signing.BadSignature:
        return None
    return _parse(payload)


def _parse(payload) -> FormToken | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
        return None
    issued, difficulty = payload.get("t", 0), payload.get("d", pow_difficulty())
    if not isinstance(issued, int) or not isinstance(difficulty, int):
        return None
    return FormToken(payload["n"], issued, difficulty)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def pow_solved(token: FormToken, solution: str) -> bool:
    """True when `solution` is a counter whose hash with this token's challenge has enough zero bits."""
    if not isinstance(solution, str) or not solution.isdigit() or len(solution) > 12:
        return False
    digest = hashlib.sha256(f"{token.challenge}:{solution}".encode()).digest()
    return leading_zero_bits(digest) >= token.difficulty


def solve_pow(token: FormToken) -> str:
    """What the browser's script does, for tests and tools."""
    counter = 0
    while not pow_solved(token, str(counter)):
        counter += 1
    return str(counter)


class TokenProblem:
    MISSING = "missing"
    EXPIRED = "expired"
    TOO_FAST = "too_fast"
    USED = "used"


def check_form_token(token: str) -> tuple[str | None, FormToken | None]:
    """(problem, token): problem is None when the token is genuine, fresh, old enough and unspent."""
    max_age = settings.COMMENT_FORM_MAX_AGE_SECONDS
    try:
        payload = signing.loads(token or "", salt=_TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return TokenProblem.EXPIRED, None
    except signing.BadSignature:
        return TokenProblem.MISSING, None
    parsed = _parse(payload)
    if parsed is None:
        return TokenProblem.MISSING, None
    if time.time() - parsed.issued < settings.COMMENT_FORM_MIN_SECONDS:
        return TokenProblem.TOO_FAST, parsed
    try:
        spent = _redis().sismember(_nonce_key(parsed.issued), parsed.nonce)
    except RedisError:
        spent = False
    if spent:
        return TokenProblem.USED, parsed
    return None, parsed


def use_form_token(token: FormToken) -> bool:
    """Spend a token's nonce; False if another request spent it first.

    Spent nonces go into one set per hour of *issue* (when the page was shown), kept until every token
    of that hour has expired, with an expiry on an hour boundary: neither the key, its TTL nor its idle
    time says when the form was sent.
    """
    max_age = settings.COMMENT_FORM_MAX_AGE_SECONDS
    ends = -(-(token.issued + max_age) // NONCE_WINDOW_SECONDS) * NONCE_WINDOW_SECONDS + NONCE_WINDOW_SECONDS
    key = _nonce_key(token.issued)
    try:
        pipe = _redis().pipeline()
        pipe.sadd(key, token.nonce)
        pipe.pexpireat(key, ends * 1000)
        added = pipe.execute()[0]
    except RedisError as error:
        log.warning("Cache unavailable (%s); form tokens not checked for reuse.", type(error).__name__)
        return True
    return added == 1


def _nonce_key(issued: int) -> str:
    return cache.make_key(f"comments:form-used:{issued // NONCE_WINDOW_SECONDS}")


def is_cross_origin(request) -> bool:
    """True when the browser tells us the post came from another site."""
    if request.headers.get("Sec-Fetch-Site", "") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS
