"""Leads recording expenses at the same moment, as concurrent requests against real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from funding.models import Expense
from tests.groups.factories import LeadFactory

from .conftest import approved_request

ATTEMPTS = 8


@pytest.mark.django_db(transaction=True)
def test_it_lets_no_two_leads_together_overspend_an_approval(world, director):
    approval = approved_request(world, director, asked=10_000)  # $100.00 approved
    leads = [world.lead] + [LeadFactory(group=world.group).user for _ in range(ATTEMPTS - 1)]
    start = threading.Barrier(ATTEMPTS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def record(lead):
        try:
            client = Client()
            client.force_login(lead)
            start.wait(timeout=30)
            response = client.post(
                f"/funding/groups/{world.group.slug}/expense/?cycle={world.cycle.pk}",
                {
                    "funding_request": approval.pk,
                    "spent_on": "2026-10-14",
                    "amount": "30.00",
                    "category": "food",
                    "vendor": "Corner Deli",
                },
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(lead,)) for lead in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == [] and statuses == [302] * ATTEMPTS
    recorded = Expense.objects.filter(request=approval, status=Expense.Status.RECORDED)
    # Three $30 expenses fit in $100; every other one waits for the director instead of overspending.
    assert recorded.count() == 3
    assert sum(e.amount_cents for e in recorded) <= approval.approved_cents
    assert Expense.objects.filter(status=Expense.Status.AWAITING).count() == ATTEMPTS - 3
