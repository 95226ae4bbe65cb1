"""Directory cards are rendered once per group and language and shared by every viewer (groups.fragments):
what changes shows on the next view, and nothing of one viewer, or of a confidential group's members,
travels to another through the shared HTML."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from groups import fragments
from groups.models import Group
from tests.factories import UserFactory

from .factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _card(html: str, group: Group) -> str:
    """The <article> of one group's card on the directory page."""
    start = html.index(f'href="{group.get_absolute_url()}"')
    return html[html.rindex("<article", 0, start) : html.index("</article>", start)]


def _directory(client) -> str:
    response = client.get("/groups/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_an_edited_group_on_the_next_view(client, normal):
    client.force_login(UserFactory())
    assert "Staff gathering" in _card(_directory(client), normal.group)

    normal.group.summary = "Now meeting every other Thursday."
    normal.group.name = "Riverside Readers"
    normal.group.save()

    card = _card(_directory(client), normal.group)
    assert "Now meeting every other Thursday." in card and "Riverside Readers" in card


def test_it_shows_the_new_count_after_a_join_and_a_leave(client, normal):
    client.force_login(UserFactory())
    assert "3 members" in _card(_directory(client), normal.group)

    newcomer = MembershipFactory(group=normal.group)
    assert "4 members" in _card(_directory(client), normal.group)

    newcomer.delete()
    assert "3 members" in _card(_directory(client), normal.group)


def test_it_renders_each_language_for_itself(normal):
    english, spanish = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="es")
    english.force_login(UserFactory())
    spanish.force_login(UserFactory())

    english_page, spanish_page = _directory(english), _directory(spanish)
    assert 'lang="es"' in spanish_page
    assert "3 members" in _card(english_page, normal.group)
    assert "3 members" not in _card(spanish_page, normal.group) and "3" in _card(spanish_page, normal.group)


def test_a_lead_and_an_outsider_each_see_only_their_own_standing_on_a_confidential_card(confidential):
    lead_client, outsider_client = Client(), Client()
    lead_client.force_login(confidential.lead)
    outsider_client.force_login(UserFactory())

    # The lead renders (and so stores) the shared body first; the outsider's page is built from it.
    lead_card = _card(_directory(lead_client), confidential.group)
    outsider_card = _card(_directory(outsider_client), confidential.group)

    assert "You lead this group" in lead_card
    assert "You lead this group" not in outsider_card and "You are a member" not in outsider_card
    for person in (confidential.lead, confidential.member_listed, confidential.member_hidden):
        assert person.full_name not in outsider_card
        assert person.full_name not in lead_card  # member names never appear on a card at all
    assert "csrfmiddlewaretoken" not in lead_card  # a lead has nothing to join


def test_the_shared_body_holds_no_count_and_no_standing(confidential):
    group = Group.objects.get(pk=confidential.group.pk)
    fragments._cards.clear()
    with translation.override("en"):
        finished = fragments.card_body(group)
    (body,) = fragments._cards._items.values()

    assert "3 members" in finished  # the count is written in per request...
    assert not re.search(r"\b3 members?\b", body)  # ...and never stored in the shared body
    for word in ("You lead", "You are a member", "Join", "csrfmiddlewaretoken"):
        assert word not in body


def test_cards_with_the_same_standing_each_join_their_own_group(client):
    first, second = GroupFactory(name="Readers & Writers"), GroupFactory(name="Gardeners")
    client.force_login(UserFactory())
    html = _directory(client)

    for group in (first, second):
        card = _card(html, group)
        assert f'action="/groups/{group.slug}/join/"' in card
        assert f'<span class="visually-hidden"> {escape(group.name)}</span>' in card
        assert "belong-group-card-" not in card


def test_a_group_page_shows_an_edited_description_and_charter_on_the_next_view(client, normal):
    client.force_login(normal.member_listed)
    url = normal.group.get_absolute_url()
    assert "A place to share experiences" in client.get(url).content.decode()

    normal.group.description = "We read one book a term."
    normal.group.charter = "Article 1: everyone is welcome."
    normal.group.save()
    html = client.get(url).content.decode()
    assert "We read one book a term." in html and "Article 1: everyone is welcome." in html
    assert "A place to share experiences" not in html


def test_a_group_page_shows_a_changed_schools_rule_on_the_next_view(client, normal):
    from tests.factories import SchoolFactory

    client.force_login(normal.lead)
    url = normal.group.get_absolute_url()
    client.get(url)
    normal.group.eligible_schools.add(SchoolFactory(name="Lincoln Elementary"))
    assert "Lincoln Elementary" in client.get(url).content.decode()


def test_a_confidential_group_page_shows_a_lead_and_an_outsider_only_their_own(confidential):
    lead_client, outsider_client = Client(), Client()
    lead_client.force_login(confidential.lead)
    outsider_client.force_login(UserFactory())
    url = confidential.group.get_absolute_url()

    lead_page = lead_client.get(url).content.decode()
    outsider_page = outsider_client.get(url).content.decode()

    assert "Lead tools" in lead_page and "Lead tools" not in outsider_page
    for person in (confidential.lead, confidential.member_listed, confidential.member_hidden):
        assert person.full_name not in outsider_page
        assert person.email not in outsider_page
