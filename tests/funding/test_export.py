"""The finance office's CSV: one row per expense, formulas neutralised, figures equal to the page's."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from belong.csv_export import csv_lines
from belong.models import AuditLog
from funding import services

from .conftest import PNG, approved_request

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("cell", ["=1+1", "+A1", "-A1+1", "@SUM(A1)", "\tx", "\rx"])
def test_it_neutralises_formula_cells_through_the_shared_writer(cell):
    _header, line = list(csv_lines(["vendor", "note"], [[cell, "plain"]]))
    assert next(csv.reader([line])) == ["'" + cell, "plain"]


def test_it_exports_every_expense_with_its_approval_and_the_page_agrees(client, world, director):
    approval = approved_request(world, director, asked=30_000, approved=20_000)
    within = services.expense_record(
        cycle=world.cycle,
        group=world.group,
        funding_request=approval,
        spent_on=datetime.date(2026, 10, 14),
        amount_cents=12_550,
        category="food",
        vendor='=HYPERLINK("http://evil.example","x")',
        by=world.lead,
        receipt=SimpleUploadedFile("r.png", PNG),
    )
    over = services.expense_record(
        cycle=world.cycle,
        group=world.group,
        funding_request=approval,
        spent_on=datetime.date(2026, 10, 20),
        amount_cents=9_000,
        category="materials",
        vendor="Book Barn",
        by=world.lead,
    )
    services.expense_decide(expense=over, approve=True, by=director)
    secret_approval = approved_request(world, director, group=world.secret_group, asked=5_000)
    services.expense_record(
        cycle=world.cycle,
        group=world.secret_group,
        funding_request=secret_approval,
        spent_on=datetime.date(2026, 11, 2),
        amount_cents=4_000,
        category="speaker",
        vendor="Guest honorarium",
        by=world.secret_lead,
    )
    client.force_login(director)
    response = client.get(f"/funding/cycles/{world.cycle.pk}/expenses.csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _rows(response)
    assert [r["Expense"] for r in rows] == [f"EX-{within.pk}", f"EX-{over.pk}", rows[2]["Expense"]]
    first = rows[0]
    assert first["Vendor"].startswith("'=HYPERLINK")
    assert first["Amount"] == "125.50" and first["Currency"] == "USD"
    assert first["Approval reference"] == approval.reference
    assert first["Amount approved on the request"] == "200.00"
    assert first["Receipt"].endswith(f"/funding/expenses/{within.pk}/receipt/")
    assert rows[1]["Approval reference"] == f"EX-{over.pk}"
    # Leading a group is a membership, which a confidential group (or a private member) does not show:
    # the finance file names no person.
    assert rows[2]["Group"] == "Quiet Cove"
    assert all(
        world.lead.email not in value and world.secret_lead.email not in value for row in rows for value in row.values()
    )
    assert AuditLog.objects.filter(action="funding.cycle_export", actor=director).count() == 1

    total = sum(Decimal(r["Amount"]) for r in rows)
    page = client.get(f"/funding/cycles/{world.cycle.pk}/")
    assert f"${total:,.2f}" == "$255.50"
    assert '<dd class="col-sm-8" data-figure="spent">$255.50</dd>' in page.text


def test_it_never_names_a_confidential_groups_lead_to_the_director(client, world, director):
    approval = approved_request(world, director, group=world.secret_group, asked=5_000)
    services.expense_record(
        cycle=world.cycle,
        group=world.secret_group,
        funding_request=approval,
        spent_on=datetime.date(2026, 11, 2),
        amount_cents=4_000,
        category="food",
        vendor="Corner Deli",
        by=world.secret_lead,
        receipt=SimpleUploadedFile("Sasha Secretlead attendees.png", PNG),
    )
    client.force_login(director)
    pages = [
        client.get(f"/funding/cycles/{world.cycle.pk}/").text,
        client.get(f"/funding/groups/{world.secret_group.slug}/").text,
        b"".join(client.get(f"/funding/cycles/{world.cycle.pk}/expenses.csv").streaming_content).decode(),
        client.get(f"/funding/requests/{approval.pk}/decide/").text,
    ]
    assert director.display_name in pages[-1]  # the history names the director's own decision
    for text in pages:
        assert "Sasha" not in text and "Secretlead" not in text and world.secret_lead.email not in text
