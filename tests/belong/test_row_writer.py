"""belong.rows.RowWriter inserts what bulk_create inserts, column for column, and leaves the database's
own defaults (the id, `db_default`s) to the database."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from belong.models import OutboxMessage
from belong.rows import RowWriter
from groups.models import MembershipEvent
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


def _outbox(batch, user, kind="groups.joined"):
    return OutboxMessage(
        batch=batch,
        kind=kind,
        recipient=user,
        to_email=user.email,
        language="es",
        context={"group_id": 7, "names": ["Zoë", "李"], "hidden": True},
        status=OutboxMessage.Status.PENDING,
    )


def _columns(model, batch_field, batch):
    skip = {"id", "created_at", batch_field}
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
    return sorted(tuple(row) for row in model.objects.filter(**{batch_field: batch}).values_list(*names))


def test_it_writes_what_bulk_create_writes(django_assert_num_queries):
    user = UserFactory()
    by_orm, by_hand = uuid.uuid4(), uuid.uuid4()
    OutboxMessage.objects.bulk_create([_outbox(by_orm, user), _outbox(by_orm, user, "groups.lead_new_member")])
    with django_assert_num_queries(1):
        written = RowWriter(OutboxMessage).insert(
            [_outbox(by_hand, user), _outbox(by_hand, user, "groups.lead_new_member")]
        )
    assert written == 2
    assert _columns(OutboxMessage, "batch", by_hand) == _columns(OutboxMessage, "batch", by_orm)
    for message in OutboxMessage.objects.filter(batch=by_hand):
        assert message.created_at is not None  # the database's default, as for the ORM's rows
        assert message.context["names"] == ["Zoë", "李"]


def test_it_leaves_the_id_and_database_defaults_to_the_database():
    writer = RowWriter(OutboxMessage)
    assert "id" not in writer._columns and "created_at" not in writer._columns
    group = GroupFactory()
    RowWriter(MembershipEvent).insert([MembershipEvent(group=group, change=1), MembershipEvent(group=group, change=-1)])
    assert sorted(MembershipEvent.objects.filter(group=group).values_list("change", flat=True)) == [-1, 1]
    assert MembershipEvent.objects.filter(group=group, at__isnull=True).count() == 0


def test_it_writes_large_lists_in_chunks(monkeypatch):
    monkeypatch.setattr(RowWriter, "CHUNK_ROWS", 2)
    group = GroupFactory()
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert RowWriter(MembershipEvent).insert([MembershipEvent(group=group, change=1) for _ in range(5)]) == 5
    assert len(statements) == 3
    assert MembershipEvent.objects.filter(group=group).count() == 5
