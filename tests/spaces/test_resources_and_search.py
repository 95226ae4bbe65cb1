"""The group library (ordered by the leads) and full-text search in the person's language."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spaces import services
from spaces.models import Resource

from .conftest import PNG

pytestmark = pytest.mark.django_db


def test_it_lets_leads_add_links_and_files_and_order_them(client, world):
    client.force_login(world.lead)
    client.post("/spaces/harbor-readers/resources/", {"title": "Charter", "url": "https://example.org/c"})
    client.post(
        "/spaces/harbor-readers/resources/",
        {"title": "Poster", "upload": SimpleUploadedFile("poster.png", PNG), "description": "For halls"},
    )
    poster = Resource.objects.get(title="Poster")
    assert poster.file_content_type == "image/png"
    client.post(f"/spaces/harbor-readers/resources/{poster.pk}/move/", {"direction": "up"})
    assert list(Resource.objects.filter(group=world.group).values_list("title", flat=True)) == ["Poster", "Charter"]
    client.force_login(world.member)
    page = client.get("/spaces/harbor-readers/resources/").content.decode()
    assert page.index("Poster") < page.index("Charter")
    response = client.get(f"/spaces/harbor-readers/resources/{poster.pk}/file/")
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"


def test_it_refuses_library_changes_by_members(client, world):
    resource = services.resource_add(group=world.group, title="Charter", url="https://example.org/c", by=world.lead)
    client.force_login(world.member)
    assert (
        client.post("/spaces/harbor-readers/resources/", {"title": "Mine", "url": "https://x.org"}).status_code == 403
    )
    assert client.post(f"/spaces/harbor-readers/resources/{resource.pk}/delete/").status_code == 403
    assert Resource.objects.count() == 1


def test_it_refuses_a_resource_with_neither_link_nor_file_and_a_javascript_link(client, world):
    client.force_login(world.lead)
    assert client.post("/spaces/harbor-readers/resources/", {"title": "Empty"}).status_code == 400
    response = client.post("/spaces/harbor-readers/resources/", {"title": "x", "url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert not Resource.objects.exists()


def test_it_finds_posts_announcements_and_resources_by_stem(client, world):
    services.announcement_create(
        group=world.group, title="Meeting moved", body="We are meeting on Friday.", by=world.lead
    )
    thread = services.thread_start(group=world.group, title="Books", body="I loved the readings", by=world.member)
    hidden = services.post_reply(thread=thread, body="Secret readings gossip", by=world.second)
    services.post_hide(post=hidden, reason="Gossip", by=world.lead)
    services.resource_add(group=world.group, title="Reading guide", url="https://example.org", by=world.lead)
    services.thread_start(group=world.secret, title="Readings elsewhere", body="reading", by=world.secret_member)
    client.force_login(world.member)
    page = client.get("/spaces/harbor-readers/search/", {"q": "reading"}).content.decode()
    assert "Books" in page and "Reading guide" in page
    assert "Readings elsewhere" not in page  # another group's
    assert f"#post-{hidden.pk}" not in page  # hidden from members
    page = client.get("/spaces/harbor-readers/search/", {"q": "meetings"}).content.decode()
    assert "Meeting moved" in page


def test_it_searches_in_spanish_for_a_spanish_reader(client, world):
    services.announcement_create(group=world.group, title="Lecturas", body="Leeremos los libros nuevos", by=world.lead)
    world.member.preferred_language = "es"
    world.member.save()
    client.force_login(world.member)
    assert "Lecturas" in client.get("/spaces/harbor-readers/search/", {"q": "libro"}).content.decode()


@pytest.mark.parametrize("q", ["", "!!!", "a & | !", "'\"", "x" * 5000, "<script>"])
def test_it_never_fails_on_odd_search_text(client, world, q):
    client.force_login(world.member)
    response = client.get("/spaces/harbor-readers/search/", {"q": q})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]
