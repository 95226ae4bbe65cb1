"""Sessions read through Redis (`cached_db`) without session keys in Redis.

Django's cached_db store names each cache entry after the raw session key, which is the session cookie's
value: anyone who can list Redis keys could sign in as every person with a live session. Redis is treated
as a place an attacker may read (README, "Trust against operators"), so the cache entry is named after a
keyed hash of the session key instead (HMAC under SECRET_KEY): the same lookups, nothing usable as a cookie.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.utils.crypto import salted_hmac

_SALT = "belong.sessions.cache-key"


def _hidden(session_key: str) -> str:
    return salted_hmac(_SALT, session_key, algorithm="sha256").hexdigest()


class SessionStore(CachedDBStore):
    cache_key_prefix = "belong.sessions.v1:"

    @property
    def cache_key(self) -> str:
        return self.cache_key_prefix + _hidden(self._get_or_create_session_key())

    async def acache_key(self) -> str:
        return self.cache_key_prefix + _hidden(await self._aget_or_create_session_key())

    def exists(self, session_key):
        return (bool(session_key) and (self.cache_key_prefix + _hidden(session_key)) in self._cache) or super(
            CachedDBStore, self
        ).exists(session_key)

    async def aexists(self, session_key):
        if session_key and (self.cache_key_prefix + _hidden(session_key)) in self._cache:
            return True
        return await super(CachedDBStore, self).aexists(session_key)

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache.delete(self.cache_key_prefix + _hidden(session_key))

    async def adelete(self, session_key=None):
        await super(CachedDBStore, self).adelete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        await self._cache.adelete(self.cache_key_prefix + _hidden(session_key))
