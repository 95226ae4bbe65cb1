from __future__ import annotations

import re

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import EmailCategory
from belong import mail
from belong.models import OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def unsubscribe_url(user, category) -> str:
    row = OutboxMessage(recipient=user, recipient_id=user.id)
    return reverse("accounts:unsubscribe", args=[mail.unsubscribe_token(row, category)])


def test_the_profile_needs_sign_in(client):
    response = client.get("/me/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_shows_hr_facts_read_only_and_saves_name_and_language(client, staff):
    client.force_login(staff)

    page = client.get("/me/")
    assert page.status_code == 200
    assert staff.school.name.encode() in page.content
    assert b'name="full_name"' not in page.content and b'name="job_role"' not in page.content
    assert re.search(r'<label\s+for="id_preferred_language"', page.content.decode())

    response = client.post("/me/", {"preferred_name": "  Mo  ", "preferred_language": "es", "full_name": "Hacker"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "es"
    staff.refresh_from_db()
    assert (staff.preferred_name, staff.preferred_language) == ("Mo", "es")
    assert staff.full_name != "Hacker"
    assert b'<html lang="es"' in client.get("/me/").content


def test_it_keeps_what_was_typed_when_the_language_is_invalid(client, staff):
    client.force_login(staff)

    response = client.post("/me/", {"preferred_name": "Mo", "preferred_language": "xx"})

    assert response.status_code == 200
    assert b'value="Mo"' in response.content
    assert b"is-invalid" in response.content
    staff.refresh_from_db()
    assert staff.preferred_name != "Mo"


def test_it_saves_email_preferences(client, staff):
    client.force_login(staff)
    page = client.get("/me/email/")
    for category in EmailCategory:
        assert f'value="{category.value}"'.encode() in page.content

    response = client.post("/me/email/", {"receive": [EmailCategory.MEETINGS, EmailCategory.GROUP_UPDATES]})

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.email_opt_outs == sorted([EmailCategory.GROUP_MESSAGES, EmailCategory.REMINDERS, EmailCategory.NEWS])
    assert staff.wants_email(EmailCategory.MEETINGS) and not staff.wants_email(EmailCategory.NEWS)

    client.post("/me/email/", {"receive": list(EmailCategory.values)})
    staff.refresh_from_db()
    assert staff.email_opt_outs == []


def test_an_unsubscribe_link_asks_before_it_acts(client, staff):
    url = unsubscribe_url(staff, EmailCategory.REMINDERS)

    page = client.get(url)

    assert page.status_code == 200
    assert "Meeting reminders" in page.content.decode()
    assert staff.email not in page.content.decode()  # a forwarded link does not reveal the address
    staff.refresh_from_db()
    assert staff.email_opt_outs == []


def test_an_unsubscribe_link_works_in_one_click_without_a_csrf_token(staff):
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(unsubscribe_url(staff, EmailCategory.REMINDERS), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.email_opt_outs == [EmailCategory.REMINDERS]
    mail_client.post(unsubscribe_url(staff, EmailCategory.REMINDERS))  # twice is harmless
    staff.refresh_from_db()
    assert staff.email_opt_outs == [EmailCategory.REMINDERS]


def test_the_mail_headers_point_at_a_working_link(staff):
    row = OutboxMessage(recipient=staff, recipient_id=staff.id, kind="accounts.test", to_email=staff.email)
    token = mail.unsubscribe_token(row, EmailCategory.NEWS)

    assert reverse("accounts:unsubscribe", args=[token]).startswith("/me/email/unsubscribe/")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"u": 1, "c": "news"}, salt="some.other.salt", compress=True),
        signing.dumps({"u": 1, "c": "sign_in_codes"}, salt="belong.unsubscribe", compress=True),
        signing.dumps({"user": 1}, salt="belong.unsubscribe", compress=True),
        signing.dumps(["u", 1], salt="belong.unsubscribe", compress=True),
    ],
)
def test_a_tampered_unsubscribe_link_gets_a_friendly_400(client, staff, token):
    for response in (client.get(f"/me/email/unsubscribe/{token}/"), client.post(f"/me/email/unsubscribe/{token}/")):
        assert response.status_code == 400
        assert b"This unsubscribe link does not work" in response.content
    staff.refresh_from_db()
    assert staff.email_opt_outs == []


def test_a_link_for_a_removed_account_gets_a_friendly_404(client):
    gone = UserFactory()
    url = unsubscribe_url(gone, EmailCategory.NEWS)
    gone.delete()

    response = client.post(url)

    assert response.status_code == 404
    assert b"no longer exists" in response.content


def test_a_token_with_a_flipped_character_is_refused(client, staff):
    url = unsubscribe_url(staff, EmailCategory.NEWS)
    token = url.split("/")[-2]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]

    assert client.post(f"/me/email/unsubscribe/{flipped}/").status_code == 400
    staff.refresh_from_db()
    assert staff.email_opt_outs == []


def test_the_profile_pages_use_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    client.force_login(staff)
    client.get("/me/")  # warm the site-settings cache

    # (session and user with the menu's director flag come from the cache) the school on the profile, and
    # whether the person's address is on the outbox's suppression list
    with django_assert_num_queries(2):
        assert client.get("/me/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/me/email/").status_code == 200
