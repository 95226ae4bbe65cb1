"""The empty comment form is rendered once and filled in per visit: every visit still gets its own token,
and what the page shows follows the open topics, the footer settings and the language at once."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from belong.models import SiteSettings
from comments import protection

from .factories import TopicFactory

pytestmark = pytest.mark.django_db


def _token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _challenge(html: str) -> str:
    return re.search(r'data-pow-challenge="([^"]+)"', html).group(1)


def test_it_gives_each_visit_its_own_token_and_challenge(client, topic):
    first, second = client.get("/comment/").content.decode(), client.get("/comment/").content.decode()

    assert _token(first) != _token(second)
    for html in (first, second):
        parsed = protection.read_form_token(_token(html))
        assert parsed is not None and _challenge(html) == parsed.challenge
        assert f'data-pow-difficulty="{parsed.difficulty}"' in html
        assert "belong-comment-form-" not in html  # no marker left behind


def test_a_token_from_the_cached_page_sends_a_comment(client, topic, submit):
    token = _token(client.get("/comment/").content.decode())
    response = submit(token=token)
    assert response.status_code == 200 and "receipt" in response.content.decode().lower()


def test_it_shows_a_newly_opened_topic_and_drops_a_closed_one_on_the_next_view(client, topic):
    assert topic.name in client.get("/comment/").content.decode()

    TopicFactory(name="School calendar")
    topic.is_open = False
    topic.save()
    html = client.get("/comment/").content.decode()
    assert "School calendar" in html and topic.name not in html


def test_it_shows_a_changed_footer_on_the_next_view(client, topic):
    client.get("/comment/")
    site = SiteSettings.current()
    site.contact_email = "equity-office@district.example"
    site.save()
    assert "equity-office@district.example" in client.get("/comment/").content.decode()


def test_it_renders_each_language_for_itself(client, topic):
    english = client.get("/comment/").content.decode()
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get("/comment/").content.decode()
    assert 'lang="en"' in english and 'lang="es"' in spanish
    assert "Share a comment with the district" in english
    assert "Share a comment with the district" not in spanish


def test_a_signed_in_member_gets_the_same_anonymous_page(client, topic, staff):
    client.force_login(staff)
    html = client.get("/comment/").content.decode()
    assert staff.full_name not in html and "Staff sign-in" in html
    assert "csrfmiddlewaretoken" not in html
