"""Sign-in with a generic OpenID Connect provider against a real one (oidc-provider-mock, in a thread on a
free loopback port): the code flow runs over HTTP exactly as with ClassLink or Clever."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PEOPLE = {
    "new.hire": {"email": "new.hire@district.example", "email_verified": True, "name": "New Hire"},
    "outsider": {"email": "someone@gmail.example", "email_verified": True, "name": "Out Sider"},
    "existing": {"email": "existing@district.example", "email_verified": True, "name": "Existing Person"},
    "unverified": {"email": "existing@district.example", "email_verified": False, "name": "Claims To Be"},
}


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import User as MockUser
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(user_claims=[MockUser(sub=sub, claims=claims) for sub, claims in PEOPLE.items()]) as (
        server
    ):
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc(settings, provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "classlink",
                    "name": "ClassLink",
                    "client_id": "belong-test",
                    "secret": "belong-test-secret",
                    "settings": {"server_url": provider},
                }
            ],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    settings.DISTRICT_EMAIL_DOMAINS = ["district.example"]
    return provider


def sign_in(client, sub: str):
    """The browser's part: start at Belong, approve at the provider as `sub`, come back with the code."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "classlink"}))
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    approved = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    back = urlsplit(approved.headers["Location"])
    assert "code" in parse_qs(back.query)
    return client.get(back.path, parse_qs(back.query))


def test_it_shows_the_providers_button_beside_the_others(client, oidc):
    html = client.get(reverse("account_login")).content.decode()
    assert "ClassLink" in html


def test_it_creates_a_district_account_from_a_verified_address(client, oidc):
    response = sign_in(client, "new.hire")
    assert response.status_code == 302
    person = User.objects.get(email="new.hire@district.example")
    assert int(client.session[SESSION_KEY]) == person.pk
    assert EmailAddress.objects.get(user=person).verified


def test_it_links_an_existing_account_by_verified_address(client, oidc):
    existing = UserFactory(email="existing@district.example")
    sign_in(client, "existing")
    assert int(client.session[SESSION_KEY]) == existing.pk
    assert User.objects.filter(email__iexact="existing@district.example").count() == 1
    assert existing.socialaccount_set.get().provider == "classlink"


def test_it_refuses_an_address_outside_the_district_domains(client, oidc):
    response = sign_in(client, "outsider")
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="someone@gmail.example").exists()
    assert response.status_code == 200
    assert "account/signup_closed.html" in [template.name for template in response.templates]


def test_it_does_not_hand_an_account_to_an_unverified_address(client, oidc):
    existing = UserFactory(email="existing@district.example")
    sign_in(client, "unverified")
    assert int(client.session.get(SESSION_KEY, 0)) != existing.pk
    assert not existing.socialaccount_set.exists()


def test_it_trusts_unverified_claims_only_in_the_domains_the_operator_names(client, oidc, settings):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["VERIFIED_EMAIL"] = ["district.example"]
    existing = UserFactory(email="existing@district.example")
    sign_in(client, "unverified")
    assert int(client.session[SESSION_KEY]) == existing.pk
