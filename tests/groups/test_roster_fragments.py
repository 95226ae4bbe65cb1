"""Roster rows and request cards are rendered once per row version and shared between leads
(groups.fragments.roster_rows): a change shows on the next view, a confidential group's rows are never
stored, and nothing of one lead (their form token, their own row) reaches another lead's page."""

from __future__ import annotations

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import timezone

from groups import fragments, services
from groups.models import Group, Membership
from tests.factories import DirectorFactory, UserFactory

from .factories import GroupFactory, LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_store():
    fragments._roster_rows.clear()
    yield
    fragments._roster_rows.clear()


def _roster(client, group: Group) -> str:
    response = client.get(f"/groups/{group.slug}/roster/")
    assert response.status_code == 200
    html = response.content.decode()
    assert fragments._CSRF_MARK not in html  # every marker was replaced by the viewer's token
    return html


def _row(html: str, name: str) -> str:
    """The member table's <tr> for `name` ("" when it is not on the page)."""
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        if f'<th scope="row">{name}' in row:
            return row
    return ""


def _secrets(html: str) -> set[str]:
    """The CSRF secrets behind every (masked) form token on the page."""
    return {_unmask_cipher_token(token) for token in TOKEN.findall(html)}


def _lead_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_a_changed_name_role_flag_and_listing_on_the_next_view(normal):
    client = _lead_client(normal.lead)
    html = _roster(client, normal.group)
    row = _row(html, "Lila Normal-Listed")
    assert "Make co-lead" in row and "Eligibility to review" not in row and "<td>Yes</td>" in row
    assert len(fragments._roster_rows._items) >= 3  # the lead's and the members' rows are now shared

    user = normal.member_listed
    user.full_name = "Lila Renamed"
    user.save()
    html = _roster(client, normal.group)
    assert _row(html, "Lila Normal-Listed") == "" and _row(html, "Lila Renamed")

    services.member_make_colead(group=normal.group, membership=normal.listed_membership, by=normal.lead)
    assert "Make co-lead" not in _row(_roster(client, normal.group), "Lila Renamed")

    Membership.objects.filter(pk=normal.hidden_membership.pk).update(eligibility_flagged_at=timezone.now())
    assert "Eligibility to review" in _row(_roster(client, normal.group), "Hugo Normal-Hidden")

    services.membership_set_visibility(membership=normal.listed_membership, visible=False)
    assert "<td>No</td>" in _row(_roster(client, normal.group), "Lila Renamed")


def test_it_drops_a_removed_member_and_a_newly_hidden_one_on_the_next_view(normal):
    client = _lead_client(normal.lead)
    director = Client()
    director.force_login(DirectorFactory())
    assert _row(_roster(client, normal.group), "Hugo Normal-Hidden")
    assert _row(_roster(director, normal.group), "Lila Normal-Listed")

    # Hidden by their own choice: the director (not a lead) no longer sees them; the lead still does.
    services.membership_set_hidden(membership=normal.listed_membership, hidden=True, by=normal.member_listed)
    assert _row(_roster(director, normal.group), "Lila Normal-Listed") == ""
    assert _row(_roster(client, normal.group), "Lila Normal-Listed")

    services.member_remove(group=normal.group, membership=normal.hidden_membership, by=normal.lead)
    assert _row(_roster(client, normal.group), "Hugo Normal-Hidden") == ""


def test_a_confidential_groups_rows_and_requests_never_enter_the_store(confidential):
    PendingFactory(group=confidential.group, user=UserFactory(full_name="Paula Secret-Pending"))
    html = _roster(_lead_client(confidential.lead), confidential.group)

    for name in ("Lila Secret-Listed", "Hugo Secret-Hidden", "Paula Secret-Pending"):
        assert name in html
    assert fragments._roster_rows._items == {}


def test_a_message_the_lead_typed_is_shown_again_to_them_only(normal):
    request = PendingFactory(group=normal.group, user=UserFactory(full_name="Paula Normal-Pending"))
    client = _lead_client(normal.lead)
    response = client.post(
        f"/groups/{normal.group.slug}/roster/",
        {"membership": request.pk, "action": "no-such-button", "message": "Between us: call me first"},
    )
    assert response.status_code == 400
    assert "Between us: call me first</textarea>" in response.content.decode()
    assert not any("Between us" in html for html in fragments._roster_rows._items.values())

    other_lead = LeadFactory(group=normal.group).user
    assert "Between us" not in _roster(_lead_client(other_lead), normal.group)


def test_two_leads_of_one_group_each_get_their_own_token_and_own_row(normal):
    second = LeadFactory(group=normal.group, user=UserFactory(full_name="Sam Second-Lead")).user
    PendingFactory(group=normal.group, user=UserFactory(full_name="Paula Normal-Pending"))
    first_client, second_client = _lead_client(normal.lead), _lead_client(second)

    # The first lead's view stores the rows; the second's page is built from the same fragments.
    first_page = _roster(first_client, normal.group)
    stored = len(fragments._roster_rows._items)
    second_page = _roster(second_client, normal.group)

    first_secrets, second_secrets = _secrets(first_page), _secrets(second_page)
    assert len(first_secrets) == 1 and len(second_secrets) == 1 and first_secrets != second_secrets
    assert first_secrets == {first_client.cookies["csrftoken"].value}
    assert second_secrets == {second_client.cookies["csrftoken"].value}
    for html in fragments._roster_rows._items.values():  # the shared HTML holds the marker, never a token
        assert all(token == fragments._CSRF_MARK for token in TOKEN.findall(html))

    # Each lead's own row has no actions; the other's has them. Two "own" rows were added, no more.
    assert "Remove" not in _row(first_page, "Lena Normal-Lead") and "Remove" in _row(first_page, "Sam Second-Lead")
    assert "Remove" in _row(second_page, "Lena Normal-Lead") and "Remove" not in _row(second_page, "Sam Second-Lead")
    assert len(fragments._roster_rows._items) == stored + 2


def test_leads_of_two_groups_never_see_each_others_token_or_members(normal):
    other = GroupFactory(name="Harbor Two", slug="harbor-two")
    other_lead = LeadFactory(group=other).user
    MembershipFactory(group=other, user=UserFactory(full_name="Otto Other-Member"))
    first_client, other_client = _lead_client(normal.lead), _lead_client(other_lead)

    first_page = _roster(first_client, normal.group)
    other_page = _roster(other_client, other)

    assert _secrets(first_page) == {first_client.cookies["csrftoken"].value}
    assert _secrets(other_page) == {other_client.cookies["csrftoken"].value}
    assert "Otto Other-Member" not in first_page and "Lila Normal-Listed" not in other_page
