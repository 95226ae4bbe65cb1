"""Django's Redis cache, made an optimisation rather than a dependency.

Redis is also the broker, so when it is down the cache is too. Every page reads cached values (site
settings, rate-limit counters); with the stock backend a Redis outage would turn every page into a
500. Here a failed cache operation is logged and answered as a miss: pages keep working, rate limits
are not enforced until Redis is back, and /healthz reports the outage.

A Redis that hangs (frozen, not stopped) still accepts connections, so each call waits out its socket
timeout: a page makes several cache calls, and at 2 s each a request took 4-8 s. After one call times
out, every call to that server is answered as a miss at once for CACHE_RETRY_AFTER_SECONDS; then one
call tries Redis again while the others keep missing. A refused connection fails at once and does not
pause the cache: it is tried again on the next call.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)


class _Pause:
    """Whether calls to one Redis server are paused after a timeout; shared by every thread of the process
    (Django builds a cache object per thread, and all of them would otherwise wait out the hang)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0  # 0: not paused
        self._probing = False

    def allows(self) -> bool:
        if self._until == 0.0:
            return True  # no lock on the path every healthy call takes
        with self._lock:
            if self._until == 0.0:
                return True
            if time.monotonic() < self._until or self._probing:
                return False
            self._probing = True  # the pause is over: this call alone tries Redis again
            return True

    def timed_out(self) -> None:
        with self._lock:
            self._until = time.monotonic() + getattr(settings, "CACHE_RETRY_AFTER_SECONDS", 5)
            self._probing = False

    def answered(self) -> None:
        if self._until != 0.0:
            with self._lock:
                self._until = 0.0
                self._probing = False

    @property
    def paused(self) -> bool:
        # Once the pause is over the next call tries Redis: /healthz's own call must be allowed to be it.
        return self._until != 0.0 and time.monotonic() < self._until


_pauses: dict[str, _Pause] = {}
_pauses_lock = threading.Lock()


def _pause_for(servers: list[str]) -> _Pause:
    key = "|".join(servers)
    with _pauses_lock:
        return _pauses.setdefault(key, _Pause())


def _tolerant(default_factory):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            pause = self._pause
            if not pause.allows():
                return default_factory(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except RedisTimeoutError:
                pause.timed_out()
                log.warning(
                    "Cache timed out during %s; every call is a miss for the next %s s.",
                    method.__name__,
                    getattr(settings, "CACHE_RETRY_AFTER_SECONDS", 5),
                )
                return default_factory(*args, **kwargs)
            except RedisError as error:
                pause.answered()  # refused at once: nothing to wait out, so nothing to pause
                log.warning(
                    "Cache unavailable (%s) during %s; treated as a miss.", type(error).__name__, method.__name__
                )
                return default_factory(*args, **kwargs)
            except Exception:
                pause.answered()  # Redis answered; the error is the caller's (incr of a missing key)
                raise
            pause.answered()
            return result

        return wrapper

    return decorator


def _get_default(key, default=None, version=None):
    return default


class ReusingRedisCacheClient(RedisCacheClient):
    """Django builds a new `redis.Redis` for every cache call, and redis-py fills ~170 response callbacks
    into each (0.2 ms a call, 10% of a cached public page). A client is thread-safe over its pool, so
    one per pool is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# --- Values read ahead for one request ---------------------------------------------------------------
#
# A signed-in page reads, one after the other, the person's cached user, the site settings and the header's
# unread count: three round trips to Redis after the session's own. Once a request has loaded its session
# (the person is being identified anyway), the first cache read fetches every key the apps register for that
# person (`read_ahead_for_signed_in`) in one MGET, and `get` answers those keys from it for the rest of the
# request. A request that never loads its session (a public page a signed-in person opens) reads nothing
# ahead: read-ahead must not touch the session or the person's entries where the page itself would not,
# since Redis' idle times would then date a visit. Any write to a key through the cache (a person's entry
# forgotten, a count cleared) drops it from what was read ahead, so the request then sees Redis as it is.
# One request per thread at a time (gunicorn's gthread workers), so a thread-local is enough.

_read_ahead = threading.local()
_MISSING = object()
_signed_in_keys: list[Callable[[int], Iterable[str]]] = []


def read_ahead_for_signed_in(keys: Callable[[int], Iterable[str]]) -> None:
    """Register the cache keys a signed-in person's pages read on every request, given their id (apps call
    this from their AppConfig.ready)."""
    if keys not in _signed_in_keys:
        _signed_in_keys.append(keys)


def signed_in_keys(user_id: int) -> list[str]:
    return [key for keys in _signed_in_keys for key in keys(user_id)]


def read_ahead_once_session_loaded(session) -> None:
    """Until `end_read_ahead`, the first cache read after `session` has been loaded (by whoever needs it)
    fetches the signed-in person's registered keys in one round trip (belong.middleware.ReadAheadMiddleware)."""
    _read_ahead.values = None
    _read_ahead.session = session


def begin_read_ahead(keys: list[str]) -> None:
    """Until `end_read_ahead`, `cache.get(key)` for these keys answers from one `get_many` made now (a miss
    included: it is not asked again)."""
    from django.core.cache import cache

    _read_ahead.session = None
    found = cache.get_many(keys) if keys else {}
    _read_ahead.values = {key: found.get(key, _MISSING) for key in keys}


def end_read_ahead() -> None:
    _read_ahead.values = None
    _read_ahead.session = None


@contextlib.contextmanager
def read_ahead(keys: list[str]) -> Iterator[None]:
    begin_read_ahead(keys)
    try:
        yield
    finally:
        end_read_ahead()


def _begin_if_session_loaded() -> None:
    session = getattr(_read_ahead, "session", None)
    if session is None or not hasattr(session, "_session_cache"):
        return  # no session waiting, or not loaded yet: never load it here
    _read_ahead.session = None
    accessed = session.accessed  # reading the id is not using the session (no Vary: Cookie for it)
    user_id = session.get(SESSION_KEY)
    session.accessed = accessed
    try:
        keys = signed_in_keys(int(user_id)) if user_id is not None else []
    except (TypeError, ValueError):
        keys = []
    if keys:
        begin_read_ahead(keys)


def _forget_read_ahead(keys) -> None:
    values = getattr(_read_ahead, "values", None)
    if values:
        for key in keys:
            values.pop(key, None)


def _dropping_read_ahead(method, *, many: bool = False):
    @functools.wraps(method)
    def wrapper(self, key_or_keys, *args, **kwargs):
        keys = key_or_keys if many else (key_or_keys,)
        _forget_read_ahead(keys)
        return method(self, key_or_keys, *args, **kwargs)

    return wrapper


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._pause = _pause_for(self._servers)

    @property
    def paused(self) -> bool:
        """True while calls are answered as misses after a timeout (/healthz reports it)."""
        return self._pause.paused

    # add() is how allauth and the comment form take locks and mark one-time tokens: answering True
    # lets people sign in and send comments during an outage (limits resume when Redis is back).
    add = _dropping_read_ahead(_tolerant(lambda *a, **k: True)(RedisCache.add))
    _get = _tolerant(_get_default)(RedisCache.get)
    set = _dropping_read_ahead(_tolerant(lambda *a, **k: None)(RedisCache.set))
    touch = _tolerant(lambda *a, **k: False)(RedisCache.touch)
    delete = _dropping_read_ahead(_tolerant(lambda *a, **k: False)(RedisCache.delete))
    get_many = _tolerant(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _tolerant(lambda *a, **k: False)(RedisCache.has_key)
    set_many = _dropping_read_ahead(_tolerant(lambda *a, **k: [])(RedisCache.set_many), many=True)
    delete_many = _dropping_read_ahead(_tolerant(lambda *a, **k: None)(RedisCache.delete_many), many=True)
    # incr raises ValueError for a missing key; during an outage there is no counter to bump.
    incr = _dropping_read_ahead(_tolerant(lambda *a, **k: 0)(RedisCache.incr))

    def clear(self):
        if getattr(_read_ahead, "values", None):
            _read_ahead.values.clear()
        return super().clear()

    def get(self, key, default=None, version=None):
        values = getattr(_read_ahead, "values", None)
        if values is None and getattr(_read_ahead, "session", None) is not None:
            _begin_if_session_loaded()
            values = _read_ahead.values
        if values and version is None and key in values:
            value = values[key]
            return default if value is _MISSING else value
        return self._get(key, default, version)
