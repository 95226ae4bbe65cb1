"""When PostgreSQL cannot be reached people get a short, friendly 503 page, and the site recovers."""

from __future__ import annotations

import logging

from django.test import Client

from .fixtures import database_unreachable


def assert_friendly_503(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "<h1>Belong is briefly unavailable</h1>" in page
    assert "Nothing you typed was saved" in page
    for leak in ("Traceback", "OperationalError", "psycopg", "127.0.0.1", "Connection refused"):
        assert leak not in page


def test_it_shows_a_friendly_503_while_the_database_is_down_and_recovers(committed_db, superuser, caplog):
    visitor = Client()
    # The admin's MFA check loads the signed-in user in a middleware, before any view runs: Django
    # turns that error into a 500 response (and the test client would re-raise it) before
    # DatabaseUnavailableMiddleware sees it.
    admin = Client(raise_request_exception=False)
    admin.force_login(superuser)

    with database_unreachable(), caplog.at_level(logging.ERROR, "belong.middleware"):
        page = visitor.get("/")
        form_post = visitor.post("/accounts/login/", {"login": "ana@district.example", "password": "whatever"})
        admin_page = admin.get("/admin/")

    for response in (page, form_post, admin_page):
        assert_friendly_503(response)
    assert caplog.text.count("Database unavailable: OperationalError") == 3
    assert visitor.get("/").status_code == 200
    assert visitor.get("/accounts/login/").status_code == 200
    assert admin.get("/admin/").status_code == 200
