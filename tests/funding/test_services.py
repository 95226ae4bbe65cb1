"""Cycles, allocations, decisions and expenses, with their e-mails, history and audit records."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from belong.models import AuditLog, OutboxMessage
from funding import money, services
from funding.models import Allocation, Expense, FundingRequest

from .conftest import PDF, approved_request

pytestmark = pytest.mark.django_db


def test_it_defaults_a_cycle_to_the_fiscal_year():
    assert services.default_cycle(datetime.date(2026, 12, 5)) == (
        "2026\u201327",
        datetime.date(2026, 7, 1),
        datetime.date(2027, 6, 30),
    )
    assert services.default_cycle(datetime.date(2027, 3, 1))[1] == datetime.date(2026, 7, 1)


def test_it_keeps_money_in_integer_cents_and_shows_it_in_the_pages_language():
    from django.utils import translation

    assert money.to_cents(money.from_cents(1_234_567)) == 1_234_567
    assert Allocation._meta.get_field("amount_cents").get_internal_type() == "PositiveBigIntegerField"
    with translation.override("en"):
        assert money.display(1_234_567) == "$12,345.67"
    with translation.override("es"):
        # Django's Spanish formats group thousands with a no-break space and use a decimal comma.
        assert money.display(1_234_567) == "$12\u00a0345,67"


def test_it_needs_a_reason_to_change_an_allocation_and_keeps_its_history(client, world, director):
    client.force_login(director)
    with pytest.raises(services.FundingError):
        services.allocation_set(cycle=world.cycle, group=world.group, amount_cents=50_000, reason=" ", by=director)
    services.allocation_set(
        cycle=world.cycle, group=world.group, amount_cents=120_000, reason="Speaker series added", by=director
    )
    allocation = Allocation.objects.get(cycle=world.cycle, group=world.group)
    history = list(allocation.history.order_by("history_date"))
    assert [h.amount_cents for h in history] == [100_000, 120_000]
    assert history[-1].history_change_reason == "Speaker series added"
    assert history[-1].history_user == director
    page = client.get(f"/funding/cycles/{world.cycle.pk}/")
    assert "Harbor Readers · $1,200.00 · " + director.display_name + " · Speaker series added" in page.text
    entry = AuditLog.objects.filter(action="funding.allocation_set", object_id=str(allocation.pk)).first()
    assert entry.actor == director and entry.detail["before_cents"] == 100_000


def test_it_partly_approves_and_tells_the_leads_in_their_language(world, director):
    funding_request = services.request_create(
        cycle=world.cycle,
        group=world.group,
        amount_cents=30_000,
        purpose="Guest speaker",
        planned_on=datetime.date(2026, 11, 1),
        category="speaker",
        by=world.lead,
    )
    assert OutboxMessage.objects.filter(kind="funding.awaiting_decision", recipient=director).exists()
    decided = services.request_decide(
        funding_request=funding_request, decision="partly", approved_cents=20_000, message="Half now", by=director
    )
    assert decided.status == FundingRequest.Status.PARTLY_APPROVED and decided.approved_cents == 20_000
    [note] = OutboxMessage.objects.filter(kind="funding.request_decided")
    assert note.recipient == world.lead and note.language == "es"
    assert AuditLog.objects.filter(action="funding.request_decided", actor=director).count() == 1
    assert decided.history.latest().history_user == director
    with pytest.raises(services.FundingError):
        services.request_decide(funding_request=decided, decision="decline", by=director)


@pytest.mark.parametrize("approved", [0, 30_000, 40_000])
def test_it_refuses_a_partial_approval_that_is_not_partial(world, director, approved):
    funding_request = services.request_create(
        cycle=world.cycle,
        group=world.group,
        amount_cents=30_000,
        purpose="x",
        planned_on=datetime.date(2026, 11, 1),
        category="food",
        by=world.lead,
    )
    with pytest.raises(services.FundingError):
        services.request_decide(
            funding_request=funding_request, decision="partly", approved_cents=approved, by=director
        )


def test_it_sends_an_expense_beyond_the_remainder_to_the_director(world, director):
    approval = approved_request(world, director, asked=20_000, approved=15_000)
    first = services.expense_record(
        cycle=world.cycle,
        group=world.group,
        funding_request=approval,
        spent_on=datetime.date(2026, 10, 14),
        amount_cents=10_000,
        category="food",
        vendor="Corner Deli",
        by=world.lead,
    )
    second = services.expense_record(
        cycle=world.cycle,
        group=world.group,
        funding_request=approval,
        spent_on=datetime.date(2026, 10, 15),
        amount_cents=6_000,
        category="food",
        vendor="Corner Deli",
        by=world.lead,
    )
    assert first.status == Expense.Status.RECORDED and first.approval_reference == approval.reference
    assert second.status == Expense.Status.AWAITING and second.approval_reference == ""
    assert OutboxMessage.objects.filter(kind="funding.awaiting_decision", context__expense_id=second.pk).exists()
    approved = services.expense_decide(expense=second, approve=True, message="Fine", by=director)
    assert approved.status == Expense.Status.APPROVED and approved.approval_reference == f"EX-{second.pk}"
    assert OutboxMessage.objects.filter(kind="funding.expense_decided", recipient=world.lead).exists()


def test_it_refuses_to_draw_on_another_groups_approval(world, director):
    theirs = approved_request(world, director, group=world.other_group)
    with pytest.raises(services.FundingError):
        services.expense_record(
            cycle=world.cycle,
            group=world.group,
            funding_request=theirs,
            spent_on=datetime.date(2026, 10, 14),
            amount_cents=100,
            category="food",
            vendor="x",
            by=world.lead,
        )


def test_it_keeps_a_deleted_expense_and_its_receipt_for_the_auditors(world, director):
    approval = approved_request(world, director)
    expense = services.expense_record(
        cycle=world.cycle,
        group=world.group,
        funding_request=approval,
        spent_on=datetime.date(2026, 10, 14),
        amount_cents=5_000,
        category="food",
        vendor="Corner Deli",
        by=world.lead,
        receipt=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
    )
    services.expense_delete(expense=expense, reason="Entered twice", by=world.lead)
    kept = Expense.objects.get(pk=expense.pk)
    assert kept.deleted_at is not None and kept.deleted_by == world.lead
    assert kept.receipt.storage.exists(kept.receipt.name)
    entry = AuditLog.objects.get(action="funding.expense_deleted", object_id=str(expense.pk))
    assert entry.actor == world.lead and entry.detail["reason"] == "Entered twice"
    assert services.request_remaining_cents(approval) == approval.approved_cents


def test_it_keeps_a_requests_history_with_who_and_when(client, world, director):
    approval = approved_request(world, director, asked=20_000, approved=15_000)
    client.force_login(director)
    page = client.get(f"/funding/requests/{approval.pk}/decide/")
    history = page.text.split('id="history-heading"')[1]
    assert "Waiting for a decision" in history and "Partly approved" in history
    # The director's decisions are signed; who asked is not named (it would say who belongs to the group).
    assert director.display_name in history and world.lead.display_name not in history
    assert "decision: partly" in history


def test_it_keeps_a_reason_of_any_length_the_form_takes_whole_in_the_history(client, world, director):
    # The form takes 300 characters; simple_history's reason column held 100, so a long reason answered 500.
    reason = "Added a speaker series and a second family night; " * 6
    client.force_login(director)
    response = client.post(
        f"/funding/cycles/{world.cycle.pk}/allocate/",
        {"group": world.group.pk, "amount": "1300.00", "reason": reason[:300]},
    )
    assert response.status_code in (200, 302)
    allocation = Allocation.objects.get(cycle=world.cycle, group=world.group)
    assert allocation.amount_cents == 130_000
    assert allocation.history.latest("history_date").history_change_reason == reason[:300].strip()
