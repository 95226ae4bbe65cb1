"""The outbox admin shows delivery status, never what a message was about, and never a confidential
group's mail at all: its recipients are the group's members and leads."""

import pytest

from belong.models import OutboxMessage
from groups import services
from tests.factories import UserFactory
from tests.groups.factories import ConfidentialGroupFactory, GroupFactory

pytestmark = pytest.mark.django_db


def test_it_never_shows_which_group_a_message_was_about(admin_client):
    group = GroupFactory(name="Open Harbor")
    member = UserFactory(email="open.member@district.test")
    services.group_join(group=group, user=member)
    row = OutboxMessage.objects.get(kind="groups.joined", to_email=member.email)

    listing = admin_client.get("/admin/belong/outboxmessage/")
    assert listing.status_code == 200 and member.email in listing.text
    page = admin_client.get(f"/admin/belong/outboxmessage/{row.pk}/change/")
    assert page.status_code == 200
    assert "group_id" in page.text  # the names of the context's entries, for debugging
    assert f'"group_id": {group.pk}' not in page.text and "Open Harbor" not in page.text
    assert 'name="context"' not in page.text


def test_it_lists_no_message_of_a_confidential_group_even_for_superusers(admin_client):
    group = ConfidentialGroupFactory(name="Quiet Harbor")
    member = UserFactory(email="quiet.member@district.test")
    services.group_join(group=group, user=member)
    row = OutboxMessage.objects.get(kind="groups.joined", to_email=member.email)

    listing = admin_client.get("/admin/belong/outboxmessage/")
    assert listing.status_code == 200
    assert member.email not in listing.text
    assert "about confidential groups are not listed" in listing.text or "about confidential groups is not listed" in (
        listing.text
    )
    searched = admin_client.get("/admin/belong/outboxmessage/", {"q": "quiet.member"})
    assert member.email not in searched.text
    page = admin_client.get(f"/admin/belong/outboxmessage/{row.pk}/change/")
    assert page.status_code == 302  # the admin's "does not exist": the row is outside its queryset
    assert member.email not in admin_client.get(page.url).text
