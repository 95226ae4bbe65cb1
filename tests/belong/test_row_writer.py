"""belong.rows.RowWriter inserts what bulk_create inserts, column for column, and leaves the database's
own defaults (the id, `db_default`s) to the database."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from belong.models import OutboxMessage
from belong.rows import RowWriter
from groups.models import Membership, MembershipEvent
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


def test_it_leaves_the_id_and_unset_database_defaults_to_the_database():
    user = UserFactory()
    writer = RowWriter(OutboxMessage)
    assert "id" not in writer._columns
    sql, _params = writer._statement([_outbox(uuid.uuid4(), user)], connection)
    assert "DEFAULT" in sql  # created_at: db_default=Now(), never set by Python
    group = GroupFactory()
    RowWriter(MembershipEvent).insert([MembershipEvent(group=group, change=1), MembershipEvent(group=group, change=-1)])
    assert sorted(MembershipEvent.objects.filter(group=group).values_list("change", flat=True)) == [-1, 1]
    assert MembershipEvent.objects.filter(group=group, at__isnull=True).count() == 0


def test_it_writes_a_value_set_for_a_field_with_a_database_default():
    # Membership.hidden has db_default=False: a True set by Python must reach the row, as with the ORM.
    group, user = GroupFactory(), UserFactory()
    membership = RowWriter(Membership).insert_one(Membership(group=group, user=user, hidden=True))
    assert Membership.objects.get(pk=membership.pk).hidden is True


def test_it_writes_one_row_and_its_companions_in_one_statement(django_assert_num_queries):
    group, user = GroupFactory(), UserFactory()
    batch = uuid.uuid4()
    membership = Membership(group=group, user=user, status=Membership.Status.ACTIVE, request_message="Hola")
    with django_assert_num_queries(1):
        RowWriter(Membership).insert_one(
            membership,
            along=[
                (RowWriter(MembershipEvent), [MembershipEvent(group=group, change=1)]),
                (RowWriter(OutboxMessage), [_outbox(batch, user), _outbox(batch, user, "x")]),
                (RowWriter(OutboxMessage), []),
            ],
        )
    assert membership.pk is not None and not membership._state.adding and membership._state.db == "default"
    stored = Membership.objects.get(pk=membership.pk)
    assert (stored.group_id, stored.user_id, stored.request_message, stored.created_at) == (
        group.pk,
        user.pk,
        "Hola",
        membership.created_at,
    )
    assert MembershipEvent.objects.filter(group=group).count() == 1
    assert OutboxMessage.objects.filter(batch=batch).count() == 2


def test_it_writes_none_of_the_rows_when_the_statement_is_refused():
    group, user = GroupFactory(), UserFactory()
    Membership.objects.create(group=group, user=user)
    batch = uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        RowWriter(Membership).insert_one(
            Membership(group=group, user=user),
            along=[
                (RowWriter(MembershipEvent), [MembershipEvent(group=group, change=1)]),
                (RowWriter(OutboxMessage), [_outbox(batch, user)]),
            ],
        )
    assert not MembershipEvent.objects.filter(group=group).exists()
    assert not OutboxMessage.objects.filter(batch=batch).exists()


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


def test_it_refuses_a_model_whose_saves_something_listens_to():
    # A receiver added later to Membership, say, would be skipped in silence: RowWriter refuses instead.
    from django.core.exceptions import ImproperlyConfigured
    from django.db.models.signals import post_save

    def listener(**kwargs):
        pass

    group = GroupFactory()
    post_save.connect(listener, sender=MembershipEvent, weak=False)
    try:
        with pytest.raises(ImproperlyConfigured, match="MembershipEvent has save signal receivers"):
            RowWriter(MembershipEvent).insert([MembershipEvent(group=group, change=1)])
    finally:
        post_save.disconnect(listener, sender=MembershipEvent)
    assert not MembershipEvent.objects.filter(group=group).exists()
    RowWriter(MembershipEvent).insert([MembershipEvent(group=group, change=1)])  # nothing listens again
