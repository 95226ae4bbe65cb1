"""Leads announce, with an attachment recognised by its content; members read it and get it by e-mail."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groups import services as group_services
from groups.models import Membership
from spaces import services
from spaces.models import Announcement, Delivery, Kind, NotificationPreference

from .conftest import PDF

pytestmark = pytest.mark.django_db


def _announce(client, world, **extra):
    client.force_login(world.lead)
    data = {
        "title": "Book club picks",
        "body": "Read **this** <script>alert(1)</script> [x](javascript:alert(1))",
        **extra,
    }
    return client.post("/spaces/harbor-readers/announcements/new/", data)


def test_it_posts_an_announcement_with_an_attachment_and_mails_each_member(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=world.third, kind=Kind.ANNOUNCEMENT, delivery=Delivery.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        response = _announce(client, world, attachment=SimpleUploadedFile("agenda.pdf", PDF, "image/png"))
    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert announcement.file_content_type == "application/pdf"  # from the bytes, not the browser's claim
    assert "agenda" not in announcement.file.name
    # One message per recipient, never naming the others; the lead (author) and "never" get none.
    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == sorted([world.member.email, world.second.email])
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mailoutbox)
    assert "Book club picks" in mailoutbox[0].subject
    assert "List-Unsubscribe" in mailoutbox[0].extra_headers


def test_it_renders_markdown_and_shows_no_typed_html(client, world):
    _announce(client, world)
    announcement = Announcement.objects.get()
    assert "<strong>this</strong>" in announcement.body_html
    assert "<script" not in announcement.body_html and 'href="javascript' not in announcement.body_html
    client.force_login(world.member)
    page = client.get(f"/spaces/harbor-readers/announcements/{announcement.pk}/").content.decode()
    assert "&lt;script&gt;" in page and "<script>alert(1)" not in page


def test_it_serves_the_attachment_as_a_download_to_members_only(client, world):
    _announce(client, world, attachment=SimpleUploadedFile("agenda.pdf", PDF))
    announcement = Announcement.objects.get()
    url = f"/spaces/harbor-readers/announcements/{announcement.pk}/file/"
    client.force_login(world.member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.outsider)
    assert client.get(url).status_code == 403


def test_it_takes_a_removed_members_access_at_once(client, world):
    _announce(client, world, attachment=SimpleUploadedFile("agenda.pdf", PDF))
    announcement = Announcement.objects.get()
    url = f"/spaces/harbor-readers/announcements/{announcement.pk}/file/"
    membership = Membership.objects.get(group=world.group, user=world.member)
    group_services.member_remove(group=world.group, membership=membership, by=world.lead)
    client.force_login(world.member)
    assert client.get(url).status_code in (403, 404)
    assert client.get("/spaces/harbor-readers/").status_code == 403
    # Their notifications of the group are gone with it.
    assert "Book club picks" not in client.get("/spaces/me/notifications/").content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.pdf", b"<html><script>alert(1)</script></html>"),
        ("run.png", b"MZ\x90\x00" + b"\x00" * 40),
        ("fake.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_it_refuses_a_file_that_is_not_what_it_claims(client, world, name, content):
    response = _announce(client, world, attachment=SimpleUploadedFile(name, content, "application/pdf"))
    assert response.status_code == 400
    assert not Announcement.objects.exists()


def test_it_accepts_an_office_document_by_what_is_inside(client, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    response = _announce(client, world, attachment=SimpleUploadedFile("minutes.docx", buffer.getvalue()))
    assert response.status_code == 302
    assert Announcement.objects.get().file.name.endswith(".docx")


def test_it_refuses_a_file_over_the_limit(client, world, settings):
    settings.SPACES_FILE_MAX_BYTES = 1024
    response = _announce(client, world, attachment=SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))
    assert response.status_code == 400


def test_it_refuses_announcing_to_members_and_the_director(client, world, director):
    for user in (world.member, director, world.other_lead):
        client.force_login(user)
        assert client.post("/spaces/harbor-readers/announcements/new/", {"title": "x", "body": "y"}).status_code == 403
    assert not Announcement.objects.exists()


def test_it_pins_and_lists_pinned_first(world):
    older = services.announcement_create(group=world.group, title="Older", body="a", by=world.lead)
    services.announcement_create(group=world.group, title="Newer", body="b", by=world.lead)
    services.announcement_set_pinned(announcement=older, pinned=True, by=world.lead)
    assert [a.title for a in Announcement.objects.filter(group=world.group)] == ["Older", "Newer"]
