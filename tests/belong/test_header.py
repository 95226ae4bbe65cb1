"""The header: the language chooser on every page (signed out too, and cookie-free on the comment pages),
the current page marked for screen readers, and the director's tools grouped under "Manage"."""

import re

import pytest

from tests.factories import DirectorFactory

pytestmark = pytest.mark.django_db


def _header(response) -> str:
    html = response.content.decode()
    return html[html.index("<header>") : html.index("</header>")]


def test_it_puts_the_language_chooser_in_the_header_when_signed_out(client):
    header = _header(client.get("/accessibility/"))
    assert 'id="language-select"' in header
    assert 'action="/i18n/setlang/"' in header
    assert '<label for="language-select"' in header


def test_it_marks_the_current_page_in_the_navigation(client, staff):
    client.force_login(staff)
    header = _header(client.get("/me/meetings/"))
    assert re.search(r'<a class="nav-link active" href="/me/meetings/" aria-current="page">', header)
    assert header.count('aria-current="page"') == 1


def test_it_groups_the_director_s_tools_under_a_manage_disclosure(client):
    client.force_login(DirectorFactory())
    header = _header(client.get("/"))
    menu = header[header.index('<details class="manage-disclosure">') : header.index("</details>")]
    assert "<summary" in menu and "Manage" in menu
    for href in ("/groups/overview/", "/comment/review/", "/delivery/", "/funding/", "/impact/report/", "/admin/"):
        assert f'href="{href}"' in menu or f'href="/en{href}"' in menu, href


def test_it_shows_staff_without_tools_no_manage_menu(client, staff):
    client.force_login(staff)
    assert "manage-disclosure" not in _header(client.get("/"))


def test_it_remembers_a_language_chosen_on_the_comment_pages_in_the_url_not_a_cookie(client):
    page = client.get("/comment/")
    assert 'action="/en/comment/language/"' in _header(page) or 'action="/comment/language/"' in _header(page)
    assert not page.cookies

    chosen = client.post("/comment/language/", {"language": "es", "next": "/comment/receipt/"})
    assert chosen.status_code == 302
    assert chosen["Location"] == "/es/comment/receipt/"
    assert not chosen.cookies
    assert "Set-Cookie" not in chosen.headers

    spanish = client.get(chosen["Location"])
    assert spanish.status_code == 200
    assert spanish["Content-Language"] == "es"
    assert '<html lang="es"' in spanish.content.decode()
    assert 'action="/es/comment/language/"' in _header(spanish)
    assert not spanish.cookies
    assert not client.cookies


def test_it_keeps_english_chosen_over_the_browser_s_language_without_a_cookie(client):
    back = client.post("/es/comment/language/", {"language": "en", "next": "/es/comment/"}, HTTP_ACCEPT_LANGUAGE="es")
    assert back["Location"] == "/en/comment/"
    english = client.get(back["Location"], HTTP_ACCEPT_LANGUAGE="es")
    assert english["Content-Language"] == "en"
    assert not client.cookies


@pytest.mark.parametrize("next_url", ["/groups/", "https://elsewhere.example/comment/", "", "/comment/nope/"])
def test_it_only_ever_leads_back_to_a_comment_page(client, next_url):
    response = client.post("/comment/language/", {"language": "es", "next": next_url})
    assert response["Location"] == "/es/comment/"


def test_it_ignores_a_language_it_does_not_offer(client):
    response = client.post("/comment/language/", {"language": "xx", "next": "/comment/"})
    assert response.status_code == 302
    assert not response.cookies


def test_it_still_remembers_the_choice_in_a_cookie_elsewhere(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/plan/"})
    assert response.cookies["django_language"].value == "es"
    assert client.get("/accessibility/")["Content-Language"] == "es"
