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

The cached object is the same row the database holds (password hash included, as in the session store's
own neighbourhood); nothing about the person's groups of the portal (affinity groups) is in it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

USER_CACHE_SECONDS_DEFAULT = 300
_PREFIX = "auth:user:v1:"


def _key(user_id) -> str:
    return f"{_PREFIX}{user_id}"


def get(user_id):
    """The cached user, or None (not cached, Redis away, or an id that is not a number)."""
    try:
        return cache.get(_key(int(user_id)))
    except (TypeError, ValueError):
        return None


def put(user) -> None:
    if user is None or not user.is_active:
        return
    cache.set(_key(user.pk), user, timeout=getattr(settings, "USER_CACHE_SECONDS", USER_CACHE_SECONDS_DEFAULT))


def forget(*user_ids) -> None:
    """Drop these people's cached rows now and again at commit (a request may have re-read the old row)."""
    keys = [_key(user_id) for user_id in user_ids if user_id is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
