from __future__ import annotations

from django.db.models import Count

from belong.fallbacks import translated_columns

from . import receipts
from .models import Comment, Topic


def open_topics():
    return Topic.objects.filter(is_open=True)


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
