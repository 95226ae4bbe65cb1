"""allauth's pages render inside the portal's layout, with labelled Bootstrap fields and no inline code."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


class FormAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.labels: set[str] = set()
        self.controls: list[dict] = []
        self.inline_styles = 0
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.inline_styles += 1
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.inline_scripts += 1
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if tag in {"input", "select", "textarea"} and attributes.get("type") not in {"hidden", "submit", "button"}:
            self.controls.append(attributes)

    def unlabelled(self) -> list[dict]:
        return [c for c in self.controls if c.get("id") not in self.labels and not c.get("aria-label")]


def audit(response) -> FormAudit:
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="main"' in html and "skip-link" in html  # the portal's base.html
    assert "css/accounts.css" in html
    parser = FormAudit()
    parser.feed(html)
    assert parser.unlabelled() == []
    assert parser.inline_styles == 0 and parser.inline_scripts == 0
    return parser


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_request_login_code",
        "account_reset_password",
        "account_email_verification_sent",
    ],
)
def test_the_entrance_pages_use_the_portal_layout(client, url_name):
    parser = audit(client.get(reverse(url_name)))

    if url_name != "account_email_verification_sent":
        assert parser.controls, "the page has a form"
        assert all(re.search(r"form-(control|check-input|select)", c.get("class", "")) for c in parser.controls)


def test_the_confirm_code_page_uses_the_portal_layout(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": staff.email})

    page = client.get(reverse("account_confirm_login_code"))

    audit(page)
    assert b"Enter your sign-in code" in page.content


def test_the_sign_in_page_explains_the_district_options(client):
    html = client.get(reverse("account_login")).content.decode()

    assert "Staff sign-in" in html
    assert reverse("account_request_login_code") in html
    assert reverse("account_signup") in html
    # No single sign-on configured here, so no provider section.
    assert "Sign in with your district account" not in html


def test_single_sign_on_buttons_appear_when_a_provider_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id-from-env", "secret": "secret-from-env"}], "SCOPE": ["email"]},
    }

    html = client.get(reverse("account_login")).content.decode()

    assert "Sign in with your district account" in html
    assert "Sign in with Google" in html
    assert "Sign in with Microsoft" not in html


def test_the_sign_up_page_names_the_district_domains(client, settings):
    settings.DISTRICT_EMAIL_DOMAINS = ["district.example", "schools.example"]

    html = client.get(reverse("account_signup")).content.decode()

    assert "@district.example, @schools.example" in html


def test_allauth_pages_follow_the_chosen_language(client):
    client.cookies["django_language"] = "es"

    html = client.get(reverse("account_signup")).content.decode()

    assert '<html lang="es"' in html
    assert "Contraseña" in html  # allauth's own Spanish catalogue


def test_the_mfa_pages_use_the_portal_layout(client, staff):
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})

    audit(client.get(reverse("mfa_index")))
    reauth = client.get(reverse("mfa_activate_totp"), follow=True)
    audit(reauth)
    client.post(reauth.redirect_chain[-1][0], {"password": PASSWORD})
    activate = client.get(reverse("mfa_activate_totp"))
    audit(activate)
    assert re.search(rb'<img src="data:image/svg\+xml;base64,[^"]+" class="allauth-qr', activate.content)
