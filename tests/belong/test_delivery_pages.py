"""Who sees which e-mail failures: the director's delivery page, a lead's unreachable members, one's profile.

Permissions as role x URL -> status, then what each page shows and does not show, with pinned queries.
"""

from __future__ import annotations

import pytest

from belong import mail
from belong.models import AuditLog, OutboxMessage, SuppressedAddress
from tests.factories import DirectorFactory, SuperuserFactory, UserFactory
from tests.groups.factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def suppress(address: str, reason: str = "550 5.1.1 User unknown") -> SuppressedAddress:
    mail.suppress(address, reason=reason, code="550", source=SuppressedAddress.Source.SMTP)
    return SuppressedAddress.objects.get(email=address.lower())


@pytest.fixture
def people():
    group = GroupFactory()
    secret = ConfidentialGroupFactory()
    return {
        "group": group,
        "secret": secret,
        "staff": UserFactory(),
        "member": MembershipFactory(group=group).user,
        "lead": LeadFactory(group=group).user,
        "secret_lead": LeadFactory(group=secret).user,
        "director": DirectorFactory(),
        "superuser": SuperuserFactory(),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("staff", 403),
        ("member", 403),
        ("lead", 403),
        ("secret_lead", 403),
        ("director", 200),
        ("superuser", 200),
    ],
)
def test_it_shows_the_delivery_page_to_the_director_only(client, people, role, expected):
    if role != "anonymous":
        client.force_login(people[role])

    assert client.get("/delivery/").status_code == expected


@pytest.mark.parametrize(
    ("role", "normal", "confidential"),
    [
        ("anonymous", 302, 302),
        ("staff", 403, 403),
        ("member", 403, 403),
        ("lead", 200, 403),
        ("secret_lead", 403, 200),
        ("director", 200, 403),
    ],
)
def test_it_shows_unreachable_members_to_those_who_manage_the_roster(client, people, role, normal, confidential):
    if role != "anonymous":
        client.force_login(people[role])

    assert client.get(f"/groups/{people['group'].slug}/roster/unreachable/").status_code == normal
    assert client.get(f"/groups/{people['secret'].slug}/roster/unreachable/").status_code == confidential
    if role != "anonymous":
        assert client.get("/groups/no-such-group/roster/unreachable/").status_code == 404


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 302), ("staff", 403), ("lead", 403), ("director", 302)])
def test_it_lets_only_the_director_clear_an_address(client, people, role, expected):
    entry = suppress("fixed@district.example")
    if role != "anonymous":
        client.force_login(people[role])

    # Clearing is POST only: a GET sends the anonymous visitor to sign in first, and answers 405 to anyone else.
    assert client.get(f"/delivery/suppressed/{entry.pk}/clear/").status_code == (302 if role == "anonymous" else 405)
    assert client.post(f"/delivery/suppressed/{entry.pk}/clear/").status_code == expected

    cleared = not SuppressedAddress.objects.filter(pk=entry.pk).exists()
    assert cleared == (role == "director")
    if cleared:
        log = AuditLog.objects.get(action="mail.suppression_clear")
        assert (log.actor, log.detail["email"]) == (people["director"], "fixed@district.example")
        assert client.post(f"/delivery/suppressed/{entry.pk}/clear/").status_code == 404


def test_the_delivery_page_counts_by_state_lists_failures_and_never_shows_a_message(
    client, people, django_assert_num_queries
):
    secret_words = "Agenda for the confidential caucus"
    mail.enqueue_many(
        kind="groups.message",
        recipients=["gone@district.example", "fine@district.example"],
        context={
            "group_id": people["secret"].pk,
            "sender_id": people["secret_lead"].pk,
            "subject": secret_words,
            "body": secret_words,
        },
    )
    OutboxMessage.objects.filter(to_email="gone@district.example").update(
        status=Status.FAILED, last_error="550 5.1.1 User unknown", reply_code=550
    )
    OutboxMessage.objects.filter(to_email="fine@district.example").update(status=Status.SENT)
    suppress("gone@district.example")
    client.force_login(people["director"])
    client.get("/delivery/")  # warm the site-settings cache

    # the counts (session and user come from the cache), the failing messages, the suppression list
    with django_assert_num_queries(3):
        page = client.get("/delivery/")

    html = page.content.decode()
    assert secret_words not in html
    assert "gone@district.example" in html and "550 5.1.1 User unknown" in html
    assert html.count("<caption>") == 3
    assert '<tr data-state="failed"><th scope="row">Failed</th><td class="text-end">1</td>' in html
    assert '<tr data-state="sent"><th scope="row">Sent</th><td class="text-end">1</td>' in html
    assert '<tr data-state="uncertain">' in html  # every state, zero or not


def test_a_lead_sees_which_members_cannot_be_reached_with_fixed_queries(client, people, django_assert_num_queries):
    group = people["group"]
    unreachable = [MembershipFactory(group=group).user for _ in range(3)]
    MembershipFactory.create_batch(3, group=group)
    for user in unreachable:
        suppress(user.email.upper(), reason="550 5.1.1 Mailbox unavailable")
    suppress("not.a.member@district.example")
    client.force_login(people["lead"])
    client.get(f"/groups/{group.slug}/roster/unreachable/")

    # the group with the lead's membership (session and user come from the cache), the unreachable members
    with django_assert_num_queries(2):
        page = client.get(f"/groups/{group.slug}/roster/unreachable/")

    html = page.content.decode()
    assert [user.email in html for user in unreachable] == [True] * 3
    assert "not.a.member@district.example" not in html
    assert "3 members cannot be reached by e-mail" in html
    roster = client.get(f"/groups/{group.slug}/roster/").content.decode()
    assert f'href="/groups/{group.slug}/roster/unreachable/"' in roster


def test_the_profile_warns_a_person_whose_address_is_failing(client, people):
    person = people["staff"]
    client.force_login(person)
    assert 'id="address-failing"' not in client.get("/me/").content.decode()

    suppress(person.email, reason="550 5.2.1 Mailbox disabled")
    page = client.get("/me/").content.decode()

    assert 'id="address-failing"' in page
    assert "550 5.2.1 Mailbox disabled" in page
    # Someone else's failing address is not theirs to see.
    client.force_login(people["member"])
    assert 'id="address-failing"' not in client.get("/me/").content.decode()


def test_an_administrator_clears_addresses_in_the_admin_through_the_logged_service(client, people):
    entries = [suppress("one@district.example"), suppress("two@district.example")]
    client.force_login(people["superuser"])

    listing = client.get("/admin/belong/suppressedaddress/")
    answer = client.post(
        "/admin/belong/suppressedaddress/",
        {"action": "clear", "_selected_action": [entry.pk for entry in entries]},
    )

    assert listing.status_code == 200 and "one@district.example" in listing.content.decode()
    assert answer.status_code == 302
    assert not SuppressedAddress.objects.exists()
    logs = AuditLog.objects.filter(action="mail.suppression_clear", actor=people["superuser"])
    assert sorted(log.detail["email"] for log in logs) == ["one@district.example", "two@district.example"]
    # Deleting without the log is not offered.
    assert "delete_selected" not in listing.content.decode()
