"""Roster views and exports are on the record, and members see who exported their names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from belong.models import AuditLog
from tests.factories import DirectorFactory, UserFactory

from .factories import LeadFactory, MembershipFactory, PendingFactory

pytestmark = pytest.mark.django_db

# (Session and user come from the cache) group, + its schools rule, + the viewer's membership, + the
# latest exports with their exporters.
MEMBERSHIP_PAGE_QUERIES = 4


def test_it_audits_a_roster_view_with_who_which_group_and_how_many(client, confidential):
    client.force_login(confidential.lead)
    assert client.get(f"/groups/{confidential.group.slug}/roster/").status_code == 200
    entry = AuditLog.objects.get(action="groups.roster_view")
    assert entry.actor == confidential.lead
    assert (entry.object_type, entry.object_id) == ("groups.Group", str(confidential.group.pk))
    assert entry.purpose == "roster page"
    assert entry.detail["rows"] == 3  # the lead and two members
    assert entry.detail["page"] == 1


def test_it_audits_an_export_with_its_purpose_and_row_count(client, confidential):
    PendingFactory(group=confidential.group)
    client.force_login(confidential.lead)
    response = client.post(f"/groups/{confidential.group.slug}/roster.csv", {"purpose": "Sign-in sheet, May"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    entry = AuditLog.objects.get(action="groups.roster_export")
    assert entry.purpose == "Sign-in sheet, May"
    assert entry.detail["rows"] == 4 == len(lines) - 1
    assert entry.detail["group"] == confidential.group.name


def test_it_shows_members_who_exported_their_roster_newest_first(client, confidential):
    second_lead = LeadFactory(group=confidential.group, user=UserFactory(full_name="Cora Co-Lead")).user
    for lead, purpose in ((confidential.lead, "First export"), (second_lead, "Second export")):
        client.force_login(lead)
        client.post(f"/groups/{confidential.group.slug}/roster.csv", {"purpose": purpose})
    first = AuditLog.objects.get(purpose="First export")
    AuditLog.objects.filter(pk=first.pk).update(created_at=first.created_at - timedelta(days=1))

    client.force_login(confidential.member_hidden)
    page = client.get(f"/groups/{confidential.group.slug}/membership/")
    assert page.status_code == 200
    history = page.text.split('id="roster-exports"')[1].split("</ul>")[0]
    assert history.index("Cora Co-Lead") < history.index("Lena Secret-Lead")
    # The purpose is for the audit log, not for the members' page.
    assert "First export" not in page.text


def test_it_says_when_the_roster_was_never_exported(client, confidential):
    client.force_login(confidential.member_listed)
    page = client.get(f"/groups/{confidential.group.slug}/membership/")
    assert 'id="roster-exports-none"' in page.text


def test_it_shows_no_export_history_to_someone_only_asking_to_join(client, confidential):
    client.force_login(confidential.lead)
    client.post(f"/groups/{confidential.group.slug}/roster.csv", {"purpose": "Sign-in sheet"})
    waiting = PendingFactory(group=confidential.group).user
    client.force_login(waiting)
    page = client.get(f"/groups/{confidential.group.slug}/membership/")
    assert page.status_code == 200
    assert "Lena Secret-Lead" not in page.text


@pytest.mark.parametrize("who", ["outsider", "director"])
def test_it_404s_the_membership_page_for_people_outside_the_group(client, confidential, who):
    client.force_login(UserFactory() if who == "outsider" else DirectorFactory())
    assert client.get(f"/groups/{confidential.group.slug}/membership/").status_code == 404
    assert client.post(f"/groups/{confidential.group.slug}/membership/", {"visibility": "shown"}).status_code == 404


@pytest.mark.parametrize("exports", [1, 30])
def test_it_pins_the_membership_pages_queries(client, confidential, django_assert_num_queries, exports):
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=confidential.lead,
                action="groups.roster_export",
                object_type="groups.Group",
                object_id=str(confidential.group.pk),
                purpose="x",
            )
            for _ in range(exports)
        ]
    )
    MembershipFactory.create_batch(5, group=confidential.group)
    client.force_login(confidential.member_hidden)
    url = f"/groups/{confidential.group.slug}/membership/"
    client.get(url)
    with django_assert_num_queries(MEMBERSHIP_PAGE_QUERIES):
        response = client.get(url)
    assert response.text.count("Lena Secret-Lead") == min(exports, 10)
