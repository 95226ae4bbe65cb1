"""The demo cycle: allocations, requests decided three ways, expenses with receipts; loaded once."""

from __future__ import annotations

import io

import pytest

from funding import demo
from funding.models import Allocation, Cycle, Expense, FundingRequest
from tests.factories import UserFactory
from tests.groups.factories import ConfidentialGroupFactory, GroupFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_cycle_once(director):
    for name, _dollars in demo.ALLOCATIONS:
        factory = ConfidentialGroupFactory if name.startswith("LGBTQ") else GroupFactory
        LeadFactory(group=factory(name=name))
    people = {"director": director, "lead": UserFactory(), "teacher": UserFactory()}
    demo.load(io.StringIO(), people)
    demo.load(io.StringIO(), people)
    assert Cycle.objects.count() == 1
    assert Allocation.objects.count() == len(demo.ALLOCATIONS)
    assert set(FundingRequest.objects.values_list("status", flat=True)) == {
        "approved",
        "partly_approved",
        "declined",
        "pending",
    }
    assert set(Expense.objects.values_list("status", flat=True)) == {"recorded", "awaiting"}
    assert all(e.receipt.name.endswith(".pdf") for e in Expense.objects.all())
