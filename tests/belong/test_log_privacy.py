"""Logs keep no secrets and no visits to the anonymous pages (the Trust issue, written as the attack).

A password-reset link opens the set-password form for whoever holds it, from any address: it used
to reach the access log because the scrubber only took path segments with a capital letter for
secrets. Requests are now logged by the URL pattern they matched, and the comment pages not at all.
"""

from __future__ import annotations

import http.client
import io
import logging
import time
from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client

from belong.logging import ScrubSensitiveFilter, is_anonymous_path, route_for_path, route_template, scrub
from tests.belong.test_deployment import gunicorn_server  # noqa: F401 - the fixture
from tests.factories import UserFactory

# allauth's reset key: "<uidb36>-<timestamp b36>-<hash hex>", all lowercase.
RESET_KEY = "1a-cbw3nz-0f9e8d7c6b5a49382716059483726150"
FEED_TOKEN = "abcdefghijklmnopqrstuvwxyz0123456789"
CANARIES = ("query-canary", "agent-canary", "referer-canary", "203.0.113.7")


# --- The scrubber (defence in depth) ------------------------------------------------------------------


def test_it_scrubs_an_all_lowercase_password_reset_key():
    line = scrub(f'"GET /accounts/password/reset/key/{RESET_KEY}/ HTTP/1.1" 200')

    assert "0f9e8d7c6b5a49382716059483726150" not in line
    assert line == '"GET /accounts/password/reset/key/[token]/ HTTP/1.1" 200'


def test_it_scrubs_lowercase_feed_tokens_and_drops_query_strings():
    assert scrub(f"/me/calendar/{FEED_TOKEN}.ics?x=1") == "/me/calendar/[token].ics"
    assert scrub("Not Found: /plan/?code=4821-9931-2210-7781&next=/x") == "Not Found: /plan/"
    kept = "/groups/black-educators-alliance-of-riverside/meetings/12/ /plan/2026-2027-equity-plan/"
    assert scrub(kept) == kept


# --- Routes --------------------------------------------------------------------------------------------


def test_it_writes_routes_with_parameter_names_only():
    assert route_template("me/calendar/<str:token>.ics") == "/me/calendar/<token>.ics"
    assert route_template("accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$") == (
        "/accounts/password/reset/key/<uidb36>-<key>/"
    )
    assert route_template("admin/(?P<app_label>auth|groups)/$") == "/admin/<app_label>/"
    assert route_template("") == "/"


@pytest.mark.parametrize(
    ("path", "route"),
    [
        (f"/accounts/password/reset/key/{RESET_KEY}/", "/accounts/password/reset/key/<uidb36>-<key>/"),
        (f"/me/calendar/{FEED_TOKEN}.ics", "/me/calendar/<token>.ics"),
        ("/me/email/unsubscribe/eyJ1IjoxfQ:1xVPhO:4bMeKj/", "/me/email/unsubscribe/<token>/"),
        ("/groups/open-harbor/roster/", "/groups/<slug>/roster/"),
        ("/accounts/confirm-email/mti:1txyz:abcdefghijklmnop0123/", "/accounts/confirm-email/<key>/"),
        # Unmatched: a typed path never reaches the log, only a known first segment does.
        (f"/accounts/password/reset/key/{RESET_KEY}", "/accounts/<unmatched>"),
        (f"/{FEED_TOKEN}", "/<unmatched>"),
        ("/me/calendar/\x00/x", "/me/<unmatched>"),
    ],
)
def test_it_names_the_route_of_a_path_never_the_path(path, route):
    assert route_for_path(path) == route


def test_it_knows_the_anonymous_pages_in_every_language(settings):
    for code, _name in settings.LANGUAGES:
        for path in ("/comment/", "/comment", "/comment/receipt/", f"/{code}/comment/", f"/{code}/comment/receipt/"):
            assert is_anonymous_path(path), path
    for path in ("/commentary/", "/groups/comment/", "/plan/", "/"):
        assert not is_anonymous_path(path), path


# --- Django's own request logging --------------------------------------------------------------------


@pytest.fixture
def console_log():
    """What the configured console handler (the one production writes to) receives."""
    handler = next(
        h
        for h in logging.getLogger("django.request").handlers
        if h.get_name() == "console" or any(isinstance(f, ScrubSensitiveFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_it_logs_the_route_of_a_request_instead_of_its_secret_path(console_log):
    browser = Client(raise_request_exception=False, headers={"User-Agent": "agent-canary"})

    feed = browser.get(f"/me/calendar/{FEED_TOKEN}.ics?query-canary=1")
    unsubscribe = browser.get("/me/email/unsubscribe/eyJ1IjoxfQ:1xVPhO:4bMeKjOFP3nXs7B2Ub8gdYwC4NNe/")
    nul = browser.get("/me/calendar/%00secret.ics")

    assert (feed.status_code, unsubscribe.status_code, nul.status_code) == (404, 400, 400)
    log = console_log.getvalue()
    assert "Not Found: /me/calendar/<token>.ics" in log
    assert "Bad Request: /me/email/unsubscribe/<token>/" in log
    for secret in (FEED_TOKEN, "4bMeKjOFP3nXs7B2Ub8gdYwC4NNe", "eyJ1IjoxfQ", "secret", "query-canary", "agent"):
        assert secret not in log, secret
    assert feed.wsgi_request.META["belong.route"] == "/me/calendar/<token>.ics"
    assert feed.wsgi_request.META["belong.log_skip"] is False


@pytest.mark.django_db
def test_it_leaves_a_real_password_reset_key_out_of_every_log_line(console_log):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = UserFactory()
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    assert key == key.lower(), "the case the old scrubber missed"
    browser = Client(raise_request_exception=False)

    opened = browser.get(f"/accounts/password/reset/key/{key}/")
    wrong = browser.get(f"/accounts/{key}/")  # pasted into the wrong place: matches no route

    assert opened.status_code == 302  # allauth keeps the key in the session and drops it from the address
    assert wrong.status_code == 404
    assert opened.wsgi_request.META["belong.route"] == "/accounts/password/reset/key/<uidb36>-<key>/"
    log = console_log.getvalue()
    assert "Not Found: /accounts/<unmatched>" in log
    assert key.split("-", 1)[1] not in log


@pytest.mark.django_db
def test_it_logs_nothing_about_the_anonymous_comment_pages(console_log):
    browser = Client(raise_request_exception=False, enforce_csrf_checks=True)

    answers = [
        browser.get("/comment/").status_code,
        browser.post("/comment/", {"body": "no CSRF token"}).status_code,
        browser.get("/comment/not-a-page/").status_code,
        browser.get("/es/comment/").status_code,
        browser.get("/comment/receipt/%00").status_code,
    ]

    assert 404 in answers and 400 in answers, answers  # each a "Not Found"/"Bad Request" warning elsewhere
    assert "comment" not in console_log.getvalue()


# --- gunicorn with deploy/gunicorn.conf.py -------------------------------------------------------------


def _get(port: int, path: str, **headers: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(
            "GET",
            path,
            headers={
                "Host": "belong.district.example",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "203.0.113.7",
                "User-Agent": "agent-canary/1.0",
                "Referer": "https://referer-canary.example/",
                **headers,
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.slow
def test_it_writes_gunicorn_access_lines_with_routes_and_none_for_comment_pages(gunicorn_server):  # noqa: F811
    env, log_path = gunicorn_server
    port = int(env["PORT"])
    unsubscribe = signing.dumps({"u": 987654, "c": "news"}, salt="belong.unsubscribe", compress=True)

    statuses = {
        "reset": _get(port, f"/accounts/password/reset/key/{RESET_KEY}/?next=query-canary"),
        "feed": _get(port, f"/me/calendar/{FEED_TOKEN}.ics?query-canary=1"),
        "unsubscribe": _get(port, f"/me/email/unsubscribe/{quote(unsubscribe)}/"),
        "comment": _get(port, "/comment/"),
        "comment_es": _get(port, "/es/comment/"),
        "receipt": _get(port, "/comment/receipt/?code=query-canary"),
        "escaped": _get(port, "/%63omment/"),
        "healthz": _get(port, "/healthz"),
    }
    time.sleep(0.5)

    assert statuses["comment"] == 200 and statuses["receipt"] == 200, statuses
    log = log_path.read_text()
    access = [line for line in log.splitlines() if '"GET /' in line]
    assert any('"GET /accounts/password/reset/key/<uidb36>-<key>/" 200' in line for line in access), log
    assert any('"GET /me/calendar/<token>.ics" 404' in line for line in access), log
    assert any('"GET /me/email/unsubscribe/<token>/" 4' in line for line in access), log
    assert any('"GET /healthz" ' in line for line in access), log
    assert not [line for line in access if "comment" in line.lower()]
    assert "comment" not in log.lower()
    for secret in (RESET_KEY, "cbw3nz", FEED_TOKEN, unsubscribe, *CANARIES, "127.0.0.1"):
        assert secret not in log, secret
