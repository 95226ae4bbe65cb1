"""Reads for group spaces. Every list is a fixed number of queries whatever the group's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet

from belong.pagination import paginate
from groups.models import Group, Membership

from .access import Space
from .models import Announcement, Notification, Post, Resource, Thread
from .services import unread_key

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 50
NOTIFICATIONS_PER_PAGE = 30
SEARCH_LIMIT = 30

# PostgreSQL's text search configurations for the portal's languages; "simple" where none ships.
SEARCH_CONFIGS = {"en": "english", "es": "spanish", "pt": "portuguese"}


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get((language or "en").split("-")[0], "simple")


def _standing_posts(space: Space) -> QuerySet:
    posts = Post.objects.filter(group=space.group, deleted_at__isnull=True)
    return posts if space.is_lead else posts.filter(hidden_at__isnull=True)


def space_page(space: Space) -> dict[str, Any]:
    """The space's front page: pinned and recent announcements, latest discussions, the library."""
    if space.counts_only:
        return {"counts": counts(space.group)}
    return {
        "announcements": list(
            Announcement.objects.filter(group=space.group)
            .select_related("author")
            .order_by("-pinned", "-created_at", "-id")[:10]
        ),
        "threads": list(
            Thread.objects.filter(group=space.group).select_related("author").order_by("-last_post_at", "-id")[:10]
        ),
        "resources": list(Resource.objects.filter(group=space.group).order_by("position", "id")[:10]),
    }


def counts(group: Group) -> dict[str, int]:
    """What the director and superusers see of a confidential group's space: how much, never what or who."""
    from django.db.models import Count

    return {
        "announcements": Announcement.objects.filter(group=group).count(),
        "threads": Thread.objects.filter(group=group).count(),
        "posts": Post.objects.filter(group=group, deleted_at__isnull=True, hidden_at__isnull=True).aggregate(
            n=Count("id")
        )["n"],
        "resources": Resource.objects.filter(group=group).count(),
    }


def threads_page(space: Space, page: Any):
    threads = Thread.objects.filter(group=space.group).select_related("author").order_by("-last_post_at", "-id")
    return paginate(threads, page, THREADS_PER_PAGE)


def thread_posts(space: Space, thread: Thread, page: Any):
    posts = Post.objects.filter(thread=thread).select_related("author").order_by("created_at", "id")
    if not space.is_lead:
        # A hidden post keeps its place ("hidden by the leads") but not its text or author.
        posts = posts.defer("hidden_reason")
    if page == "last":
        count = posts.count()
        return paginate(posts, max(1, -(-count // POSTS_PER_PAGE)), POSTS_PER_PAGE, count=count)
    return paginate(posts, page, POSTS_PER_PAGE)


def announcements_page(space: Space, page: Any):
    rows = (
        Announcement.objects.filter(group=space.group)
        .select_related("author")
        .order_by("-pinned", "-created_at", "-id")
    )
    return paginate(rows, page, 20)


def resources(space: Space) -> list[Resource]:
    return list(Resource.objects.filter(group=space.group).order_by("position", "id"))


# --- Search -----------------------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    title: str
    obj: Any
    rank: float


def search(space: Space, text: str, language: str) -> list[Hit]:
    text = (text or "").strip()[:200]
    if not text:
        return []
    config = search_config(language)
    query = SearchQuery(text, config=config, search_type="websearch")
    hits: list[Hit] = []
    announcements = (
        Announcement.objects.filter(group=space.group)
        .annotate(rank=SearchRank(SearchVector("title", "body", config=config), query))
        .filter(rank__gt=0)
        .order_by("-rank", "-id")[:SEARCH_LIMIT]
    )
    hits += [Hit("announcement", a.title, a, a.rank) for a in announcements]
    posts = (
        _standing_posts(space)
        .select_related("thread")
        .annotate(rank=SearchRank(SearchVector("thread__title", "body", config=config), query))
        .filter(rank__gt=0)
        .order_by("-rank", "-id")[:SEARCH_LIMIT]
    )
    hits += [Hit("post", p.thread.title, p, p.rank) for p in posts]
    found = (
        Resource.objects.filter(group=space.group)
        .annotate(rank=SearchRank(SearchVector("title", "description", config=config), query))
        .filter(rank__gt=0)
        .order_by("-rank", "-id")[:SEARCH_LIMIT]
    )
    hits += [Hit("resource", r.title, r, r.rank) for r in found]
    return sorted(hits, key=lambda hit: -hit.rank)[:SEARCH_LIMIT]


# --- Notifications ----------------------------------------------------------------------------------------


def _visible_notifications(user) -> QuerySet:
    # Only while the person is still an active member: leaving or being removed empties the list at once.
    member = Membership.objects.filter(group_id=OuterRef("group_id"), user_id=user.pk, status=Membership.Status.ACTIVE)
    rows = Notification.objects.filter(user=user)
    # A declined request leaves no membership; its answer is still the person's to see.
    decided = Q(kind="request_decided")
    if user.is_equity_director:
        # The director hears of reports in normal groups without being a member.
        return rows.filter(Exists(member) | decided | Q(kind="report", group__is_confidential=False))
    return rows.filter(Exists(member) | decided)


def notifications_page(user, page: Any):
    rows = _visible_notifications(user).select_related("group", "announcement", "thread").order_by("-created_at", "-id")
    return paginate(rows, page, NOTIFICATIONS_PER_PAGE)


def unread_count(user) -> int:
    key = unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = _visible_notifications(user).filter(read_at__isnull=True).count()
        cache.set(key, count, timeout=300)
    return count


def cached_unread_count(user_id: int) -> int | None:
    """The header's count, from the cache only: a page never pays a query for it (the page's script asks)."""
    return cache.get(unread_key(user_id))


# --- The weekly digest ------------------------------------------------------------------------------------


def digest_content(group_ids: list[int], since: datetime, until: datetime) -> list[dict[str, Any]]:
    from groups.selectors import upcoming_meetings_for_group

    sections = []
    groups = Group.objects.filter(pk__in=group_ids).exclude(status=Group.Status.ARCHIVED).order_by("name")
    for group in groups:
        announcements = list(
            Announcement.objects.filter(group=group, created_at__gte=since, created_at__lt=until).order_by(
                "-created_at"
            )[:10]
        )
        threads = list(
            Thread.objects.filter(group=group, created_at__gte=since, created_at__lt=until).order_by("-created_at")[:10]
        )
        if not announcements and not threads:
            continue
        sections.append(
            {
                "group": group,
                "announcements": announcements,
                "threads": threads,
                "meetings": upcoming_meetings_for_group(group, limit=3),
            }
        )
    return sections
