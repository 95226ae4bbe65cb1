"""Security headers every page carries (Django 6's built-in CSP, HSTS, framing, referrer, permissions)."""

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/accessibility/", "/accounts/login/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_it_sends_a_strict_content_security_policy(client, path):
    response = client.get(path, secure=True)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_it_sends_the_other_security_headers(client, path):
    response = client.get(path, secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_marks_session_and_csrf_cookies_secure_and_http_only(client, staff):
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"


def test_it_never_inlines_scripts_or_styles_in_the_base_template(client):
    body = client.get("/").content.decode()
    assert " style=" not in body
    assert "<style" not in body
    # Every script is an external file from our own static folder.
    import re

    for tag in re.findall(r"<script[^>]*>", body):
        assert 'src="/static/' in tag
