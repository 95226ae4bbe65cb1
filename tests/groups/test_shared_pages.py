"""The directory and group pages rendered once for many viewers (belong.shared_pages): every change shows on
the next view, and nothing of one viewer reaches another's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import JobRole
from belong import shared_pages
from groups import fragments as group_fragments
from groups import services
from groups.models import Group, Membership
from tests.comments.test_privacy import dump_cache
from tests.factories import SchoolFactory, UserFactory
from tests.meetings.factories import schedule

from .factories import ConfidentialGroupFactory, GroupFactory, LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def _stored_keys() -> list:
    return list(shared_pages._pages._items)


@pytest.fixture
def circle():
    group = GroupFactory(name="Readers Circle", slug="readers-circle", name_es="Círculo de lectores")
    LeadFactory(group=group, user=UserFactory(full_name="Lena Lead", email="lena@example.org"))
    return group


def test_it_shows_a_renamed_group_on_the_next_directory_view(client, circle):
    client.force_login(UserFactory())
    assert "Readers Circle" in client.get("/groups/").text
    Group.objects.filter(pk=circle.pk).update(name="Readers and Writers", name_en="Readers and Writers")
    page = client.get("/groups/").text
    assert "Readers and Writers" in page
    assert "Readers Circle" not in page


def test_it_shows_a_new_count_after_a_join_and_a_leave(client, circle):
    viewer = UserFactory()
    client.force_login(viewer)
    assert "1 member" in client.get("/groups/").text
    joiner = UserFactory()
    services.group_join(group=circle, user=joiner, message="")
    assert "2 members" in client.get("/groups/").text
    services.group_leave(group=circle, user=joiner)
    assert "1 member<" in client.get("/groups/").text


def test_it_shows_the_directory_in_the_language_chosen(client, circle):
    client.force_login(UserFactory())
    assert "Readers Circle" in client.get("/groups/").text
    client.cookies["django_language"] = "es"
    assert "Círculo de lectores" in client.get("/groups/").text


def test_it_explains_a_schools_new_name_on_the_next_view(client, circle):
    site = SchoolFactory(name="Oak Elementary")
    circle.eligible_schools.set([site])
    client.force_login(UserFactory(school=SchoolFactory()))
    assert "Oak Elementary" in client.get("/groups/").text
    site.name = "Oak Grove Elementary"
    site.save()
    assert "Oak Grove Elementary" in client.get("/groups/").text


def test_it_gives_each_viewer_their_own_standing_token_and_name(client, circle):
    member = UserFactory(full_name="Mira Member", email="mira@example.org")
    MembershipFactory(group=circle, user=member)
    outsider = UserFactory(full_name="Oscar Outsider", email="oscar@example.org")
    client.force_login(member)
    mine = client.get("/groups/").text
    assert "Mira Member" in mine and "You are a member" in mine
    client.force_login(outsider)
    theirs = client.get("/groups/").text
    assert "Oscar Outsider" in theirs
    assert "Mira" not in theirs and "mira@example.org" not in theirs
    assert "You are a member" not in theirs
    assert "Join" in theirs
    assert _csrf_tokens(theirs) and not (_csrf_tokens(theirs) & _csrf_tokens(mine))
    # The stored page holds slots, never a viewer's name, address or token; the stored footers, markers.
    for page in shared_pages._pages._items.values():
        assert "Mira" not in page.html and "Oscar" not in page.html
        assert not _csrf_tokens(page.html) - {shared_pages.slot("csrf")}
    footers = list(group_fragments._footers._items.values())
    assert footers
    for footer in footers:
        assert _csrf_tokens(footer) <= {group_fragments._CSRF_MARK}
        assert "Readers Circle" not in footer


def test_it_decides_eligibility_per_viewer_on_a_shared_page(client, circle):
    circle.eligible_roles = [JobRole.TEACHER]
    circle.save()
    client.force_login(UserFactory(job_role=JobRole.TEACHER))
    assert "Not open to you" not in client.get("/groups/").text
    client.force_login(UserFactory(job_role=JobRole.COUNSELOR))
    assert "This group is open to these job roles: Teacher." in client.get("/groups/").text


def test_it_shows_the_message_after_joining_from_a_shared_directory(client, circle):
    client.force_login(UserFactory())
    client.get("/groups/")
    response = client.post(f"/groups/{circle.slug}/join/", {"next": "/groups/"}, follow=True)
    assert "Welcome! You are now a member of Readers Circle." in response.text
    assert "Welcome!" not in client.get("/groups/").text  # shown once


def test_it_shows_a_members_new_choice_on_the_next_group_page(client, circle):
    viewer = MembershipFactory(group=circle, visible_to_members=True).user
    other = MembershipFactory(group=circle, user=UserFactory(full_name="Quinn Quiet"), visible_to_members=False)
    client.force_login(viewer)
    assert "Quinn Quiet" not in client.get(circle.get_absolute_url()).text
    services.membership_set_visibility(membership=other, visible=True)
    assert "Quinn Quiet" in client.get(circle.get_absolute_url()).text


def test_it_shows_a_leads_new_name_on_the_next_group_page(client, circle):
    client.force_login(MembershipFactory(group=circle).user)
    assert "Lena Lead" in client.get(circle.get_absolute_url()).text
    lead = circle.memberships.get(role=Membership.Role.LEAD).user
    lead.full_name = "Lena Lee"
    lead.save()
    page = client.get(circle.get_absolute_url()).text
    assert "Lena Lee" in page and "Lena Lead" not in page


def test_it_does_not_renumber_a_group_when_someone_only_signs_in(circle):
    lead = circle.memberships.get(role=Membership.Role.LEAD).user
    before = Group.objects.get(pk=circle.pk).content_version
    lead.last_login = timezone.now()
    lead.save(update_fields=["last_login"])
    assert Group.objects.get(pk=circle.pk).content_version == before


def test_it_lists_a_meeting_scheduled_since_the_last_view(client, circle):
    lead = circle.memberships.get(role=Membership.Role.LEAD).user
    client.force_login(MembershipFactory(group=circle).user)
    assert "No meetings scheduled yet." in client.get(circle.get_absolute_url()).text
    schedule(by=lead, group=circle, title="Book night")
    page = client.get(circle.get_absolute_url()).text
    assert "Book night" in page


def test_it_drops_a_meeting_from_the_page_once_it_is_over(client, circle):
    lead = circle.memberships.get(role=Membership.Role.LEAD).user
    meeting = schedule(by=lead, group=circle, title="Book night")
    client.force_login(MembershipFactory(group=circle).user)
    assert "Book night" in client.get(circle.get_absolute_url()).text
    # Time passes, nothing is written: the stored page expires with its first meeting.
    ends_at = meeting.occurrences.get().ends_at
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: ends_at + timedelta(minutes=1))
        assert "No meetings scheduled yet." in client.get(circle.get_absolute_url()).text


def test_it_shows_the_group_page_by_standing_never_anothers(client, circle):
    member = MembershipFactory(group=circle, visible_to_members=True, user=UserFactory(full_name="Mira Member"))
    client.force_login(member.user)
    as_member = client.get(circle.get_absolute_url()).text
    assert "Leave the group" in as_member and "Mira Member" in as_member
    client.force_login(UserFactory(full_name="Oscar Outsider"))
    as_outsider = client.get(circle.get_absolute_url()).text
    assert "Leave the group" not in as_outsider
    assert "Join the group" in as_outsider
    assert "Mira Member" not in as_outsider  # the member list is for members
    client.force_login(circle.memberships.get(role=Membership.Role.LEAD).user)
    assert "Lead tools" in client.get(circle.get_absolute_url()).text


def test_it_never_keeps_a_confidential_groups_page(client):
    group = ConfidentialGroupFactory(name="Pride Circle", slug="pride-circle")
    member = MembershipFactory(group=group, visible_to_members=True, user=UserFactory(full_name="Pat Private"))
    client.force_login(member.user)
    assert "Pat Private" in client.get(group.get_absolute_url()).text
    assert not any(key[1][0] == "groups.detail" for key in _stored_keys())
    assert not any("Pat Private" in page.html for page in shared_pages._pages._items.values())


def test_it_keeps_no_viewer_data_in_a_stored_group_page(client, circle):
    member = MembershipFactory(group=circle, user=UserFactory(full_name="Mira Member", email="mira@example.org"))
    client.force_login(member.user)
    client.get(circle.get_absolute_url())
    [page] = [page for key, page in shared_pages._pages._items.items() if key[1][0] == "groups.detail"]
    assert "mira@example.org" not in page.html
    assert "Mira Member" not in page.html  # her name is in the header (a viewer part); she is not listed
    assert shared_pages.slot("account") in page.html


def test_it_refuses_a_template_reading_the_viewer_while_shared():
    viewer = shared_pages._SharedViewer(UserFactory(is_staff=True))
    assert viewer.is_authenticated and viewer.is_staff
    with pytest.raises(shared_pages.ViewerDataInSharedPage):
        viewer.email  # noqa: B018
    membership = shared_pages.Keyed("membership", status="active")
    assert membership.status == "active"
    with pytest.raises(shared_pages.ViewerDataInSharedPage):
        membership.request_message  # noqa: B018


def test_it_stores_pages_per_language_and_viewer_role(client, circle):
    client.force_login(UserFactory())
    client.get("/groups/")
    client.cookies["django_language"] = "es"
    client.get("/groups/")
    client.cookies["django_language"] = "en"
    client.force_login(UserFactory(is_staff=True))
    client.get("/groups/")
    directory_keys = [key for key in _stored_keys() if key[1][0] == "groups.directory"]
    assert {(key[2], key[5]) for key in directory_keys} == {
        ("en", (True, False, False)),
        ("es", (True, False, False)),
        ("en", (True, False, True)),
    }


def test_it_shows_a_members_new_school_name_on_the_next_roster_view(client, circle):
    site = SchoolFactory(name="Cedar Middle")
    MembershipFactory(group=circle, user=UserFactory(full_name="Sam Site", school=site))
    client.force_login(circle.memberships.get(role=Membership.Role.LEAD).user)
    roster = f"/groups/{circle.slug}/roster/"
    assert "Cedar Middle" in client.get(roster).text
    site.name = "Cedar Ridge Middle"
    site.save()
    assert "Cedar Ridge Middle" in client.get(roster).text


def test_it_keeps_each_leads_token_out_of_the_stored_roster(client, circle):
    co_lead = LeadFactory(group=circle, user=UserFactory(full_name="Cora Colead")).user
    lead = circle.memberships.get(role=Membership.Role.LEAD, user__full_name="Lena Lead").user
    roster = f"/groups/{circle.slug}/roster/"
    client.force_login(lead)
    first = client.get(roster).text
    client.force_login(co_lead)
    second = client.get(roster).text
    assert not (_csrf_tokens(first) & _csrf_tokens(second))
    for key, page in shared_pages._pages._items.items():
        if key[1][0] == "groups.roster":
            assert _csrf_tokens(page.html) <= {shared_pages.slot("csrf")}


def test_it_drops_a_deleted_group_from_the_next_directory_view(client, circle):
    other = GroupFactory(name="Garden Club", slug="garden-club")
    client.force_login(UserFactory())
    assert "Garden Club" in client.get("/groups/").text
    other.delete()
    assert "Garden Club" not in client.get("/groups/").text
    circle.delete()  # the last group: the directory is empty, not the page kept from before
    assert "Readers Circle" not in client.get("/groups/").text


def test_it_keeps_the_names_on_shared_pages_out_of_redis(client, circle):
    """Someone holding the Redis data (a dump, a replica) learns nothing from pages shared by many viewers:
    they are kept in the web process only. The member below never signs in, so no entry of theirs exists."""
    MembershipFactory(
        group=circle, visible_to_members=True, user=UserFactory(full_name="Quincy Quietly", email="qq@example.org")
    )
    client.force_login(MembershipFactory(group=circle).user)
    assert "Quincy Quietly" in client.get(circle.get_absolute_url()).text
    client.force_login(circle.memberships.get(role=Membership.Role.LEAD).user)
    assert "qq@example.org" in client.get(f"/groups/{circle.slug}/roster/").text
    client.get("/groups/")
    stored = dump_cache()
    assert "Quincy" not in stored and "qq@example.org" not in stored
