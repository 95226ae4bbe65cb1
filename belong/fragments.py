"""HTML that is the same for every viewer, rendered once per process and reused.

A fragment's key names everything it is rendered from (for a group card: the language and a digest of
every column of the group's row), so a changed row or another language simply asks for another key and
nothing needs invalidating; a deploy starts with an empty store and its own templates. Kept in the
process rather than Redis: reading 30 cards back would cost a round trip and unpickling per page, while
a process holds a few hundred small fragments per language in well under a few MB.

What goes in a fragment must be the same for everyone who can see the page it is part of: never the
viewer's standing, never a confidential group's members or count (callers put those in per request).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class FragmentStore:
    """A bounded, thread-safe LRU of rendered fragments."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
                return html
        html = render()  # outside the lock: two threads may render the same fragment once each
        with self._lock:
            self._items[key] = html
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def row_digest(instance, *, exclude: tuple[str, ...] = ()) -> str:
    """A digest of every column of a model instance (but `exclude`): the fragment's version."""
    # Read the loaded values themselves: getattr goes through modeltranslation's descriptors, which cost
    # several calls per translated field, and every translation column is in `concrete_fields` anyway.
    loaded = instance.__dict__
    values = tuple(
        loaded.get(field.attname) for field in instance._meta.concrete_fields if field.attname not in exclude
    )
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()
