from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import translation

from belong.fallbacks import translated_columns

from . import receipts
from .models import Comment, Topic


def open_topics():
    return Topic.objects.filter(is_open=True)


# The open topics' names sit in the cache per language, so the comment form (an empty page kept per set of
# topics, comments.views) asks the database nothing; forget_open_topic_names drops them whenever a topic is
# saved or deleted (comments.apps), and this bounds how long a change made around the signals (raw SQL) lasts.
OPEN_TOPIC_NAMES_SECONDS = 300


def open_topic_names_key(language: str | None = None) -> str:
    return f"comments:open-topic-names:v1:{language or translation.get_language()}"


def open_topic_names(cached: dict[str, Any] | None = None) -> tuple[tuple[int, str], ...]:
    """(id, name in the reader's language) of each topic open for comments, in the form's order. `cached` is
    what the caller already read from the cache in its own round trip (SiteSettings.current_with)."""
    key = open_topic_names_key()
    names = cached.get(key) if cached is not None else cache.get(key)
    if names is None:
        names = tuple(open_topics().values_list("pk", "name"))
        cache.set(key, names, OPEN_TOPIC_NAMES_SECONDS)
    return names


def forget_open_topic_names() -> None:
    """At once, and again when the change commits: a form rendered in between would have put back the names
    as they were before it."""
    keys = [open_topic_names_key(code) for code, _name in settings.LANGUAGES]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def comment_for_receipt(code: str) -> Comment | None:
    """The comment a receipt code belongs to, or None. `code` is the 16 digits."""
    return (
        Comment.objects.select_related("topic")
        .filter(receipt_hash__in=receipts.candidate_hashes(code))
        # The topic's name in every language, so the page can fall back without another query.
        .only("status", "status_changed_on", "submitted_on", "reply", "replied_on", *translated_columns("topic__name"))
        .first()
    )


def review_summary() -> list[dict]:
    """Comment counts per topic and status for the director's overview (one grouped query)."""
    rows = Comment.objects.order_by().values("topic__id", "topic__name", "status").annotate(count=Count("pk"))
    topics: dict[int, dict] = {}
    for row in rows:
        entry = topics.setdefault(
            row["topic__id"],
            {"id": row["topic__id"], "name": row["topic__name"], "total": 0, **dict.fromkeys(Comment.Status.values, 0)},
        )
        entry[row["status"]] = row["count"]
        entry["total"] += row["count"]
    for entry in topics.values():
        entry["counts"] = [entry[status] for status in Comment.Status.values]
    return sorted(topics.values(), key=lambda entry: entry["name"])
