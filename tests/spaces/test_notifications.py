"""The in-portal list, its unread count, and per-kind e-mail preferences."""

from __future__ import annotations

import re

import pytest

from groups import services as group_services
from groups.models import Membership
from spaces import services
from spaces.models import Delivery, Kind, NotificationPreference

pytestmark = pytest.mark.django_db


def test_it_counts_unread_and_marks_them_read(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_create(group=world.group, title="Picnic", body="Saturday", by=world.lead)
    client.force_login(world.member)
    assert client.get("/spaces/me/notifications/unread/").json() == {"unread": 1}
    # The header shows the count once known, without a query of its own.
    assert (
        'data-spaces-unread="/spaces/me/notifications/unread/">1<'
        in client.get("/spaces/me/notifications/").content.decode()
    )
    client.post("/spaces/me/notifications/read/")
    assert client.get("/spaces/me/notifications/unread/").json() == {"unread": 0}


def test_it_drops_a_removed_members_notifications(client, world):
    services.announcement_create(group=world.group, title="Picnic", body="Saturday", by=world.lead)
    membership = Membership.objects.get(group=world.group, user=world.member)
    group_services.member_remove(group=world.group, membership=membership, by=world.lead)
    client.force_login(world.member)
    assert client.get("/spaces/me/notifications/unread/").json() == {"unread": 0}
    assert "Picnic" not in client.get("/spaces/me/notifications/").content.decode()


def test_it_saves_per_kind_preferences(client, world):
    client.force_login(world.member)
    data = {kind.value: Delivery.AT_ONCE for kind in Kind} | {Kind.ANNOUNCEMENT: Delivery.DIGEST}
    assert client.post("/spaces/me/preferences/", data).status_code == 302
    assert NotificationPreference.objects.get(user=world.member, kind=Kind.ANNOUNCEMENT).delivery == Delivery.DIGEST
    assert client.post("/spaces/me/preferences/", {Kind.ANNOUNCEMENT: "sometimes"}).status_code == 400


def test_it_mails_at_once_only_those_who_chose_it(world, mailoutbox, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world.member, kind=Kind.ANNOUNCEMENT, delivery=Delivery.DIGEST)
    NotificationPreference.objects.create(user=world.second, kind=Kind.ANNOUNCEMENT, delivery=Delivery.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_create(group=world.group, title="Picnic", body="Saturday", by=world.lead)
    assert [message.to for message in mailoutbox] == [[world.third.email]]


def test_it_tells_the_thread_starter_of_a_reply_by_email_without_naming_anyone(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    thread = services.thread_start(group=world.group, title="Books", body="Ideas?", by=world.member)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(thread=thread, body="Beloved", by=world.second)
    [message] = mailoutbox
    assert message.to == [world.member.email]
    assert "Sara" not in message.body and "Beloved" not in message.body


def test_it_keeps_a_request_decision_visible_without_a_membership(client, world):
    services.notification_send_request_decided(user=world.outsider, group=world.secret)
    client.force_login(world.outsider)
    assert client.get("/spaces/me/notifications/unread/").json() == {"unread": 1}
    assert "Quiet Cove" in client.get("/spaces/me/notifications/").content.decode()


def test_it_keeps_people_ids_out_of_redis_keys(client, world):
    from django.core.cache import cache

    from spaces.services import unread_key

    client.force_login(world.member)
    client.get("/spaces/me/notifications/unread/")
    key = unread_key(world.member.pk)
    assert cache.get(key) == 0
    assert re.fullmatch(r"spaces:unread:[0-9a-f]{32}", key)
    assert key != unread_key(world.second.pk)
