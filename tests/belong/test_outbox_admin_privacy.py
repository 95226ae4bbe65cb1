"""The outbox admin shows delivery status, never what a message was about."""

import pytest

from belong.models import OutboxMessage
from groups import services
from tests.factories import UserFactory
from tests.groups.factories import ConfidentialGroupFactory

pytestmark = pytest.mark.django_db


def test_it_never_shows_which_confidential_group_a_message_was_about(admin_client):
    group = ConfidentialGroupFactory(name="Quiet Harbor")
    member = UserFactory(email="quiet.member@district.test")
    services.group_join(group=group, user=member)
    row = OutboxMessage.objects.get(kind="groups.joined", to_email=member.email)

    listing = admin_client.get("/admin/belong/outboxmessage/")
    assert listing.status_code == 200 and member.email in listing.text
    page = admin_client.get(f"/admin/belong/outboxmessage/{row.pk}/change/")
    assert page.status_code == 200
    assert "group_id" in page.text  # the names of the context's entries, for debugging
    assert f'"group_id": {group.pk}' not in page.text and "Quiet Harbor" not in page.text
    assert 'name="context"' not in page.text
