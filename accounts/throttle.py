"""Sign-in throttling that slows password guessing without letting anyone lock a colleague out.

allauth's stock `login_failed` limit counts failures per e-mail address across the whole internet, so five
wrong passwords typed by anyone, anywhere, shut the real owner out too, and can be repeated forever. Here
failed password sign-ins are counted three ways instead:

- per address and account (LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT in LOGIN_FAILURE_WINDOW_SECONDS): the
  guesser at one address is stopped on that account; everybody else is not;
- per address (LOGIN_FAILURES_PER_ADDRESS in LOGIN_ADDRESS_WINDOW_SECONDS): one address trying many
  accounts is stopped; generous, because a whole school shares one address;
- per account across addresses (LOGIN_FAILURES_PER_ACCOUNT, forgotten LOGIN_ACCOUNT_WINDOW_SECONDS after
  the last failure): past it, attempts on the account from an address it has not signed in from must wait
  a delay that doubles with each further failure (LOGIN_ACCOUNT_DELAY_SECONDS up to
  LOGIN_ACCOUNT_MAX_DELAY_SECONDS). Guessing from rotating addresses becomes slow; it never becomes a lock.

The owner is recognised two ways, each remembered for LOGIN_KNOWN_ADDRESS_DAYS after every complete sign-in
(password and second factor, e-mailed code or single sign-on), and either skips the per-account delay:

- the address: a keyed hash of the e-mail address and the address block (IPv6 by /64) in the cache, for the
  staff-room computer and the school network;
- the browser: a signed cookie (path /accounts/, HttpOnly) listing keyed hashes of the last few accounts that
  signed in on it, for a laptop whose home or phone address changes. Only our SECRET_KEY can make one, and
  one only vouches for the accounts that really signed in on that browser.

So the owner signs in as usual while someone else hammers the account from elsewhere; and from anywhere,
wrong passwords never slow the e-mailed sign-in code (its requests have limits of their own that nobody
else can use up either, see EmailedRequestThrottle).

Every key is an HMAC under SECRET_KEY: the cache never holds an address or an e-mail address. Counting
happens in Redis through Django's cache; during a Redis outage the cache answers misses and sign-in is not
throttled (the same choice the rest of the portal makes, see belong/cache.py).
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from belong.net import address_block, client_address

_SALT = "belong.accounts.throttle"
_MAX_DOUBLINGS = 30  # past this the delay is long capped; keeps 2**n small
BROWSER_COOKIE = "belong_signin"
_BROWSER_SALT = "belong.accounts.throttle.browser"
_BROWSER_ACCOUNTS = 5  # a shared staff-room computer vouches for its last few people


def _digest(*parts: str) -> str:
    return salted_hmac(_SALT, "\x1f".join(parts), algorithm="sha256").hexdigest()[:40]


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def enabled() -> bool:
    """ACCOUNT_RATE_LIMITS = False switches allauth's limits off (the form fuzzer does); ours follow."""
    return getattr(settings, "ACCOUNT_RATE_LIMITS", None) is not False


@dataclass(frozen=True)
class Refusal:
    reason: str  # "address_account", "address" or "account"
    retry_after: int  # seconds


class _Window:
    """A counter that starts at the first hit and vanishes `seconds` later, with its end time beside it."""

    def __init__(self, key: str, limit: int, seconds: int):
        self.key, self.limit, self.seconds = key, limit, seconds

    def hit(self) -> int:
        if cache.add(self.key, 1, self.seconds):
            cache.set(f"{self.key}:until", time.time() + self.seconds, self.seconds)
            return 1
        try:
            return cache.incr(self.key)
        except ValueError:  # expired between add() and incr()
            cache.add(self.key, 1, self.seconds)
            return 1

    def undo(self) -> None:
        with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing left to undo
            cache.decr(self.key)

    def retry_after(self) -> int:
        until = cache.get(f"{self.key}:until")
        if until is None:
            return self.seconds
        return max(1, math.ceil(until - time.time()))


class SignInThrottle:
    def __init__(self, request, login: str):
        self.login = (login or "").strip().lower()
        self.address = address_block(client_address(request))
        account = _account_digest(self.login)
        self.known_browser = account in _browser_accounts(request)
        self.pair = _Window(
            f"signin:pair:{_digest('pair', self.login, self.address)}",
            _setting("LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT", 5),
            _setting("LOGIN_FAILURE_WINDOW_SECONDS", 300),
        )
        self.per_address = _Window(
            f"signin:address:{_digest('address', self.address)}",
            _setting("LOGIN_FAILURES_PER_ADDRESS", 50),
            _setting("LOGIN_ADDRESS_WINDOW_SECONDS", 900),
        )
        self.account_key = f"signin:account:{account}"
        self.account_last_key = f"signin:account-last:{account}"
        self._reserved = False

    # --- Before the password is checked -------------------------------------------------------------------

    def reserve(self) -> Refusal | None:
        """Refuse, or count this attempt as a failure in advance (undone if the password is right), so
        parallel guesses cannot all slip in before the first one is counted."""
        if not enabled():
            return None
        refusal = self._account_delay()
        if refusal:
            return refusal
        if self.pair.hit() > self.pair.limit:
            self.pair.undo()
            return Refusal("address_account", self.pair.retry_after())
        if self.per_address.hit() > self.per_address.limit:
            self.per_address.undo()
            self.pair.undo()
            return Refusal("address", self.per_address.retry_after())
        self._reserved = True
        return None

    def _account_delay(self) -> Refusal | None:
        ceiling = _setting("LOGIN_FAILURES_PER_ACCOUNT", 20)
        known_key = known_address_key(self.login, self.address)
        values = cache.get_many([self.account_key, self.account_last_key, known_key])
        failures = int(values.get(self.account_key) or 0)
        if failures < ceiling or self.known_browser or values.get(known_key):
            return None  # the owner's own address or browser
        delay = min(
            _setting("LOGIN_ACCOUNT_DELAY_SECONDS", 15) * 2 ** min(failures - ceiling, _MAX_DOUBLINGS),
            _setting("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 900),
        )
        wait = float(values.get(self.account_last_key) or 0) + delay - time.time()
        return Refusal("account", math.ceil(wait)) if wait > 0 else None

    # --- After ---------------------------------------------------------------------------------------------

    def succeeded(self) -> None:
        # The account's failures are kept: a right password does not wipe out an attacker's record.
        if self._reserved:
            self.pair.undo()
            self.per_address.undo()
            self._reserved = False

    def failed(self) -> None:
        if not self._reserved:
            return
        window = _setting("LOGIN_ACCOUNT_WINDOW_SECONDS", 3600)
        if not cache.add(self.account_key, 1, window):
            try:
                cache.incr(self.account_key)
            except ValueError:
                cache.add(self.account_key, 1, window)
            cache.touch(self.account_key, window)  # forgotten an hour after the last failure, not the first
        cache.set(self.account_last_key, time.time(), window)

    def forgive(self) -> None:
        """After a password reset by e-mail: whoever guessed before no longer slows the owner down."""
        cache.delete_many([self.account_key, self.account_last_key, self.pair.key, f"{self.pair.key}:until"])


# kind: (setting per (address, account) in 5 minutes, default, setting per account an hour, default)
_EMAILED_LIMITS = {
    "code": ("LOGIN_CODE_REQUESTS_PER_ADDRESS_AND_ACCOUNT", 3, "LOGIN_CODE_REQUESTS_PER_ACCOUNT", 10),
    "reset": ("PASSWORD_RESET_REQUESTS_PER_ADDRESS_AND_ACCOUNT", 3, "PASSWORD_RESET_REQUESTS_PER_ACCOUNT", 5),
}


class EmailedRequestThrottle:
    """Requests that e-mail the account: a sign-in code ("code") or a password-reset link ("reset").

    The code is the way in that must stay open while passwords are being guessed (and the only one for
    staff imported without a password). allauth's stock limits have a per-e-mail part ("3/m/key" for codes,
    "5/m/key" for resets): anyone asking on a colleague's behalf a few times a minute, from anywhere, kept
    her from ever getting one, and could send her 300 resets an hour. Here: a few per 5 minutes from one
    address (allauth still limits each address overall), and, to spare the owner's inbox, a few an hour
    across addresses and browsers the account never signed in from; her own are not held to that."""

    def __init__(self, request, email: str, *, kind: str):
        pair_setting, pair_default, account_setting, account_default = _EMAILED_LIMITS[kind]
        self.email = (email or "").strip().lower()
        self.address = address_block(client_address(request))
        account = _account_digest(self.email)
        self.known_browser = account in _browser_accounts(request)
        self.pair = _Window(
            f"signin:{kind}:pair:{_digest(kind + '-pair', self.email, self.address)}",
            _setting(pair_setting, pair_default),
            300,
        )
        self.account = _Window(f"signin:{kind}:account:{account}", _setting(account_setting, account_default), 3600)

    def reserve(self) -> bool:
        if not enabled():
            return True
        if self.pair.hit() > self.pair.limit:
            self.pair.undo()
            return False
        if self.known_browser or cache.get(known_address_key(self.email, self.address)):
            return True
        if self.account.hit() > self.account.limit:
            self.account.undo()
            self.pair.undo()
            return False
        return True


def _account_digest(login: str) -> str:
    return _digest("account", login.strip().lower())


def known_address_key(login: str, address: str) -> str:
    return f"signin:known:{_digest('known', login.strip().lower(), address)}"


def _known_seconds() -> int:
    return _setting("LOGIN_KNOWN_ADDRESS_DAYS", 90) * 86400


def _browser_accounts(request) -> list[str]:
    raw = request.COOKIES.get(BROWSER_COOKIE)
    if not raw:
        return []
    try:
        accounts = signing.loads(raw, salt=_BROWSER_SALT, max_age=_known_seconds())
    except signing.BadSignature:
        return []
    return [account for account in accounts if isinstance(account, str)] if isinstance(accounts, list) else []


def remember_sign_in(request, response, emails: list[str]) -> None:
    """The account signed in completely here: attempts from this address, and from this browser, skip the
    per-account delay from now on."""
    address = address_block(client_address(request))
    emails = [email for email in emails if email]
    cache.set_many({known_address_key(email, address): 1 for email in emails}, _known_seconds())
    if response is None:
        return
    accounts = list(dict.fromkeys([_account_digest(email) for email in emails] + _browser_accounts(request)))
    response.set_cookie(
        BROWSER_COOKIE,
        signing.dumps(accounts[:_BROWSER_ACCOUNTS], salt=_BROWSER_SALT),
        max_age=_known_seconds(),
        path="/accounts/",  # sent to the sign-in pages only, never to the public comment pages
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
