"""Fixtures for meetings' tests: a group with a lead and members, and the district's time zone."""

from __future__ import annotations

import pytest

from tests.factories import AdministratorFactory, UserFactory
from tests.groups.factories import GroupFactory, LeadFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _district_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def group(db):
    return GroupFactory(name="Harbor Lights Circle", slug="harbor-lights")


@pytest.fixture
def lead(group):
    return LeadFactory(group=group, user=UserFactory(full_name="Lena Lead")).user


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(full_name="Milo Member")).user


@pytest.fixture
def administrator(db):
    return AdministratorFactory(full_name="Pat Principal")


@pytest.fixture
def other_lead(db):
    """The lead of a different group: no rights over `group`."""
    return LeadFactory(
        group=GroupFactory(name="Other Shore Circle", slug="other-shore"), user=UserFactory(full_name="Oscar Other")
    ).user


@pytest.fixture
def equity_director(db):
    from django.contrib.auth.models import Group as PermissionGroup

    from accounts.models import EQUITY_DIRECTOR_GROUP
    from tests.factories import DirectorFactory

    # The group comes from a data migration; get_or_create keeps this working after a flush too.
    PermissionGroup.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    return DirectorFactory(full_name="Dana Director")
