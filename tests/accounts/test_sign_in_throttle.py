"""Sign-in throttling, written as the attack: someone hammers a colleague's account to lock them out.

Before accounts/throttle.py, five wrong passwords from anywhere refused the right one from everywhere for
five minutes, and the attacker could repeat that forever.
"""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.throttle import BROWSER_COOKIE
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
ALICE_AT_SCHOOL = "198.51.100.20"
PROXY = "10.0.0.2"


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@district.example")


def sign_in(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def hammer(client: Client, email: str, times: int) -> list[int]:
    return [sign_in(client, email, f"guess-{n}-wrong").status_code for n in range(times)]


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def behind_proxy(forwarded_for: str) -> Client:
    """A client as gunicorn sees it behind one reverse proxy: the proxy connects and appends the client."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def sign_in_by_code(client: Client, email: str, mailoutbox, capture) -> None:
    with capture(execute=True):
        client.post(reverse("account_request_login_code"), {"email": email})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mailoutbox[-1].body, re.MULTILINE).group(1)
    client.post(reverse("account_confirm_login_code"), {"code": code})


def cache_keys() -> list[str]:
    return [key.decode() for key in cache._cache.get_client(write=False).keys("*")]


# --- One address hammering one account ----------------------------------------------------------------


def test_it_lets_alice_in_from_her_address_while_another_address_hammers_her_account(alice):
    attacker = from_address(ATTACKER)

    statuses = hammer(attacker, alice.email, 20)

    assert statuses == [200] * 5 + [429] * 15  # the attacker is stopped at this address
    alice_at_school = from_address(ALICE_AT_SCHOOL)
    response = sign_in(alice_at_school, alice.email, PASSWORD)
    assert response.status_code == 302
    assert get_user(alice_at_school) == alice


def test_it_lets_alice_in_behind_the_proxy_while_another_client_behind_it_hammers_her_account(alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = behind_proxy(ATTACKER)

    statuses = hammer(attacker, alice.email, 20)

    assert statuses == [200] * 5 + [429] * 15
    alice_at_school = behind_proxy(ALICE_AT_SCHOOL)
    assert sign_in(alice_at_school, alice.email, PASSWORD).status_code == 302
    assert get_user(alice_at_school) == alice


def test_it_refuses_even_the_right_password_at_the_throttled_address_and_says_for_how_long(alice):
    attacker = from_address(ATTACKER)
    hammer(attacker, alice.email, 5)

    refused = sign_in(attacker, alice.email, PASSWORD)

    assert refused.status_code == 429
    assert not get_user(attacker).is_authenticated
    assert 1 <= int(refused["Retry-After"]) <= 300
    page = refused.content.decode()
    assert "too many failed sign-ins to this account from your network" in page
    assert "Try again in 5 minutes." in page
    assert reverse("account_request_login_code") in page


def test_it_stops_one_address_spraying_many_accounts(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    victims = UserFactory.create_batch(9)
    attacker = from_address(ATTACKER)

    statuses = [sign_in(attacker, victim.email, "spring-2026-password").status_code for victim in victims]

    assert statuses == [200] * 8 + [429]
    refused = sign_in(attacker, victims[0].email, PASSWORD)
    assert "too many failed sign-ins from your network" in refused.content.decode()
    # The colleagues themselves, elsewhere, are not held back.
    assert sign_in(from_address(ALICE_AT_SCHOOL), victims[8].email, PASSWORD).status_code == 302


def test_a_right_password_does_not_use_up_the_allowance(alice):
    client = from_address(ALICE_AT_SCHOOL)
    for _ in range(8):
        assert sign_in(client, alice.email, PASSWORD).status_code == 302
        client.post(reverse("account_logout"))

    assert hammer(client, alice.email, 5) == [200] * 5


# --- Many addresses hammering one account ------------------------------------------------------------


def test_rotating_addresses_meet_the_account_ceiling_but_alice_gets_in_from_her_usual_address(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    alice_at_school = from_address(ALICE_AT_SCHOOL)
    assert sign_in(alice_at_school, alice.email, PASSWORD).status_code == 302  # she has signed in here before
    alice_at_school.post(reverse("account_logout"))

    statuses = [sign_in(from_address(f"192.0.2.{n}"), alice.email, "guess-wrong").status_code for n in range(1, 21)]
    assert statuses == [200] * 20  # one guess per address: no per-address limit is reached
    delayed = sign_in(from_address("192.0.2.99"), alice.email, "guess-wrong")
    assert delayed.status_code == 429
    assert 1 <= int(delayed["Retry-After"]) <= 15
    assert "must wait between attempts" in delayed.content.decode()
    # Even the right password waits at an address she never signed in from...
    alice_at_home = from_address("198.51.100.77")
    assert sign_in(alice_at_home, alice.email, PASSWORD).status_code == 429

    # ...but from school she signs in at once,
    assert sign_in(alice_at_school, alice.email, PASSWORD).status_code == 302
    assert get_user(alice_at_school) == alice
    # and from home the e-mailed code is never slowed down; after it, home is one of her addresses too.
    sign_in_by_code(alice_at_home, alice.email, mailoutbox, django_capture_on_commit_callbacks)
    assert get_user(alice_at_home) == alice
    alice_at_home.post(reverse("account_logout"))
    assert sign_in(alice_at_home, alice.email, PASSWORD).status_code == 302


def test_the_delay_past_the_account_ceiling_grows_with_each_failure_up_to_its_cap(alice, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_ACCOUNT_DELAY_SECONDS = 1
    settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS = 2
    addresses = (f"192.0.2.{n}" for n in range(1, 100))
    assert [sign_in(from_address(next(addresses)), alice.email, "wrong").status_code for _ in range(2)] == [200, 200]

    waits = []
    for _ in range(3):
        refused = sign_in(from_address(next(addresses)), alice.email, "wrong")
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
        time.sleep(waits[-1] + 0.05)
        assert sign_in(from_address(next(addresses)), alice.email, "wrong").status_code == 200

    assert waits == [1, 2, 2]


def test_a_password_reset_by_e_mail_clears_the_account_delay(
    alice, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for n in range(1, 4):
        sign_in(from_address(f"192.0.2.{n}"), alice.email, "wrong")
    alice_at_home = from_address("198.51.100.77")
    assert sign_in(alice_at_home, alice.email, PASSWORD).status_code == 429

    with django_capture_on_commit_callbacks(execute=True):
        alice_at_home.post(reverse("account_reset_password"), {"email": alice.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)
    form_url = alice_at_home.get(link)["Location"]
    alice_at_home.post(form_url, {"password1": "a-new-long-passphrase-9", "password2": "a-new-long-passphrase-9"})

    assert sign_in(alice_at_home, alice.email, "a-new-long-passphrase-9").status_code == 302


def test_alice_s_own_browser_gets_in_past_the_account_ceiling_when_her_home_address_changes(alice, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    laptop = from_address("198.51.100.77")
    assert sign_in(laptop, alice.email, PASSWORD).status_code == 302
    cookie = laptop.cookies[BROWSER_COOKIE]
    assert cookie["path"] == "/accounts/"  # never sent to the public comment pages
    assert cookie["httponly"]
    assert int(cookie["max-age"]) == 90 * 86400
    laptop.post(reverse("account_logout"))
    for n in range(1, 4):
        sign_in(from_address(f"192.0.2.{n}"), alice.email, "wrong")

    laptop.defaults["REMOTE_ADDR"] = "198.51.100.200"  # her provider hands her a new address
    # Another browser at that address waits; her laptop does not.
    assert sign_in(from_address("198.51.100.200"), alice.email, PASSWORD).status_code == 429
    assert sign_in(laptop, alice.email, PASSWORD).status_code == 302


def test_a_browser_vouches_only_for_accounts_that_signed_in_on_it(alice, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    mallory = UserFactory(email="mallory@district.example")
    attacker = from_address(ATTACKER)
    assert sign_in(attacker, mallory.email, PASSWORD).status_code == 302  # his own account: his own cookie
    attacker.post(reverse("account_logout"))
    for n in range(1, 4):
        sign_in(from_address(f"192.0.2.{n}"), alice.email, "wrong")

    attacker.defaults["REMOTE_ADDR"] = "192.0.2.50"
    assert sign_in(attacker, alice.email, "guess-wrong").status_code == 429
    attacker.cookies[BROWSER_COOKIE] = "forged-value"
    assert sign_in(attacker, alice.email, "guess-wrong").status_code == 429


# --- E-mailed codes: the way in that must stay open -------------------------------------------------------


def request_code(client: Client, email: str, capture) -> int:
    with capture(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": email})
    return response.status_code


def test_asking_for_codes_for_a_colleague_cannot_keep_her_from_getting_one(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    alice_at_school = from_address(ALICE_AT_SCHOOL)
    sign_in_by_code(alice_at_school, alice.email, mailoutbox, django_capture_on_commit_callbacks)
    alice_at_school.post(reverse("account_logout"))
    mailoutbox.clear()

    # Under allauth's default ("3/m/key") three requests a minute from anywhere shut her out.
    from_one = [request_code(from_address(ATTACKER), alice.email, django_capture_on_commit_callbacks) for _ in range(5)]
    rotating = [
        request_code(from_address(f"192.0.2.{n}"), alice.email, django_capture_on_commit_callbacks)
        for n in range(1, 16)
    ]

    assert from_one == [302] * 3 + [200] * 2  # 200: the form again, saying to try later
    refused = from_address(ATTACKER).post(reverse("account_request_login_code"), {"email": alice.email})
    assert "Too many e-mails have been asked for this address." in refused.content.decode()
    # 10 an hour in all from places the account never signed in from: her first, from school, was one.
    assert rotating.count(302) == 6
    assert len(mailoutbox) == 9  # her inbox is spared the rest
    sign_in_by_code(alice_at_school, alice.email, mailoutbox, django_capture_on_commit_callbacks)
    assert get_user(alice_at_school) == alice
    assert len(mailoutbox) == 10


def request_reset(client: Client, email: str, capture) -> int:
    with capture(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": email})
    return response.status_code


def test_asking_for_a_colleague_s_password_resets_neither_floods_nor_blocks_her(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    alice_at_school = from_address(ALICE_AT_SCHOOL)
    assert sign_in(alice_at_school, alice.email, PASSWORD).status_code == 302
    alice_at_school.post(reverse("account_logout"))

    # Under allauth's default ("5/m/key") that was 300 e-mails an hour, and none left for her.
    from_one = [
        request_reset(from_address(ATTACKER), alice.email, django_capture_on_commit_callbacks) for _ in range(4)
    ]
    rotating = [
        request_reset(from_address(f"192.0.2.{n}"), alice.email, django_capture_on_commit_callbacks)
        for n in range(1, 11)
    ]

    assert from_one == [302] * 3 + [200]
    assert rotating.count(302) == 2  # 5 an hour from places she never signed in from
    assert len(mailoutbox) == 5
    assert request_reset(alice_at_school, alice.email, django_capture_on_commit_callbacks) == 302
    assert len(mailoutbox) == 6 and mailoutbox[-1].to == [alice.email]


# --- Proxies -------------------------------------------------------------------------------------------


def test_with_one_trusted_proxy_two_clients_behind_it_are_counted_separately(alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    hammer(behind_proxy(ATTACKER), alice.email, 5)

    assert sign_in(behind_proxy(ATTACKER), alice.email, PASSWORD).status_code == 429
    assert sign_in(behind_proxy(ALICE_AT_SCHOOL), alice.email, PASSWORD).status_code == 302


def test_without_the_proxy_setting_everyone_behind_the_proxy_is_one_address(alice, settings):
    """Why TRUSTED_PROXY_COUNT must match the deployment: with 0 behind a proxy, the proxy is the client."""
    settings.TRUSTED_PROXY_COUNT = 0
    hammer(behind_proxy(ATTACKER), alice.email, 5)

    assert sign_in(behind_proxy(ALICE_AT_SCHOOL), alice.email, PASSWORD).status_code == 429


def test_spoofed_forwarded_hops_do_not_give_an_attacker_fresh_addresses(alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The attacker writes any X-Forwarded-For they like; our proxy appends the address it saw.
    statuses = [
        sign_in(behind_proxy(f"192.0.2.{n}, 198.51.100.{n}, {ATTACKER}"), alice.email, "wrong").status_code
        for n in range(1, 11)
    ]

    assert statuses == [200] * 5 + [429] * 5
    # Spoofing alice's own address on the left does not borrow her standing either.
    spoofed = behind_proxy(f"{ALICE_AT_SCHOOL}, {ATTACKER}")
    assert sign_in(spoofed, alice.email, PASSWORD).status_code == 429


def test_an_ipv6_client_cannot_step_through_its_own_slash_64(alice):
    statuses = [sign_in(from_address(f"2001:db8:1:2::{n:x}"), alice.email, "wrong").status_code for n in range(1, 8)]

    assert statuses == [200] * 5 + [429] * 2
    assert sign_in(from_address("2001:db8:1:3::1"), alice.email, PASSWORD).status_code == 302


# --- What is stored ------------------------------------------------------------------------------------


def test_the_throttle_stores_neither_addresses_nor_e_mail_addresses(alice):
    sign_in(from_address(ALICE_AT_SCHOOL), alice.email, PASSWORD)
    hammer(from_address(ATTACKER), alice.email, 6)

    # (allauth's own one-minute `login` limit keeps its plain "ip:..." key; that is not ours to change.)
    keys = [key for key in cache_keys() if ":signin:" in key]
    assert any(":signin:known:" in key for key in keys)
    assert any(":signin:pair:" in key for key in keys)
    for key in keys:
        for secret in (ATTACKER, ALICE_AT_SCHOOL, alice.email, "alice"):
            assert secret not in key
    client = cache._cache.get_client(write=False)
    for key in keys:
        if client.type(key) == b"string":
            value = client.get(key)
            assert ATTACKER.encode() not in value and b"alice" not in value
