"""A normal group with a lead and three members, a confidential group, an outsider and the director."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pytest

from tests.factories import UserFactory
from tests.groups.factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Attachments go to a private folder per test (the same storage class as production, elsewhere)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "spaces_files": {
            "BACKEND": "belong.private_files.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


@pytest.fixture(autouse=True)
def _equity_director_group(db):
    from django.apps import apps

    importlib.import_module("groups.migrations.0003_equity_director_permissions").grant(apps, None)


@dataclass
class World:
    group: object
    lead: object
    member: object
    second: object
    third: object
    outsider: object
    secret: object
    secret_lead: object
    secret_member: object
    other_lead: object


@pytest.fixture
def world(db) -> World:
    group = GroupFactory(name="Harbor Readers", slug="harbor-readers")
    secret = ConfidentialGroupFactory(name="Quiet Cove", slug="quiet-cove")
    other = GroupFactory(name="Far Shore", slug="far-shore")
    return World(
        group=group,
        lead=LeadFactory(group=group, user=UserFactory(full_name="Lena Lead")).user,
        member=MembershipFactory(group=group, user=UserFactory(full_name="Milo Member")).user,
        second=MembershipFactory(group=group, user=UserFactory(full_name="Sara Second")).user,
        third=MembershipFactory(group=group, user=UserFactory(full_name="Theo Third")).user,
        outsider=UserFactory(full_name="Olga Outsider"),
        secret=secret,
        secret_lead=LeadFactory(group=secret, user=UserFactory(full_name="Cleo Confidential")).user,
        secret_member=MembershipFactory(group=secret, user=UserFactory(full_name="Cai Quiet")).user,
        other_lead=LeadFactory(group=other, user=UserFactory(full_name="Oscar Other")).user,
    )


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run
