"""Receipts: recognised by content, stored privately under a random name, served only through the checked view."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import Expense

from .conftest import JPEG, PDF, PNG, approved_request

pytestmark = pytest.mark.django_db


def _post(client, world, approval, receipt, amount="25.00"):
    return client.post(
        f"/funding/groups/{world.group.slug}/expense/?cycle={world.cycle.pk}",
        {
            "funding_request": approval.pk,
            "spent_on": "2026-10-14",
            "amount": amount,
            "category": "food",
            "vendor": "Corner Deli",
            "receipt": receipt,
        },
    )


def test_it_refuses_a_receipt_that_claims_to_be_a_pdf_but_is_not(client, world, director, _receipts_in_tmp):
    approval = approved_request(world, director)
    client.force_login(world.lead)
    fake = SimpleUploadedFile("receipt.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = _post(client, world, approval, fake)
    assert response.status_code == 400
    assert "must be a PDF, JPEG or PNG" in response.text
    assert not Expense.objects.exists()
    assert not _receipts_in_tmp.exists() or not any(_receipts_in_tmp.rglob("*.*"))


def test_it_refuses_a_receipt_over_the_size_limit(client, world, director, settings):
    settings.FUNDING_RECEIPT_MAX_BYTES = 2048
    approval = approved_request(world, director)
    client.force_login(world.lead)
    response = _post(client, world, approval, SimpleUploadedFile("big.pdf", PDF + b"0" * 4096))
    assert response.status_code == 400
    assert "larger than" in response.text
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (PDF, "application/pdf", "pdf"),
        (PNG, "image/png", "png"),
        (JPEG, "image/jpeg", "jpg"),
    ],
)
def test_it_stores_a_receipt_under_a_random_name_and_serves_it_as_a_download(
    client, world, director, content, content_type, extension
):
    approval = approved_request(world, director)
    client.force_login(world.lead)
    # The browser's claim and the name are both wrong; the bytes decide.
    upload = SimpleUploadedFile("Attendees Jane Doe.txt", content, content_type="text/plain")
    assert _post(client, world, approval, upload).status_code == 302
    expense = Expense.objects.get()
    assert re.fullmatch(rf"receipts/[0-9a-f]{{32}}\.{extension}", expense.receipt.name)
    assert expense.receipt_content_type == content_type
    response = client.get(f"/funding/expenses/{expense.pk}/receipt/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="receipt-EX-{expense.pk}.{extension}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "Jane" not in response["Content-Disposition"]


def test_it_has_no_public_url_for_a_receipt():
    with pytest.raises(ValueError):
        storages["funding_receipts"].url("receipts/x.pdf")
    from belong import settings as production

    location = production.STORAGES["funding_receipts"]["OPTIONS"]["location"]
    assert production.STORAGES["funding_receipts"]["BACKEND"] == "funding.storage.PrivateFileSystemStorage"
    assert not location.startswith(str(production.STATIC_ROOT))


def test_it_leaves_no_receipt_behind_when_the_expense_cannot_be_saved(world, director, _receipts_in_tmp):
    import datetime

    from django.db import DataError

    from funding import services

    with pytest.raises(DataError):
        # A category longer than its column: the row fails after the file was written.
        services.expense_record(
            cycle=world.cycle,
            group=world.group,
            spent_on=datetime.date(2026, 10, 14),
            amount_cents=100,
            category="x" * 30,
            vendor="Deli",
            by=world.lead,
            receipt=SimpleUploadedFile("r.pdf", PDF),
        )
    assert not any(path.is_file() for path in _receipts_in_tmp.rglob("*"))


def test_it_answers_404_when_the_receipt_file_is_gone(client, world, director):
    approval = approved_request(world, director)
    client.force_login(world.lead)
    assert _post(client, world, approval, SimpleUploadedFile("r.pdf", PDF)).status_code == 302
    expense = Expense.objects.get()
    expense.receipt.storage.delete(expense.receipt.name)
    assert client.get(f"/funding/expenses/{expense.pk}/receipt/").status_code == 404
