from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_email_and_password(client, staff):
    response = client.post(reverse("account_login"), {"login": staff.email.upper(), "password": PASSWORD})

    assert response.status_code == 302
    assert get_user(client) == staff


def test_it_refuses_a_wrong_password_with_a_message(client, staff):
    response = client.post(reverse("account_login"), {"login": staff.email, "password": "not-it-at-all"})

    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    assert b"is-invalid" in response.content or b"alert" in response.content


def test_it_signs_in_with_a_code_sent_by_email(client, staff, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": staff.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [staff.email]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE).group(1)

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == 302
    assert get_user(client) == staff


def test_an_imported_person_without_a_password_signs_in_by_code(
    client, school, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts.staff_import import staff_import

    from .factories import person, roster_csv

    staff_import(roster_csv([person(1, school)]), full=False, dry_run=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": "person1@district.example"})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mailoutbox[-1].body, re.MULTILINE).group(1)

    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert get_user(client).email == "person1@district.example"


def test_it_refuses_sign_up_from_a_foreign_domain(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "someone@gmail.example",
                "password1": "a-long-passphrase-77",
                "password2": "a-long-passphrase-77",
            },
        )

    assert response.status_code == 200
    assert "Sign up with your district e-mail address (@district.example)." in response.content.decode()
    assert b'value="someone@gmail.example"' in response.content  # what they typed is kept
    assert not User.objects.exists()
    assert mailoutbox == []


def test_it_accepts_sign_up_from_the_district_domain_and_requires_verification(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "New.Hire@District.Example",
                "password1": "a-long-passphrase-77",
                "password2": "a-long-passphrase-77",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.hire@district.example")
    assert not EmailAddress.objects.get(user=user).verified
    assert not get_user(client).is_authenticated
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)

    # Until the address is confirmed, a password sign-in only re-sends the link.
    client.post(reverse("account_login"), {"login": user.email, "password": "a-long-passphrase-77"})
    assert not get_user(client).is_authenticated

    path = re.sub(r"^https?://[^/]+", "", link)
    client.post(path)
    assert EmailAddress.objects.get(user=user).verified
    client.post(reverse("account_login"), {"login": user.email, "password": "a-long-passphrase-77"})
    assert get_user(client) == user


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_failed_admin_sign_ins_are_rate_limited(client):
    user = UserFactory(is_staff=True)
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    limit = 5  # LOGIN_FAILED_RATE_LIMIT's default: 5 failures per 5 minutes per address and per IP
    statuses = [
        client.post(login_url, {"login": user.email, "password": f"wrong-{n}"}).status_code for n in range(limit)
    ]
    assert statuses == [200] * limit

    blocked = client.post(login_url, {"login": user.email, "password": PASSWORD})

    assert blocked.status_code == 429
    assert not get_user(client).is_authenticated
