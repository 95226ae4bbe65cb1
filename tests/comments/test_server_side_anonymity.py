"""The anonymity of the comment form against the district's own servers, tested as the attack.

The attacker holds everything the servers keep: every Redis key in the cache's database with its value
and expiry, the secrets (so the per-window salts in Redis too), and a dump of the comments table. They
try to narrow a comment's writer to fewer than 65,536 IPv4 addresses (or IPv6 /48s), or its time to
better than the hour.
"""

import ipaddress
import random
import time
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from redis.exceptions import ResponseError

from comments import protection
from comments.models import Comment

pytestmark = pytest.mark.django_db

HOUR_MS = 3600 * 1000
# Public unicast IPv4 space, give or take: 2^32 minus private, loopback, multicast, reserved (~0.6 billion).
PUBLIC_IPV4 = 3_700_000_000

WRITERS = [
    {"REMOTE_ADDR": "203.0.113.77"},
    {"REMOTE_ADDR": "198.51.100.23"},
    {"REMOTE_ADDR": "2001:db8:1234:5678::1"},
    {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.150"},
]


def redis():
    return cache._cache.get_client(write=True)


def expires_at_ms(client, key) -> int:
    """When `key` expires, in ms since the epoch: exact from Redis 7's PEXPIRETIME; on the older Redis that
    scripts/run and scripts/test embed when no server is given, from PTTL, to within a second."""
    try:
        return client.pexpiretime(key)
    except ResponseError:
        return round(time.time() * 1000) + client.pttl(key)


def on_the_hour(ms: int) -> bool:
    """Within a second of an hour boundary (exactly on it when PEXPIRETIME answered)."""
    return min(ms % HOUR_MS, HOUR_MS - ms % HOUR_MS) <= 1000


def dump_redis() -> dict[str, dict]:
    """What an operator (or anyone with the server) sees: SCAN every key, its value and its expiry."""
    client = redis()
    dump = {}
    for raw in client.scan_iter("*"):
        kind = client.type(raw).decode()
        value = {
            "string": client.get,
            "hash": client.hgetall,
            "set": client.smembers,
        }.get(kind, lambda key: None)(raw)
        dump[raw.decode()] = {
            "type": kind,
            "value": value,
            "pttl": client.pttl(raw),
            "expires_at_ms": expires_at_ms(client, raw),
        }
    return dump


def comment_rows() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM comments_comment")
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def comment_keys(dump) -> dict[str, dict]:
    return {key: entry for key, entry in dump.items() if ":comments:" in key}


@pytest.fixture
def sent(submit, settings):
    # The last writer is behind our proxy (TRUSTED_PROXY_COUNT is the project-wide name for this).
    settings.COMMENT_TRUSTED_PROXY_COUNT = settings.TRUSTED_PROXY_COUNT = 1
    for number, meta in enumerate(WRITERS):
        response = submit(body=f"Comment {number}.", **meta)
        assert response.status_code == 200, response.content.decode()[:500]
    # The same IPv6 writer rotating through their /48 is still one bucket, not a fresh allowance.
    submit(body="Comment from the same /48.", REMOTE_ADDR="2001:db8:1234:ffff::9")
    assert Comment.objects.count() == len(WRITERS) + 1


def test_it_keeps_no_address_only_buckets_of_at_least_65536_addresses(sent, settings):
    dump = comment_keys(dump_redis())
    limits = [entry for key, entry in dump.items() if ":comments:rl:submit:" in key]
    assert len(limits) == 1, dump.keys()
    counters = limits[0]["value"]
    salt = counters[b"salt"]
    buckets = {int(field[1:]): int(count) for field, count in counters.items() if field.startswith(b"b")}
    assert sum(buckets.values()) == len(WRITERS) + 1
    assert set(counters) - {b"salt", b"all", b"unverified"} == {b"b%d" % bucket for bucket in buckets}

    bits = protection.bucket_bits()
    assert bits <= 16
    assert all(0 <= bucket < 2**bits for bucket in buckets)  # bucket space of at most 16 bits

    # Nothing in Redis is an address, in any spelling, or its full hash.
    everything = repr(dump)
    for meta in WRITERS:
        for address in meta.values():
            for spelling in (address, ipaddress.ip_address(address.split(",")[0]).packed.hex()):
                assert spelling not in everything

    # The attacker, salt in hand, maps each real writer to its bucket ...
    writers = ["203.0.113.77", "198.51.100.23", "2001:db8:1234:5678::1", "192.0.2.150"]
    for address in writers:
        assert protection.address_bucket(salt, address) in buckets
    assert protection.address_bucket(salt, "2001:db8:1234:ffff::9") == protection.address_bucket(
        salt, "2001:db8:1234:5678::1"
    )
    # ... and enumerates candidates: a random sample of the public IPv4 space, extrapolated to all of it.
    rng = random.Random(2026)  # a sample, not a secret
    sample = []
    while len(sample) < 2**19:
        candidate = ipaddress.IPv4Address(rng.getrandbits(32))
        if candidate.is_global:
            sample.append(str(candidate))
    for address in writers[:2] + writers[3:]:
        target = protection.address_bucket(salt, address)
        matches = sum(1 for candidate in sample if protection.address_bucket(salt, candidate, bits) == target)
        remaining = matches / len(sample) * PUBLIC_IPV4
        assert remaining >= 65_536, (address, matches)
    # IPv6: the bucket holds 2^(48 - bits) /48 networks, each of 2^80 addresses.
    assert 2 ** (48 - bits) >= 65_536


def test_it_caps_the_bucket_bits_at_16_whatever_the_setting(settings):
    settings.COMMENT_ADDRESS_BUCKET_BITS = 32
    assert protection.bucket_bits() == 16
    salt = b"s" * 32
    assert max(protection.address_bucket(salt, f"198.51.{n // 256}.{n % 256}") for n in range(4096)) < 2**16


def test_it_dates_a_submission_only_to_the_hour_in_redis_and_the_database(sent):
    dump = comment_keys(dump_redis())
    assert dump, "the submissions left keys to examine"
    now_ms = int(time.time() * 1000)
    for key, entry in dump.items():
        # Every key the form writes expires exactly on an hour boundary: its TTL reveals the hour only.
        assert entry["expires_at_ms"] > now_ms, key
        assert on_the_hour(entry["expires_at_ms"]), (key, entry["expires_at_ms"])
        # Key names carry an hour (window) number, never a finer time.
        window = int(key.rsplit(":", 1)[1])
        assert window * 3600 <= time.time() + 86400 + 3600
        # Values hold no timestamps: salts, small counts and random nonces.
        values = entry["value"]
        if entry["type"] == "hash":
            for field, value in values.items():
                assert field == b"salt" or int(value) <= len(WRITERS) + 1, (key, field)
        elif entry["type"] == "set":
            assert all(len(member) == 16 for member in values)  # token_urlsafe(12): random, not a time
        else:
            pytest.fail(f"unexpected {entry['type']} key {key}")
    kinds = {key.split(":comments:")[1].rsplit(":", 1)[0] for key in dump}
    assert kinds == {"rl:submit", "form-used"}, kinds

    # The comments table: only dates, no time of day, no address, and nothing else datable.
    for row in comment_rows():
        for column, value in row.items():
            assert not hasattr(value, "hour"), column  # no datetime or time column
        assert row["submitted_on"] == date.today() or abs((row["submitted_on"] - date.today()).days) <= 1


def test_it_does_not_let_the_nonce_store_date_a_submission(submit, settings):
    """A page shown now and sent 40 minutes later: the spent token's key dates the page's hour, not the send."""
    issued = int(time.time()) - 40 * 60
    from django.core import signing

    token = signing.dumps({"n": "n" * 16, "t": issued, "d": 8}, salt=protection._TOKEN_SALT)
    assert submit(token=token).status_code == 200
    client = redis()
    (key,) = list(client.scan_iter("*form-used*"))
    assert int(key.decode().rsplit(":", 1)[1]) == issued // 3600
    assert on_the_hour(expires_at_ms(client, key))
    assert expires_at_ms(client, key) >= (issued + settings.COMMENT_FORM_MAX_AGE_SECONDS) * 1000 - 1000


def test_it_refuses_a_reused_proof_of_work(submit, topic):
    token = protection.new_form_token()
    solution = protection.solve_pow(protection.read_form_token(token))
    assert submit(token=token, pow=solution).status_code == 200
    again = submit(token=token, pow=solution, body="The same form again.")
    assert "This form was already sent" in again.content.decode()
    assert "The same form again." in again.content.decode()
    assert Comment.objects.count() == 1


def test_it_checks_the_proof_of_work_on_the_server(settings):
    settings.COMMENT_POW_DIFFICULTY = 12
    token = protection.read_form_token(protection.new_form_token())
    other = protection.read_form_token(protection.new_form_token())
    solution = protection.solve_pow(token)
    assert protection.pow_solved(token, solution)
    assert token.difficulty == 12
    # A solution is good only for its own token's challenge, and junk is not a solution.
    assert not all(protection.pow_solved(other, str(int(solution) + n)) for n in range(3))
    for junk in ("", "-1", "1e9", "x" * 5000, "\uff11\uff12", "0" * 13):
        assert not protection.pow_solved(token, junk)


def test_it_accepts_forms_without_javascript_under_a_stricter_global_limit(submit, settings):
    settings.COMMENT_UNVERIFIED_GLOBAL_LIMIT = 2
    assert submit(pow="", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert submit(pow="", REMOTE_ADDR="192.0.2.2").status_code == 200
    refused = submit(pow="", REMOTE_ADDR="192.0.2.3", body="Sent without JavaScript.")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "JavaScript switched off" in page
    assert "Sent without JavaScript." in page  # nothing typed is lost
    # A wrong solution counts as none; a browser that solved the challenge still gets through.
    assert submit(pow="12345", REMOTE_ADDR="192.0.2.4").status_code == 429
    assert submit(REMOTE_ADDR="192.0.2.5").status_code == 200
    assert Comment.objects.count() == 3


def test_it_caps_submissions_from_all_addresses_per_window(submit, settings):
    settings.COMMENT_GLOBAL_LIMIT = 3
    for number in range(3):
        assert submit(REMOTE_ADDR=f"198.51.100.{number + 1}").status_code == 200
    refused = submit(REMOTE_ADDR="203.0.113.9", body="One too many.")
    assert refused.status_code == 429
    assert "Very many comments are arriving right now" in refused.content.decode()
    assert "One too many." in refused.content.decode()


def test_it_answers_refusals_in_the_page_language(submit, settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 1
    submit(REMOTE_ADDR="192.0.2.8", HTTP_ACCEPT_LANGUAGE="es")
    refused = submit(REMOTE_ADDR="192.0.2.8", HTTP_ACCEPT_LANGUAGE="es", body="Mi comentario.")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert 'lang="es"' in page
    assert "Too many comments have been sent" not in page  # the Spanish text, not the English
    assert "Mi comentario." in page


def test_it_gives_the_page_a_challenge_for_its_script(client, topic):
    page = client.get("/comment/").content.decode()
    token = protection.read_form_token(page.split('name="form_token" value="', 1)[1].split('"', 1)[0])
    assert f'data-pow-challenge="{token.challenge}"' in page
    assert f'data-pow-difficulty="{token.difficulty}"' in page
    assert 'role="status"' in page
    assert "js/comments-pow.js" in page


def test_it_keeps_pages_working_when_redis_is_down(submit, settings):
    """Redis down: limits lapse (logged) but nobody's comment is refused or answered with a 500."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = submit(REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 200


def physical_order() -> list:
    """The rows in the order the table file holds them, which is the order a dump writes them in."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text FROM comments_comment ORDER BY ctid")
        return cursor.fetchall()


def test_it_numbers_form_comments_by_day_with_no_order_inside_the_day(submit):
    for number in range(12):
        assert submit(body=f"Comment {number}.", REMOTE_ADDR=f"192.0.2.{number}").status_code == 200
    arrival = [f"Comment {number}." for number in range(12)]
    by_number = list(Comment.objects.order_by("sequence").values_list("body", flat=True))
    assert sorted(by_number) == sorted(arrival)
    assert by_number != arrival  # 1 in 12! that a random numbering keeps the order of arrival
    today = int(date.today().strftime("%Y%m%d"))
    for comment in Comment.objects.all():
        assert abs(comment.sequence // 1_000_000 - today) <= 1
        assert comment.number == f"{comment.sequence // 1_000_000}-{comment.sequence % 1_000_000:06d}"


def test_it_blurs_the_order_of_arrival_the_database_itself_keeps(transactional_db, topic):
    from comments import services, tasks

    arrival = [
        services.comment_submit(topic=topic, body=f"Comment {number}.", language="en").comment.pk
        for number in range(30)
    ]
    # The attack before the hourly task: each row's transaction id gives the order of arrival (and
    # orders it against every other table's timestamped rows); a dump lists rows in file order, which
    # follows arrival wherever the table had no free space to fill.
    before = physical_order()
    assert [row[0] for row in sorted(before, key=lambda row: int(row[1]))] == arrival

    assert tasks.blur_submission_order.apply().get() == 30

    after = physical_order()
    assert [row[0] for row in after] == sorted(arrival)  # the random UUID order, not arrival
    assert len({row[1] for row in after}) == 1  # one transaction id for all of them


def test_it_does_not_let_one_busy_address_use_up_everyone_s_ceiling(submit, settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 1
    settings.COMMENT_GLOBAL_LIMIT = 2
    assert submit(REMOTE_ADDR="198.51.100.1").status_code == 200
    for _ in range(5):
        assert submit(REMOTE_ADDR="198.51.100.1").status_code == 429
    assert submit(REMOTE_ADDR="203.0.113.1").status_code == 200


def test_it_lets_page_views_hide_when_the_last_comment_came_from_redis_idle_time(submit, client):
    """Redis keeps each key's last access (OBJECT IDLETIME); a view of the form touches the window's keys."""
    assert submit(REMOTE_ADDR="192.0.2.60").status_code == 200
    keys = list(redis().scan_iter("*:comments:*"))
    time.sleep(2.1)
    assert all(redis().object("idletime", key) >= 2 for key in keys)
    client.get("/comment/")
    assert all(redis().object("idletime", key) < 2 for key in keys)
