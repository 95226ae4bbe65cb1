"""Fixtures for groups' tests: a normal and a confidential group, each with a lead and members."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pytest

from groups.models import Group, Membership
from tests.factories import UserFactory

from .factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory


def _replay_data_migrations() -> None:
    """Run every migration's RunPython step again (they are all get_or_create) on the flushed database."""
    from django.apps import apps
    from django.db import connection, transaction
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    seen: set = set()
    for leaf in graph.leaf_nodes():
        for key in graph.forwards_plan(leaf):
            if key in seen:
                continue
            seen.add(key)
            for operation in graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
                        operation.code(apps, editor)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put back the rows data migrations wrote (permission groups...).

    The flush empties every table, so with --reuse-db every later test, in this run and the next, of any
    app, would otherwise start without the "Equity director" and "HR" groups.
    """
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _replay_data_migrations()
    return result


@pytest.fixture(autouse=True)
def _admin_without_mfa(settings):
    # The admin's second-factor gate is the foundation's concern; these tests look at what it shows.
    settings.ADMIN_REQUIRES_MFA = False


@pytest.fixture(autouse=True)
def _equity_director_group(db):
    """Rows written by data migrations vanish after any transactional test flushes the reused database."""
    from django.apps import apps

    grant = importlib.import_module("groups.migrations.0003_equity_director_permissions").grant
    grant(apps, None)


@pytest.fixture
def group(db):
    return GroupFactory()


@dataclass
class Cast:
    group: Group
    lead: object
    member_listed: object
    member_hidden: object
    listed_membership: Membership
    hidden_membership: Membership


def _cast(group: Group, tag: str) -> Cast:
    lead = LeadFactory(group=group, user=UserFactory(full_name=f"Lena {tag}-Lead")).user
    listed = MembershipFactory(group=group, user=UserFactory(full_name=f"Lila {tag}-Listed"), visible_to_members=True)
    hidden = MembershipFactory(group=group, user=UserFactory(full_name=f"Hugo {tag}-Hidden"), visible_to_members=False)
    return Cast(group, lead, listed.user, hidden.user, listed, hidden)


@pytest.fixture
def normal(db) -> Cast:
    return _cast(GroupFactory(name="Open Harbor Circle", slug="open-harbor"), "Normal")


@pytest.fixture
def confidential(db) -> Cast:
    return _cast(ConfidentialGroupFactory(name="Quiet Cove Circle", slug="quiet-cove"), "Secret")
