"""A year of a group's money, end to end in a real browser: the director opens a cycle and allocates, a lead
asks for funds for a meeting, the director partly approves, the lead records two expenses with receipts (the
one beyond the remainder waits for the director), and the director's CSV agrees with the page. Every funding
page passes axe."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.conftest import reapply_data_migrations
from tests.factories import PASSWORD, DirectorFactory, UserFactory

from .conftest import axe_violations, sign_in, wait_for_mail

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _district(settings, tmp_path):
    reapply_data_migrations()
    settings.STORAGES = {
        **settings.STORAGES,
        "funding_receipts": {
            "BACKEND": "funding.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def _accessible(tab) -> None:
    assert axe_violations(tab) == [], tab.url


def test_it_runs_a_groups_funding_from_allocation_to_the_finance_export(page, visit, smtp_mailer):
    from meetings.models import Audience, Meeting
    from tests.groups.factories import GroupFactory, LeadFactory, MembershipFactory

    harbor = GroupFactory(name="Open Harbor Circle", slug="open-harbor")
    lead = LeadFactory(group=harbor, user=UserFactory(full_name="Lena Lead")).user
    start = datetime.now(UTC) + timedelta(days=10)
    Meeting.objects.create(
        group=harbor,
        title="October circle",
        audience=Audience.MEMBERS,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    director = DirectorFactory(full_name="Dana Director")
    member = MembershipFactory(group=harbor, user=UserFactory(full_name="Milo Member")).user

    # Before any cycle, the lead's budget page says so.
    lena = visit()
    sign_in(lena, lead.email, PASSWORD)
    lena.goto("/funding/groups/open-harbor/")
    expect(lena.get_by_text("The equity director has not opened a funding cycle yet.")).to_be_visible()
    _accessible(lena)

    # The director opens this fiscal year's cycle and allocates $500 to the group.
    sign_in(page, director.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Director").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Funding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a funding cycle")
    _accessible(page)
    page.get_by_label("Program budget").fill("5000")
    page.get_by_role("button", name="Open the cycle").click()
    expect(page.get_by_role("status")).to_contain_text("The cycle is open.")
    page.get_by_role("combobox", name="Group").select_option(label="Open Harbor Circle")
    page.get_by_label("Amount").fill("500")
    page.get_by_role("button", name="Save the allocation").click()
    expect(page.get_by_role("status")).to_contain_text("Allocation saved for Open Harbor Circle.")
    _accessible(page)

    # The lead asks for $300 of food for the October meeting.
    lena.goto("/funding/")
    expect(lena.get_by_role("heading", level=1)).to_have_text("Group budgets")
    _accessible(lena)
    lena.goto("/groups/open-harbor/")
    lena.get_by_role("link", name="Budget: allocation, requests and expenses").click()
    expect(lena.locator("[data-figure=allocated]")).to_have_text("$500.00")
    _accessible(lena)
    lena.get_by_role("link", name="Ask for funds").click()
    lena.get_by_label("Amount").fill("300")
    lena.get_by_label("Purpose").fill("Food for the October circle")
    lena.get_by_label("Planned date").fill(start.date().isoformat())
    lena.get_by_label("Category").select_option(label="Food for a meeting")
    lena.get_by_label("Meeting (optional)").select_option(label="October circle")
    _accessible(lena)
    lena.get_by_role("button", name="Send the request").click()
    expect(lena.get_by_role("status")).to_contain_text("Your request was sent to the equity director.")

    # The director approves $200 of it with a message; the lead is e-mailed.
    page.reload()
    page.get_by_role("link", name="Request FR-").click()
    _accessible(page)
    page.get_by_label("Approve in part").check()
    page.get_by_label("Amount approved (for a partial approval)").fill("200")
    page.get_by_label("Message to the leads").fill("Two thirds now; ask again in spring.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Decision saved")
    wait_for_mail(smtp_mailer, lead.email, "a decision on funding request")

    # The lead records $150 with a PDF receipt, then $75 with a PNG: beyond the $50 left, it waits.
    def record(amount: str, vendor: str, name: str, content: bytes, mime: str):
        lena.goto("/funding/groups/open-harbor/")
        lena.get_by_role("link", name="Record an expense").click()
        lena.get_by_label("Approved request it draws on").select_option(index=1)
        lena.get_by_label("Date").fill(start.date().isoformat())
        lena.get_by_label("Amount").fill(amount)
        lena.get_by_label("Category").select_option(label="Food for a meeting")
        lena.get_by_label("Vendor").fill(vendor)
        lena.get_by_label("Receipt (PDF, JPEG or PNG, up to 10 MB)").set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": content}]
        )
        _accessible(lena)
        lena.get_by_role("button", name="Record the expense").click()

    record("150", "Corner Deli", "deli.pdf", PDF, "application/pdf")
    expect(lena.get_by_role("status")).to_contain_text("Expense recorded.")
    record("75", "Harbor Bakery", "bakery.png", PNG, "image/png")
    expect(lena.get_by_role("status")).to_contain_text("sent to the equity director for approval")
    expect(lena.locator("[data-figure=spent]")).to_have_text("$150.00")
    _accessible(lena)
    lena.get_by_role("link", name="Delete EX-").first.click()
    expect(lena.get_by_role("heading", level=1)).to_contain_text("Delete expense EX-")
    _accessible(lena)
    lena.get_by_role("link", name="Cancel").click()

    # The lead shares the totals with the members; a member sees them, and nothing else.
    lena.get_by_label("Members of the group see these totals").check()
    lena.get_by_role("button", name="Save", exact=True).click()
    expect(lena.get_by_role("status")).to_contain_text("Saved.")
    milo = visit()
    sign_in(milo, member.email, PASSWORD)
    milo.goto("/funding/groups/open-harbor/")
    expect(milo.get_by_role("heading", level=1)).to_have_text("Budget of Open Harbor Circle")
    expect(milo.get_by_text("Corner Deli")).to_have_count(0)
    _accessible(milo)

    # The director sees it waiting, approves it, and exports the cycle.
    page.reload()
    page.get_by_role("link", name="beyond its approval").click()
    _accessible(page)
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Decision saved")
    spent_on_page = page.locator("[data-figure=spent]").inner_text()
    assert spent_on_page == "$225.00"
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the expenses (CSV for the finance office)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert [r["Vendor"] for r in rows] == ["Corner Deli", "Harbor Bakery"]
    assert f"${sum(Decimal(r['Amount']) for r in rows):,.2f}" == spent_on_page
    assert all(r["Receipt"] for r in rows) and rows[0]["Approval reference"].startswith("FR-")
    page.goto("/funding/groups/open-harbor/")
    _accessible(page)
