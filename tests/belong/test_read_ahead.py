"""belong.cache.read_ahead: a signed-in page reads its person's user, the site settings and the header's
unread count in one round trip to Redis, and a write during the request is seen by the rest of it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from redis import Redis

from accounts import user_cache
from belong import cache as cache_module
from belong.models import SiteSettings
from belong.sessions import SessionStore
from spaces.services import unread_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _redis() -> Redis:
    return cache._cache.get_client(write=True)


class RedisCommands:
    """Records the commands the cache sends to Redis (and sends them)."""

    def __init__(self, monkeypatch) -> None:
        self.sent: list[tuple] = []
        real = Redis.execute_command

        def recording(client, *args, **options):
            self.sent.append(args)
            return real(client, *args, **options)

        monkeypatch.setattr(Redis, "execute_command", recording)

    def names(self) -> list[str]:
        return [str(args[0]).upper() for args in self.sent]

    def keys_of(self, command: str) -> list[str]:
        return [str(key) for args in self.sent if str(args[0]).upper() == command for key in args[1:]]


def test_it_answers_the_keys_from_what_it_read_at_the_start(monkeypatch):
    cache.set("read-ahead:a", "first")
    with cache_module.read_ahead(["read-ahead:a", "read-ahead:missing"]):
        commands = RedisCommands(monkeypatch)
        _redis().set(cache.make_key("read-ahead:a"), cache._cache._serializer.dumps("changed behind its back"))

        assert cache.get("read-ahead:a") == "first"
        assert cache.get("read-ahead:missing", "default") == "default"

    assert commands.names() == ["SET"]  # only the test's own write went to Redis
    assert cache.get("read-ahead:a") == "changed behind its back"


def test_it_sees_a_write_made_during_the_request():
    cache.set_many({"read-ahead:a": 1, "read-ahead:b": 2, "read-ahead:c": 3, "read-ahead:d": 4})
    keys = ["read-ahead:a", "read-ahead:b", "read-ahead:c", "read-ahead:d", "read-ahead:e"]
    with cache_module.read_ahead(keys):
        cache.set("read-ahead:a", 10)
        cache.delete("read-ahead:b")
        cache.delete_many(["read-ahead:c"])
        cache.incr("read-ahead:d")
        cache.add("read-ahead:e", "added")

        assert cache.get("read-ahead:a") == 10
        assert cache.get("read-ahead:b") is None
        assert cache.get("read-ahead:c") is None
        assert cache.get("read-ahead:d") == 5
        assert cache.get("read-ahead:e") == "added"


def test_it_reads_a_signed_in_pages_entries_in_one_round_trip(client, monkeypatch):
    person = UserFactory()
    client.force_login(person)
    client.get("/groups/")  # the person's entry and the site settings are cached from here on
    commands = RedisCommands(monkeypatch)

    assert client.get("/groups/").status_code == 200

    read_together = {user_cache.key_of(person.pk), SiteSettings.CACHE_KEY, unread_key(person.pk)}
    assert {key.split(":", 2)[2] for key in commands.keys_of("MGET")} >= read_together
    read_alone = {key.split(":", 2)[2] for key in commands.keys_of("GET")}
    assert not read_alone & read_together
    assert commands.names().count("MGET") == 1


def test_it_reads_nothing_of_a_signed_in_person_on_a_page_that_does_not_load_their_session(client, monkeypatch):
    """The public group list treats everyone as signed out and never loads the session: reading ahead must
    not load it either, nor refresh the idle time of the person's entries in Redis (that would date the
    visit for whoever reads the Redis data)."""
    person = UserFactory()
    client.force_login(person)
    client.get("/groups/")  # the person's entries are cached
    loads = []
    original_load = SessionStore.load
    monkeypatch.setattr(SessionStore, "load", lambda self: loads.append(1) or original_load(self))
    commands = RedisCommands(monkeypatch)

    assert client.get("/groups/public/").status_code == 200

    assert loads == []
    assert "MGET" not in commands.names()
    read = {str(key).split(":", 2)[-1] for args in commands.sent for key in args[1:]}
    assert not read & {user_cache.key_of(person.pk), unread_key(person.pk)}


def test_it_reads_nothing_ahead_for_a_visitor(client, monkeypatch):
    commands = RedisCommands(monkeypatch)

    client.get("/plans/")

    assert "MGET" not in commands.names()


def test_it_sees_a_persons_change_later_in_the_same_request(client):
    person = UserFactory(preferred_name="Sam")
    client.force_login(person)
    client.get("/groups/")

    with cache_module.read_ahead(cache_module.signed_in_keys(person.pk)):
        assert user_cache.get(person.pk).preferred_name == "Sam"
        person.preferred_name = "Samira"
        person.save()  # the user cache forgets the entry (accounts.signals)
        assert user_cache.get(person.pk) is None
