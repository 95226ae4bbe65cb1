"""The signed-in user, with the equity-director flag, kept in the cache between requests.

Every signed-in request used to load its user (one query); at district scale that round trip and the model
building cost as much as a small page. The authentication backends (accounts.backends) ask here first.

What keeps it right:

- Every save or delete of a user, every change to a user's permission groups (either side of the relation)
  and every save or delete of a permission group forgets the people concerned: at once, and once more when
  the transaction commits, so a request that read the old row between the two cannot put it back for long.
- Writes that send no signal (`QuerySet.update()`, `bulk_update()`) call `forget()` themselves; the HR
  import does.
- Entries live for USER_CACHE_SECONDS at most, so a raw SQL write (a shell, a restore) is seen within that.
- Django's own check still runs on every request: the session holds a hash of the password, compared with
  the cached user's. A password change saves the user, so it is forgotten and every other session ends.
  Deactivated people (is_active false) are never cached.
- During a Redis outage every request loads its user from the database as before.

What is kept is the user's row WITHOUT its password hash: Redis is treated as a place an attacker may read
(README, "Trust against operators"), and a password hash there would be one more copy to crack offline. In
its place goes the session hash Django compares on each request (an HMAC of the password hash under
SECRET_KEY, the same value every session of the person already holds). A user rebuilt from the cache has
`password` deferred: anything that really reads it (a password check or change) loads it from the
database. Nothing about the person's groups of the portal (affinity groups) is in the entry.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

USER_CACHE_SECONDS_DEFAULT = 300
_PREFIX = "auth:user:v3:"  # v2: no password hash in the entry


def key_of(user_id: int) -> str:
    return f"{_PREFIX}{user_id}"


def get(user_id):
    """The cached user, or None (not cached, Redis away, or an id that is not a number)."""
    try:
        entry = cache.get(key_of(int(user_id)))
    except (TypeError, ValueError):
        return None
    if not isinstance(entry, dict):
        return None
    User = get_user_model()
    names = list(entry["fields"])
    user = User.from_db(DEFAULT_DB_ALIAS, names, [entry["fields"][name] for name in names])
    user._cached_session_auth_hash = entry["session_auth_hash"]
    user._cached_has_usable_password = entry["has_usable_password"]
    if "is_equity_director" in entry:
        user._is_equity_director = entry["is_equity_director"]
    return user


def put(user) -> None:
    if user is None or not user.is_active:
        return
    entry = {
        # Every column but the password hash, in the model's order (from_db marks the missing one deferred).
        "fields": {
            field.attname: getattr(user, field.attname)
            for field in user._meta.concrete_fields
            if field.attname != "password"
        },
        "session_auth_hash": user.get_session_auth_hash(),
        "has_usable_password": user.has_usable_password(),
    }
    if getattr(user, "_is_equity_director", None) is not None:
        entry["is_equity_director"] = user._is_equity_director
    cache.set(key_of(user.pk), entry, timeout=getattr(settings, "USER_CACHE_SECONDS", USER_CACHE_SECONDS_DEFAULT))


def forget(*user_ids) -> None:
    """Drop these people's cached rows now and again at commit (a request may have re-read the old row)."""
    keys = [key_of(user_id) for user_id in user_ids if user_id is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
