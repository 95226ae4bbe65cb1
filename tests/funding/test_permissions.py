"""Every funding URL for every role (status codes), then the object-level attacks (IDOR)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funding import services
from funding.models import Expense
from tests.factories import SuperuserFactory, UserFactory

from .conftest import PDF, approved_request

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "member", "lead", "other_lead", "director", "superuser"]
DIRECTORS = {"director": 200, "superuser": 200}
LEADS_AND_DIRECTOR = {"lead": 200, "director": 200, "superuser": 200}

# path template, method, {role: status}; roles not named get 403 (anonymous: 302 to sign in).
MATRIX = [
    ("/funding/", "get", {"lead": 200, "other_lead": 200, "director": 302, "superuser": 302}),
    ("/funding/cycles/new/", "get", DIRECTORS),
    ("/funding/cycles/{cycle}/", "get", DIRECTORS),
    ("/funding/cycles/{cycle}/allocate/", "post", {"director": 302, "superuser": 302}),
    ("/funding/cycles/{cycle}/expenses.csv", "get", DIRECTORS),
    ("/funding/requests/{request}/decide/", "get", DIRECTORS),
    ("/funding/expenses/{awaiting}/decide/", "get", DIRECTORS),
    ("/funding/expenses/{expense}/delete/", "get", LEADS_AND_DIRECTOR),
    ("/funding/expenses/{expense}/receipt/", "get", LEADS_AND_DIRECTOR),
    ("/funding/groups/{group}/", "get", LEADS_AND_DIRECTOR),
    ("/funding/groups/{group}/request/", "get", {"lead": 200}),
    ("/funding/groups/{group}/expense/", "get", {"lead": 200}),
    ("/funding/groups/{group}/visibility/", "post", {"lead": 302}),
]


@pytest.fixture
def scene(world, director):
    approval = approved_request(world, director)
    expense = services.expense_record(
        cycle=world.cycle,
        group=world.group,
        funding_request=approval,
        spent_on=datetime.date(2026, 10, 14),
        amount_cents=1_000,
        category="food",
        vendor="Corner Deli",
        by=world.lead,
        receipt=SimpleUploadedFile("r.pdf", PDF),
    )
    awaiting = services.expense_record(
        cycle=world.cycle,
        group=world.group,
        spent_on=datetime.date(2026, 10, 14),
        amount_cents=1_000,
        category="food",
        vendor="Corner Deli",
        by=world.lead,
    )
    pending = services.request_create(
        cycle=world.cycle,
        group=world.group,
        amount_cents=5_000,
        purpose="Books",
        planned_on=datetime.date(2026, 11, 1),
        category="materials",
        by=world.lead,
    )
    people = {
        "staff": UserFactory(is_staff=True),
        "member": world.member,
        "lead": world.lead,
        "other_lead": world.other_lead,
        "director": director,
        "superuser": SuperuserFactory(),
    }
    ids = {
        "cycle": world.cycle.pk,
        "request": pending.pk,
        "awaiting": awaiting.pk,
        "expense": expense.pk,
        "group": world.group.slug,
    }
    return people, ids


def _cases():
    for path, method, allowed in MATRIX:
        for role in ROLES:
            expected = 302 if role == "anonymous" else allowed.get(role, 403)
            yield pytest.param(path, method, role, expected, id=f"{role}-{method}-{path}")


@pytest.mark.parametrize(("path", "method", "role", "expected"), list(_cases()))
def test_it_answers_each_role_on_each_url(client, scene, world, path, method, role, expected):
    people, ids = scene
    if role != "anonymous":
        client.force_login(people[role])
    url = path.format(**ids)
    data = {"group": world.other_group.pk, "amount": "10.00", "reason": "More"} if "allocate" in url else {}
    response = getattr(client, method)(url, data)
    assert response.status_code == expected, response.content[:300]
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_it_refuses_a_lead_of_another_group_the_receipt_and_the_delete(client, scene, world):
    _people, ids = scene
    client.force_login(world.other_lead)
    assert client.get(f"/funding/expenses/{ids['expense']}/receipt/").status_code == 403
    assert client.post(f"/funding/expenses/{ids['expense']}/delete/", {"reason": "mine now"}).status_code == 403
    assert Expense.objects.get(pk=ids["expense"]).deleted_at is None


def test_it_does_not_let_a_lead_draw_on_another_groups_approval(client, scene, world, director):
    theirs = approved_request(world, director, group=world.other_group)
    client.force_login(world.lead)
    response = client.post(
        f"/funding/groups/{world.group.slug}/expense/",
        {
            "funding_request": theirs.pk,
            "spent_on": "2026-10-14",
            "amount": "5.00",
            "category": "food",
            "vendor": "Corner Deli",
        },
    )
    assert response.status_code == 400
    assert not Expense.objects.filter(request=theirs).exists()


def test_it_does_not_let_a_lead_link_another_groups_meeting(client, scene, world):
    from meetings.models import Audience, Meeting

    start = datetime.datetime(2026, 10, 1, 16, tzinfo=datetime.UTC)
    theirs = Meeting.objects.create(
        group=world.other_group,
        title="Their meeting",
        audience=Audience.MEMBERS,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    client.force_login(world.lead)
    response = client.post(
        f"/funding/groups/{world.group.slug}/request/",
        {
            "amount": "50.00",
            "purpose": "Snacks",
            "planned_on": "2026-10-01",
            "category": "food",
            "meeting": theirs.pk,
        },
    )
    assert response.status_code == 400


def test_it_answers_404_for_unknown_objects_and_garbage(client, scene, director):
    client.force_login(director)
    for url in [
        "/funding/cycles/999999/",
        "/funding/requests/999999/decide/",
        "/funding/expenses/999999/receipt/",
        "/funding/groups/no-such-group/",
        "/funding/groups/harbor-readers/?cycle=abc",
        "/funding/groups/harbor-readers/?cycle=99999999999999999999999",
    ]:
        assert client.get(url).status_code == 404, url


def test_it_shows_a_member_no_budget_until_a_lead_shares_the_totals(client, scene, world):
    client.force_login(world.member)
    assert client.get(f"/funding/groups/{world.group.slug}/").status_code == 403
    page = client.get(f"/groups/{world.group.slug}/")
    assert "/funding/" not in page.text
    client.force_login(world.lead)
    assert client.post(f"/funding/groups/{world.group.slug}/visibility/", {"visible": "on"}).status_code == 302
    client.force_login(world.member)
    shared = client.get(f"/funding/groups/{world.group.slug}/")
    assert shared.status_code == 200
    assert "$1,000.00" in shared.text  # the allocation
    assert "Corner Deli" not in shared.text and "receipt" not in shared.text.lower()
    # Another group's member still sees nothing of it.
    client.force_login(UserFactory())
    assert client.get(f"/funding/groups/{world.group.slug}/").status_code == 403
