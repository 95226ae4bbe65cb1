from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def admin_staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.ADMIN_REQUIRES_MFA = True


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, admin_staff):
    sign_in(client, admin_staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")

    # allauth asks for the password again before a second factor is added.
    confirm = client.get(response["Location"], follow=True)
    assert confirm.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert b"Set up an authenticator app before using the administration site." in confirm.content
    assert b'class="allauth-form' in confirm.content and b'id="main"' in confirm.content  # inside base.html
    client.post(confirm.redirect_chain[-1][0], {"password": PASSWORD})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert b"Activate Authenticator App" in setup.content
    secret = setup.context["form"].secret

    activated = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=admin_staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def test_staff_with_an_authenticator_enter_its_code_and_get_in(client, admin_staff):
    secret = generate_totp_secret()
    TOTP.activate(admin_staff, secret)

    response = sign_in(client, admin_staff)

    assert response["Location"] == reverse("mfa_authenticate")
    assert not get_user(client).is_authenticated
    page = client.get(reverse("mfa_authenticate"))
    assert b"Two-Factor Authentication" in page.content and b'id="main"' in page.content

    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    assert get_user(client) == admin_staff
    assert client.get("/admin/").status_code == 200


def test_staff_without_admin_access_are_not_asked_for_mfa(client, staff):
    sign_in(client, staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_requirement_can_be_switched_off_for_the_local_demo(client, admin_staff, settings):
    settings.ADMIN_REQUIRES_MFA = False
    sign_in(client, admin_staff)

    assert client.get("/admin/").status_code == 200
