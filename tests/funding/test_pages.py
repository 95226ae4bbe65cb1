"""The pages' forms, end to end through the views: what a person types never answers 500."""

from __future__ import annotations

import pytest

from funding.models import Allocation, Cycle, Expense, FundingRequest

pytestmark = pytest.mark.django_db


def test_it_opens_a_cycle_with_the_fiscal_year_by_default(client, director):
    client.force_login(director)
    assert client.get("/funding/").status_code == 302
    form = client.get("/funding/cycles/new/")
    assert 'type="date"' in form.text and "-07-01" in form.text
    response = client.post(
        "/funding/cycles/new/",
        {
            "name": "2026-27",
            "starts_on": "2026-07-01",
            "ends_on": "2027-06-30",
            "total": "25000.00",
        },
    )
    cycle = Cycle.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/funding/cycles/{cycle.pk}/"
    assert cycle.total_cents == 2_500_000
    again = client.post(
        "/funding/cycles/new/",
        {
            "name": "2026-27",
            "starts_on": "2027-07-01",
            "ends_on": "2027-06-30",
            "total": "1",
        },
    )
    assert again.status_code == 400


def test_it_allocates_and_asks_a_reason_to_change(client, world, director):
    client.force_login(director)
    url = f"/funding/cycles/{world.cycle.pk}/allocate/"
    assert client.post(url, {"group": world.group.pk, "amount": "1500", "reason": ""}).status_code == 400
    assert client.post(url, {"group": world.group.pk, "amount": "1500", "reason": "Added a speaker"}).status_code == 302
    assert Allocation.objects.get(cycle=world.cycle, group=world.group).amount_cents == 150_000


@pytest.mark.parametrize("amount", ["abc", "-5", "1e9", "0", "12.345", "99999999999"])
def test_it_refuses_nonsense_amounts_without_failing(client, world, amount):
    client.force_login(world.lead)
    response = client.post(
        f"/funding/groups/{world.group.slug}/request/",
        {
            "amount": amount,
            "purpose": "Snacks",
            "planned_on": "2026-10-01",
            "category": "food",
        },
    )
    assert response.status_code == 400
    assert not FundingRequest.objects.exists()


def test_it_reads_amounts_in_the_pages_language(client, world):
    client.force_login(world.lead)
    client.cookies["django_language"] = "es"
    response = client.post(
        f"/funding/groups/{world.group.slug}/request/",
        {
            "amount": "1234,50",
            "purpose": "Libros",
            "planned_on": "2026-10-01",
            "category": "materials",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 302
    assert FundingRequest.objects.get().amount_cents == 123_450


def test_it_runs_a_request_through_a_partial_approval_and_an_expense_over_the_remainder(client, world, director):
    client.force_login(world.lead)
    client.post(
        f"/funding/groups/{world.group.slug}/request/",
        {
            "amount": "300",
            "purpose": "Food for the October meeting",
            "planned_on": "2026-10-14",
            "category": "food",
        },
    )
    funding_request = FundingRequest.objects.get()
    client.force_login(director)
    assert client.post(f"/funding/requests/{funding_request.pk}/decide/", {"decision": "partly"}).status_code == 400
    response = client.post(
        f"/funding/requests/{funding_request.pk}/decide/",
        {
            "decision": "partly",
            "approved": "200",
            "message": "Two thirds",
        },
    )
    assert response.status_code == 302
    assert client.post(f"/funding/requests/{funding_request.pk}/decide/", {"decision": "approve"}).status_code == 400
    client.force_login(world.lead)
    expense_url = f"/funding/groups/{world.group.slug}/expense/"
    base = {"funding_request": funding_request.pk, "spent_on": "2026-10-14", "category": "food", "vendor": "Deli"}
    assert client.post(expense_url, {**base, "amount": "150"}).status_code == 302
    over = client.post(expense_url, {**base, "amount": "60"}, follow=True)
    assert "sent to the equity director for approval" in over.text
    awaiting = Expense.objects.get(status=Expense.Status.AWAITING)
    client.force_login(director)
    program = client.get(f"/funding/cycles/{world.cycle.pk}/")
    assert f"/funding/expenses/{awaiting.pk}/decide/" in program.text
    assert client.post(f"/funding/expenses/{awaiting.pk}/decide/", {"decision": "decline"}).status_code == 302
    assert Expense.objects.get(pk=awaiting.pk).status == Expense.Status.DECLINED
    page = client.get(f"/funding/groups/{world.group.slug}/")
    assert 'data-figure="spent">$150.00' in page.text


def test_it_shows_the_books_read_only_in_the_admin_without_naming_a_lead(client, world, superuser, settings):
    from funding import services

    settings.ADMIN_REQUIRES_MFA = False
    funding_request = services.request_create(
        cycle=world.cycle,
        group=world.secret_group,
        amount_cents=1_000,
        purpose="Snacks",
        planned_on=world.cycle.starts_on,
        category="food",
        by=world.secret_lead,
    )
    client.force_login(superuser)
    for url in [
        "/admin/funding/cycle/",
        "/admin/funding/allocation/",
        "/admin/funding/fundingrequest/",
        "/admin/funding/expense/",
        f"/admin/funding/fundingrequest/{funding_request.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Sasha" not in response.text and world.secret_lead.email not in response.text
    assert client.get(f"/admin/funding/fundingrequest/{funding_request.pk}/history/").status_code == 200
    assert "Sasha" not in client.get(f"/admin/funding/fundingrequest/{funding_request.pk}/history/").text
    assert client.get("/admin/funding/cycle/add/").status_code == 403


def test_it_lets_a_lead_look_at_a_past_cycle(client, world, director):
    import datetime

    from funding import services

    past = services.cycle_create(
        name="2025-26",
        starts_on=datetime.date(2025, 7, 1),
        ends_on=datetime.date(2026, 6, 30),
        total_cents=0,
        by=director,
    )
    services.request_create(
        cycle=past,
        group=world.group,
        amount_cents=7_700,
        purpose="Last spring's books",
        planned_on=datetime.date(2026, 3, 1),
        category="materials",
        by=world.lead,
    )
    client.force_login(world.lead)
    page = client.get(f"/funding/groups/{world.group.slug}/?cycle={world.cycle.pk}")
    assert f'href="/funding/groups/{world.group.slug}/?cycle={past.pk}"' in page.text
    assert "Last spring" not in page.text
    assert "Last spring's books" in client.get(f"/funding/groups/{world.group.slug}/?cycle={past.pk}").text.replace(
        "&#x27;", "'"
    )
