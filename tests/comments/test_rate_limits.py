import pytest
from django.core.cache import cache

from comments.models import Comment

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.44"


def cache_keys() -> list[str]:
    return [key.decode() for key in cache._cache.get_client(write=False).keys("*")]


def test_it_limits_submissions_per_address_without_storing_the_address(submit, settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 2
    assert submit(REMOTE_ADDR=ADDRESS).status_code == 200
    assert submit(REMOTE_ADDR=ADDRESS).status_code == 200
    refused = submit(REMOTE_ADDR=ADDRESS, body="My third comment.")
    assert refused.status_code == 429
    assert "Too many comments" in refused.content.decode()
    assert "My third comment." in refused.content.decode()  # nothing typed is lost
    assert Comment.objects.count() == 2
    # Someone else is not held back by that.
    assert submit(REMOTE_ADDR="192.0.2.45").status_code == 200

    keys = cache_keys()
    assert any(":comments:rl:submit:" in key for key in keys)
    for key in keys:
        assert ADDRESS not in key
        assert "192.0.2.45" not in key
        assert ADDRESS.replace(".", "") not in key


def test_it_keys_on_the_forwarded_address_only_behind_trusted_proxies(submit, settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    assert submit(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 200
    assert submit(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200
    assert submit(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429


def test_it_keeps_the_rate_limit_secret_only_in_the_cache_for_about_a_day(submit):
    submit(REMOTE_ADDR=ADDRESS)
    secret_keys = [key for key in cache_keys() if ":comments:rl-secret:" in key]
    assert len(secret_keys) == 1
    client = cache._cache.get_client(write=False)
    assert 0 < client.ttl(secret_keys[0]) <= 2 * 86400


def test_it_limits_receipt_lookups_the_same_way(client, settings, db):
    settings.COMMENT_RECEIPT_RATE_LIMIT_COUNT = 3
    for _ in range(3):
        assert client.post("/comment/receipt/", {"code": "1111-2222-3333-4444"}, REMOTE_ADDR=ADDRESS).status_code == 200
    refused = client.post("/comment/receipt/", {"code": "1111-2222-3333-4444"}, REMOTE_ADDR=ADDRESS)
    assert refused.status_code == 429
    assert "Too many codes" in refused.content.decode()
    assert all(ADDRESS not in key for key in cache_keys())
