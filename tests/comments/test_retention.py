from datetime import timedelta

import pytest
from django.utils import timezone

from belong.models import AuditLog, OutboxMessage
from comments import services
from comments.models import Comment
from comments.tasks import purge_expired_comments

from .factories import CommentFactory, TopicFactory

pytestmark = pytest.mark.django_db


def closed(days_ago: int, **kwargs) -> Comment:
    day = timezone.localdate() - timedelta(days=days_ago)
    return CommentFactory(status=Comment.Status.CLOSED, closed_on=day, status_changed_on=day, **kwargs)


def test_it_purges_closed_comments_past_retention_and_keeps_the_rest(settings):
    settings.COMMENT_RETENTION_DAYS = 30
    old = closed(31)
    recent = closed(29)
    held = closed(400, legal_hold=True)
    on_held_topic = closed(400, topic=TopicFactory(name="Under litigation", legal_hold=True))
    still_open = CommentFactory(submitted_on=timezone.localdate() - timedelta(days=900))

    assert services.comment_purge_expired() == 1

    remaining = set(Comment.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert remaining == {recent.pk, held.pk, on_held_topic.pk, still_open.pk}
    assert AuditLog.objects.get(action="comments.purge").detail["deleted"] == 1


def test_it_defaults_to_a_year(settings):
    del settings.COMMENT_RETENTION_DAYS
    closed(366)
    closed(364)
    assert services.comment_purge_expired() == 1


def test_it_removes_queued_reply_mail_with_the_comment(settings, django_capture_on_commit_callbacks):
    settings.COMMENT_RETENTION_DAYS = 30
    comment = CommentFactory(disclosed=True)
    services.comment_review(comment_id=comment.pk, status="answered", reply="Thanks.", legal_hold=False)
    assert OutboxMessage.objects.filter(kind="comments.reply").count() == 1
    services.comment_set_status(comment_ids=[comment.pk], status="closed")
    Comment.objects.filter(pk=comment.pk).update(closed_on=timezone.localdate() - timedelta(days=31))
    assert purge_expired_comments.delay().get() == 1
    assert not OutboxMessage.objects.filter(kind="comments.reply").exists()


def test_the_task_is_scheduled_nightly(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "comments.tasks.purge_expired_comments" in tasks
