"""Parameters are bound by PostgreSQL and a statement a connection runs often is prepared there, so the
server skips parsing and planning it (settings: server_side_binding, DATABASE_PREPARE_THRESHOLD)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from groups.access import _group_and_viewer
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_it_binds_on_the_server_and_prepares_after_a_few_runs(db):
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    assert connection.connection.prepare_threshold == settings.DATABASE_PREPARE_THRESHOLD == 5
    group = GroupFactory()
    member = MembershipFactory(group=group).user
    stranger = UserFactory()

    for viewer in (member, stranger, member, stranger, member, stranger):
        read = _group_and_viewer(group.slug, viewer)
        assert read.pk == group.pk

    prepared = [statement for statement in _prepared() if 'FROM "groups_group" g LEFT JOIN' in statement]
    assert len(prepared) == 1
    assert "$1" in prepared[0] and "$2" in prepared[0]  # one plan for every viewer and group
