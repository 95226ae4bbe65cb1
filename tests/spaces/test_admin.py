"""The admin lists normal groups' announcements, discussions and resources read-only, and nothing of a
confidential group's space; posts, reports and notifications (a person next to a group) are not there."""

from __future__ import annotations

import pytest
from django.contrib import admin

from belong.admin_privacy import private_models
from spaces import services
from spaces.models import Notification, Post, Report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.ADMIN_REQUIRES_MFA = False


def test_it_lists_normal_groups_only_and_read_only(client, world, superuser):
    services.announcement_create(group=world.group, title="Harbor picnic", body="x", by=world.lead)
    services.announcement_create(group=world.secret, title="Quiet retreat", body="x", by=world.secret_lead)
    services.thread_start(group=world.secret, title="Quiet worries", body="x", by=world.secret_member)
    client.force_login(superuser)
    page = client.get("/admin/spaces/announcement/").content.decode()
    assert "Harbor picnic" in page and "Quiet retreat" not in page
    assert "Quiet worries" not in client.get("/admin/spaces/thread/").content.decode()
    assert client.get("/admin/spaces/announcement/add/").status_code == 403


def test_it_keeps_people_out_of_reach(client, world, superuser):
    for model in (Post, Report, Notification):
        assert not admin.site.is_registered(model)
        assert model._meta.label in private_models
    services.announcement_create(group=world.group, title="Harbor picnic", body="x", by=world.lead)
    client.force_login(superuser)
    # Looking announcements up by their author would tie a lead to a group: refused.
    response = client.get("/admin/spaces/announcement/", {"author__email": world.lead.email})
    assert response.status_code == 400
