"""One reading of the client address for all of Belong (belong/net.py), driven by TRUSTED_PROXY_COUNT."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import get_ip
from django.test import RequestFactory

from belong.net import address_block, client_address
from comments.protection import client_address as comments_client_address

BASE_DIR = Path(__file__).resolve().parents[2]


def request(remote: str = "10.0.0.2", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **extra)


def test_it_ignores_x_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 192.0.2.9, 203.0.113.7", "203.0.113.7"),  # spoofed hops to the left are ignored
        (2, "198.51.100.1, 203.0.113.7, 10.1.1.1", "203.0.113.7"),  # CDN then our proxy
        (1, "203.0.113.7:51234", "203.0.113.7"),  # some load balancers add the port
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, " 2001:DB8::7 ", "2001:db8::7"),
        (1, "::ffff:203.0.113.7", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2"),  # fewer hops than proxies: reached gunicorn directly
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_it_takes_the_hop_our_outermost_proxy_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_address(request(forwarded=forwarded)) == expected


def test_allauth_and_the_comment_form_read_the_same_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    seen = request(forwarded="198.51.100.1, 203.0.113.7")

    assert get_adapter(seen).get_client_ip(seen) == "203.0.113.7"
    assert get_ip(seen) == "203.0.113.7"  # allauth's own rate limits (sign-up, reset, codes)
    assert comments_client_address(seen) == "203.0.113.7"


def test_a_short_forwarded_header_does_not_answer_500_in_allauth(settings):
    # allauth's own reader raises ImproperlyConfigured here.
    settings.TRUSTED_PROXY_COUNT = 3
    seen = request(forwarded="203.0.113.7")

    assert get_adapter(seen).get_client_ip(seen) == "10.0.0.2"


def test_rate_limits_count_ipv6_by_its_slash_64():
    assert address_block("2001:db8:1:2::7") == address_block("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert address_block("203.0.113.7") == "203.0.113.7"


def _settings_in_a_fresh_process(**env) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TRUSTED_PROXY_COUNT", "COMMENT_TRUSTED_PROXY_COUNT"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="belong.settings", DEBUG="true", **env)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", code],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip() + "\n" + result.stderr


def test_one_setting_drives_every_reader_and_the_old_name_still_works_with_a_warning():
    assert _settings_in_a_fresh_process(TRUSTED_PROXY_COUNT="1").startswith("1 1\n")

    old = _settings_in_a_fresh_process(COMMENT_TRUSTED_PROXY_COUNT="2")
    assert old.startswith("2 2\n")
    assert "COMMENT_TRUSTED_PROXY_COUNT is deprecated" in old
    # docker-compose.yml passes the old name through empty when it is not set: no warning then.
    passed_through = _settings_in_a_fresh_process(TRUSTED_PROXY_COUNT="1", COMMENT_TRUSTED_PROXY_COUNT="")
    assert passed_through.startswith("1 1\n")
    assert "deprecated" not in passed_through
