"""Django's Redis cache, made an optimisation rather than a dependency.

Redis is also the broker, so when it is down the cache is too. Every page reads cached values (site
settings, rate-limit counters); with the stock backend a Redis outage would turn every page into a
500. Here a failed cache operation is logged and answered as a miss: pages keep working, rate limits
are not enforced until Redis is back, and /healthz reports the outage.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _tolerant(default_factory):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                log.warning(
                    "Cache unavailable (%s) during %s; treated as a miss.", type(error).__name__, method.__name__
                )
                return default_factory(*args, **kwargs)

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


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    # add() is how allauth and the comment form take locks and mark one-time tokens: answering True
    # lets people sign in and send comments during an outage (limits resume when Redis is back).
    add = _tolerant(lambda *a, **k: True)(RedisCache.add)
    get = _tolerant(_get_default)(RedisCache.get)
    set = _tolerant(lambda *a, **k: None)(RedisCache.set)
    touch = _tolerant(lambda *a, **k: False)(RedisCache.touch)
    delete = _tolerant(lambda *a, **k: False)(RedisCache.delete)
    get_many = _tolerant(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _tolerant(lambda *a, **k: False)(RedisCache.has_key)
    set_many = _tolerant(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _tolerant(lambda *a, **k: None)(RedisCache.delete_many)
    # incr raises ValueError for a missing key; during an outage there is no counter to bump.
    incr = _tolerant(lambda *a, **k: 0)(RedisCache.incr)
