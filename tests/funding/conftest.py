"""Fixtures for funding: a cycle, a group with a lead and a member, another group, a confidential group."""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass

import pytest

from funding import services
from funding.models import Cycle, FundingRequest
from groups.models import Group
from tests.factories import UserFactory
from tests.groups.factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _receipts_in_tmp(settings, tmp_path):
    """Receipts go to a private folder per test (the same FileSystemStorage as production, elsewhere)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "funding_receipts": {
            "BACKEND": "funding.storage.PrivateFileSystemStorage",
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
    cycle: Cycle
    group: Group
    lead: object
    member: object
    other_group: Group
    other_lead: object
    secret_group: Group
    secret_lead: object


@pytest.fixture
def world(db, director) -> World:
    cycle = services.cycle_create(
        name="2026-27",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2027, 6, 30),
        total_cents=500_000,
        by=director,
    )
    group = GroupFactory(name="Harbor Readers", slug="harbor-readers")
    lead = LeadFactory(group=group, user=UserFactory(full_name="Lena Lead", preferred_language="es")).user
    member = MembershipFactory(group=group).user
    other = GroupFactory(name="Cedar Circle", slug="cedar-circle")
    other_lead = LeadFactory(group=other).user
    secret = ConfidentialGroupFactory(name="Quiet Cove", slug="quiet-cove")
    secret_lead = LeadFactory(group=secret, user=UserFactory(full_name="Sasha Secretlead")).user
    for g in (group, other, secret):
        services.allocation_set(cycle=cycle, group=g, amount_cents=100_000, reason="", by=director)
    return World(cycle, group, lead, member, other, other_lead, secret, secret_lead)


def approved_request(world: World, director, *, group=None, asked=20_000, approved=None) -> FundingRequest:
    group = group or world.group
    lead = {world.group.pk: world.lead, world.other_group.pk: world.other_lead}.get(group.pk, world.secret_lead)
    funding_request = services.request_create(
        cycle=world.cycle,
        group=group,
        amount_cents=asked,
        purpose="Food for the October meeting",
        planned_on=datetime.date(2026, 10, 14),
        category="food",
        by=lead,
    )
    if approved is None:
        return services.request_decide(funding_request=funding_request, decision="approve", by=director)
    return services.request_decide(
        funding_request=funding_request, decision="partly", approved_cents=approved, by=director
    )
