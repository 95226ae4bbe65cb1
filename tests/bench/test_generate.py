"""The bench generator at a tiny scale: it loads every part with COPY and leaves the database usable."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from bench import generate
from comments.models import Comment
from equity_plan.models import ActionItem, Plan
from groups.models import Group, Membership
from meetings.models import Meeting, Occurrence

SCALE = 0.001


def test_it_loads_a_tiny_district_with_every_part_the_bench_needs(db):
    lines: list[str] = []
    counts = generate.load(scale=SCALE, seed=7, out=lines.append, analyze=False)

    User = get_user_model()
    staff = generate.scaled(generate.SIZES["staff"], SCALE, floor=200)
    specials = 2 + len(generate.SPECIAL_GROUPS)  # superuser, viewer and one lead per special group
    assert User.objects.count() == counts["staff"] == staff + specials
    assert Group.objects.count() == counts["groups"]
    assert Membership.objects.count() == counts["memberships"] > 0
    assert Meeting.objects.count() == counts["meetings"] == generate.scaled(generate.SIZES["meetings"], SCALE, 20)
    assert Occurrence.objects.count() == counts["occurrences"] >= counts["meetings"]
    assert Comment.objects.count() == counts["comments"] == generate.scaled(generate.SIZES["comments"], SCALE, 50)
    assert ActionItem.objects.count() == counts["action_items"] == 20
    from funding.models import Expense, FundingRequest

    assert Expense.objects.count() == counts["expenses"] == generate.scaled(20_000, SCALE, floor=200)
    assert FundingRequest.objects.count() == counts["funding requests"] == 10 * counts["groups"]
    assert len(lines) == 7  # one line per part, none skipped

    # The named groups, leads and accounts the bench signs in as.
    for special in generate.SPECIAL_GROUPS:
        group = Group.objects.get(slug=special.slug)
        lead = User.objects.get(email=generate.FIXTURE["lead_of"][special.slug])
        assert Membership.objects.get(group=group, user=lead).is_lead
        assert group.is_confidential == special.confidential
        assert group.join_policy == Group.JoinPolicy.OPEN and not group.excludes_administrators
    assert Group.objects.get(slug="bench-large").memberships.count() == generate.scaled(40_000, SCALE, floor=20)
    notice = Group.objects.get(slug="bench-notice")
    assert notice.memberships.filter(status="active").count() == generate.scaled(10_000, SCALE, floor=20)
    admin = User.objects.get(email=generate.FIXTURE["superuser"])
    assert admin.is_superuser and admin.check_password(generate.BENCH_PASSWORD)
    assert not Membership.objects.filter(user__email=generate.FIXTURE["viewer"]).exists()
    plan = Plan.objects.get(slug=generate.FIXTURE["plan_slug"])
    assert plan.is_published and ActionItem.objects.filter(workstream__plan=plan).count() == 20

    # Rows were copied with explicit ids: the next ORM insert must not collide, and defaults were filled.
    user = User.objects.create_user("after-copy@district.example", password="a long password 1")
    assert user.pk > max(User.objects.exclude(pk=user.pk).values_list("pk", flat=True))
    assert User.objects.values("calendar_token").distinct().count() == User.objects.count()
    assert isinstance(Comment.objects.order_by("-sequence").first().sequence, int)  # the database's sequence
    assert Group.objects.create(name="After copy", slug="after-copy", summary="x").pk


@pytest.mark.urls("bench.urls")
def test_it_serves_a_bare_view_without_touching_the_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/bench/bare/")
    assert response.status_code == 200
    assert b"Hello from Django" in response.content
