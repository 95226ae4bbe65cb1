import pytest
from django.conf import settings
from django.db import IntegrityError, models

from comments.models import Comment, CommentNote, Tag, Topic

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

IDENTIFYING_WORDS = {
    "user",
    "ip",
    "address",
    "addr",
    "agent",
    "ua",
    "session",
    "time",
    "timestamp",
    "datetime",
    "created",
    "modified",
    "updated",
    "at",
    "cookie",
    "host",
    "device",
    "browser",
    "fingerprint",
    "author",
    "owner",
}
# The reviewer who wrote an internal note, typed in by the admin; nothing about the comment's writer.
ALLOWED = {(CommentNote, "author_name")}


def _all_fields():
    for model in (Comment, CommentNote, Tag, Topic, Comment.tags.through):
        for field in model._meta.get_fields():
            yield model, field


def test_it_has_no_field_that_could_identify_a_writer():
    for model, field in _all_fields():
        words = set(field.name.lower().split("_"))
        assert (model, field.name) in ALLOWED or not words & IDENTIFYING_WORDS, (model, field.name)
        assert not isinstance(field, models.DateTimeField | models.TimeField | models.GenericIPAddressField), (
            model,
            field.name,
        )
        if field.is_relation and field.related_model is not None:
            assert field.related_model._meta.label != settings.AUTH_USER_MODEL, (model, field.name)


def test_it_keys_comments_by_uuid_and_orders_them_by_a_database_sequence():
    first, second, third = CommentFactory(), CommentFactory(), CommentFactory()
    assert isinstance(Comment._meta.pk, models.UUIDField)
    assert first.sequence < second.sequence < third.sequence
    assert list(Comment.objects.all()) == [third, second, first]


def test_it_keeps_identity_columns_empty_unless_disclosed_in_the_database():
    with pytest.raises(IntegrityError):
        CommentFactory(identity_disclosed=False, disclosed_email="someone@example.org")


def test_it_records_closing_only_for_closed_comments_in_the_database():
    with pytest.raises(IntegrityError):
        CommentFactory(status=Comment.Status.NEW, closed_on="2026-01-01")


def test_it_stores_exactly_these_columns_for_a_comment():
    # The closing note of issue 6 lists these; a new column must be argued for here first.
    columns = {field.column for field in Comment._meta.concrete_fields}
    assert columns == {
        "id",
        "sequence",
        "topic_id",
        "body",
        "language",
        "submitted_on",
        "status",
        "status_changed_on",
        "closed_on",
        "identity_disclosed",
        "disclosed_name",
        "disclosed_email",
        "disclosed_relationship",
        "reply",
        "replied_on",
        "legal_hold",
        "receipt_hash",
        # The writer's yes/no to being quoted on "You said, we did" (impact): a choice, not a trace.
        "publish_consent",
    }
