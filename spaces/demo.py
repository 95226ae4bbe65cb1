"""A demo space: the demo lead's group gets a pinned announcement, a discussion with a reply and a library.

Safe to run again: nothing is added once the group's space has an announcement.
"""

from __future__ import annotations

from groups.models import Membership

from . import services
from .models import Announcement


def load(stdout, people: dict) -> None:
    lead = people.get("lead")
    membership = (
        Membership.objects.filter(user=lead, role=Membership.Role.LEAD, status=Membership.Status.ACTIVE)
        .select_related("group")
        .order_by("id")
        .first()
        if lead
        else None
    )
    if membership is None or Announcement.objects.filter(group=membership.group).exists():
        return
    group = membership.group
    announcement = services.announcement_create(
        group=group,
        title="Welcome to our group space",
        body="Announcements, discussions and our library now live here.\n\n"
        "- Start a discussion any time\n- Our meetings are on the group page\n",
        pinned=True,
        by=lead,
    )
    members = (
        Membership.objects.filter(group=group, status=Membership.Status.ACTIVE, role=Membership.Role.MEMBER)
        .select_related("user")
        .order_by("id")[:2]
    )
    starters = [m.user for m in members]
    if starters:
        thread = services.thread_start(
            group=group, title="What are you reading this month?", body="Share one title and why.", by=starters[0]
        )
        services.post_reply(thread=thread, body="*The Warmth of Other Suns*, for our study circle.", by=lead)
    services.resource_add(
        group=group,
        title="Our charter",
        url=f"https://belong.district.example{group.get_absolute_url()}",
        description="What we are for and how we meet.",
        by=lead,
    )
    stdout.write(f"Group space for {group.name}: 1 announcement ({announcement.title!r}), 1 discussion, 1 resource.")
