"""What the home page shows each person. The home app reads the other apps' models and selectors;
nothing imports it, so a page that gathers from every app adds no dependency between them."""

from __future__ import annotations

from typing import Any

from groups.models import Group, Membership
from meetings.selectors import upcoming_for_user


def signed_in(user) -> dict[str, Any]:
    """The signed-in home page: the viewer's memberships and next meetings."""
    memberships = list(
        Membership.objects.filter(user=user)
        .exclude(group__status=Group.Status.ARCHIVED)
        .select_related("group")
        .order_by("group__name")
    )
    return {"my_memberships": memberships, "next_meetings": upcoming_for_user(user, limit=5)}
