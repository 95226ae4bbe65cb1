"""The weekly digest: Monday morning in the district's time zone, one per person with news, in batches."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from belong.models import OutboxMessage
from spaces import digest, services, tasks
from spaces.models import Announcement, Delivery, Kind, NotificationPreference, Thread
from tests.groups.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _prefer(user, delivery):
    NotificationPreference.objects.create(user=user, kind=Kind.ANNOUNCEMENT, delivery=delivery)


def _last_week(**kwargs):
    since, until, _week = digest.week_window()
    middle = since + (until - since) / 2
    return middle


def test_it_is_monday_morning_in_the_district_only(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    settings.SPACES_DIGEST_HOUR = 7
    zone = ZoneInfo("America/Los_Angeles")
    assert digest.is_digest_time(datetime(2026, 12, 7, 7, 30, tzinfo=zone))  # a Monday
    assert not digest.is_digest_time(datetime(2026, 12, 7, 7, 30, tzinfo=ZoneInfo("UTC")))  # Sunday 23:30 there
    assert not digest.is_digest_time(datetime(2026, 12, 8, 7, 30, tzinfo=zone))
    since, until, week = digest.week_window(datetime(2026, 12, 9, 12, 0, tzinfo=zone))
    assert until == datetime(2026, 12, 7, 7, 0, tzinfo=zone) and until - since == timedelta(days=7)
    assert week == "2026-W50"


def test_it_sends_the_digest_to_digest_readers_only_and_never_empty(
    world, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SPACES_DIGEST_BATCH = 2
    _prefer(world.member, Delivery.DIGEST)
    _prefer(world.second, Delivery.NEVER)
    _prefer(world.secret_member, Delivery.DIGEST)  # their group had no news: no digest
    announcement = services.announcement_create(group=world.group, title="Picnic", body="Sat", by=world.lead)
    thread = services.thread_start(group=world.group, title="Books", body="Ideas?", by=world.third)
    when = _last_week()
    Announcement.objects.filter(pk=announcement.pk).update(created_at=when)
    Thread.objects.filter(pk=thread.pk).update(created_at=when)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.weekly_digest(force=True) >= 1
    [message] = [m for m in mailoutbox if "week in Belong" in m.subject]
    assert message.to == [world.member.email]
    assert "Picnic" in message.body and "Books" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    # A second run in the same week sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.weekly_digest(force=True)
    assert OutboxMessage.objects.filter(kind="spaces.digest").count() == 1


def test_it_does_nothing_outside_monday_morning(world, settings):
    settings.SPACES_DIGEST_HOUR = (timezone.localtime().hour + 12) % 24
    _prefer(world.member, Delivery.DIGEST)
    assert tasks.weekly_digest() == 0


def test_it_shares_one_context_between_people_with_the_same_groups(world):
    """The outbox renders once per distinct context and language: people with the same groups share one."""
    for user in (world.member, world.second, world.secret_member):
        _prefer(user, Delivery.DIGEST)
    MembershipFactory(group=world.secret, user=world.second)
    services.announcement_create(group=world.group, title="Picnic", body="Sat", by=world.lead)
    services.announcement_create(group=world.secret, title="Quiet", body="Sun", by=world.secret_lead)
    now = timezone.now()
    digest.send_range(
        first_id=0, last_id=10**9, since=now - timedelta(days=7), until=now + timedelta(minutes=1), week="test"
    )
    contexts = {
        row.recipient_id: row.context["group_ids"] for row in OutboxMessage.objects.filter(kind="spaces.digest")
    }
    assert contexts[world.member.pk] == [world.group.pk]
    assert sorted(contexts[world.second.pk]) == sorted([world.group.pk, world.secret.pk])
    assert contexts[world.secret_member.pk] == [world.secret.pk]
    # One recipient per message: nobody learns who else is in a confidential group.
    assert all(row.to_email for row in OutboxMessage.objects.filter(kind="spaces.digest"))


def test_it_skips_people_who_switched_off_leads_messages(world):
    _prefer(world.member, Delivery.DIGEST)
    world.member.email_opt_outs = ["group_messages"]
    world.member.save()
    services.announcement_create(group=world.group, title="Picnic", body="Sat", by=world.lead)
    now = timezone.now()
    assert (
        digest.send_range(
            first_id=0, last_id=10**9, since=now - timedelta(days=7), until=now + timedelta(minutes=1), week="test"
        )
        == 0
    )
