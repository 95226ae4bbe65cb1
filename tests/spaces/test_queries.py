"""The space's pages cost the same number of queries with 10,000 posts as with a handful."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from spaces import services
from spaces.models import Post, Thread

pytestmark = pytest.mark.django_db


def _grow(world, threads: int, posts_each: int) -> Thread:
    now = timezone.now()
    made = Thread.objects.bulk_create(
        Thread(group=world.group, author=world.member, title=f"Topic {n}", last_post_at=now, reply_count=posts_each)
        for n in range(threads)
    )
    Post.objects.bulk_create(
        (
            Post(group=world.group, thread=thread, author=world.second, body="Words", body_html="<p>Words</p>")
            for thread in made
            for _n in range(posts_each)
        ),
        batch_size=5000,
    )
    return made[0]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["member", "lead"])
def test_it_keeps_the_space_pages_at_a_constant_number_of_queries(client, world, who, django_assert_num_queries):
    for n in range(3):
        services.announcement_create(group=world.group, title=f"News {n}", body="x", by=world.lead)
    small = _grow(world, 2, 2)
    client.force_login(getattr(world, who))
    urls = [
        "/spaces/harbor-readers/",
        "/spaces/harbor-readers/discussions/",
        f"/spaces/harbor-readers/discussions/{small.pk}/",
    ]
    client.get(urls[0])  # the first page of a session also reads the site's settings once
    before = {url: _count(client, url) for url in urls}
    big = _grow(world, 200, 50)  # 10,000 posts
    assert Post.objects.filter(group=world.group).count() >= 10_000
    urls[2] = f"/spaces/harbor-readers/discussions/{big.pk}/"
    after = [_count(client, url) for url in urls]
    assert after == list(before.values())
    with django_assert_num_queries(PINNED["space"]):
        client.get("/spaces/harbor-readers/")
    with django_assert_num_queries(PINNED["threads"]):
        client.get("/spaces/harbor-readers/discussions/")
    with django_assert_num_queries(PINNED["thread"]):
        client.get(f"/spaces/harbor-readers/discussions/{big.pk}/?page=20")


# group (session and user come from the cache), the viewer's membership, then: announcements, threads,
# resources (space); count and page (discussions); the thread, count and page (a discussion).
PINNED = {"space": 5, "threads": 4, "thread": 5}
