"""The signed-in user comes from the cache, and every change to them reaches the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as PermissionGroup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import user_cache
from accounts.models import EQUITY_DIRECTOR_GROUP, User
from accounts.staff_import import staff_import
from tests.factories import PASSWORD, UserFactory

from .factories import person, roster_csv

pytestmark = pytest.mark.django_db(transaction=True)


def _tables_read(client, path: str) -> str:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_it_reads_neither_session_nor_user_from_the_database_once_cached(client):
    teacher = UserFactory()
    client.force_login(teacher)
    first = _tables_read(client, "/me/")
    assert '"accounts_user"' in first and '"django_session"' not in first  # the session came from Redis

    again = _tables_read(client, "/me/")
    assert '"django_session"' not in again and 'FROM "accounts_user"' not in again


def test_it_shows_a_new_preferred_name_on_the_next_request(client):
    teacher = UserFactory(preferred_name="Sam")
    client.force_login(teacher)
    assert "Profile (Sam)" in client.get("/me/").content.decode()

    teacher.preferred_name = "Samira"
    teacher.save(update_fields=["preferred_name"])
    assert "Profile (Samira)" in client.get("/me/").content.decode()


def test_it_applies_the_director_role_given_from_either_side(client):
    teacher = UserFactory()
    client.force_login(teacher)
    overview = reverse("groups:overview")
    assert overview not in client.get("/me/").content.decode()

    directors, _created = PermissionGroup.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)
    directors.user_set.add(teacher)
    assert overview in client.get("/me/").content.decode()

    directors.user_set.clear()
    assert overview not in client.get("/me/").content.decode()

    directors.user_set.add(teacher)
    assert overview in client.get("/me/").content.decode()
    directors.name = "Former directors"
    directors.save()
    assert overview not in client.get("/me/").content.decode()


def test_it_signs_out_someone_deactivated_by_the_hr_import_at_once(client, school):
    leaver = UserFactory(email="leaver@district.example", school=school)
    client.force_login(leaver)
    assert client.get("/me/").status_code == 200
    assert user_cache.get(leaver.pk) is not None

    # A full import without them deactivates them with QuerySet.update(), which sends no signal.
    result = staff_import(roster_csv([person(1, school)]), full=True, dry_run=False)
    assert result.ok, result.errors
    assert not User.objects.get(pk=leaver.pk).is_active

    response = client.get("/me/")
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_it_ends_every_other_session_when_the_password_changes(client, django_user_model):
    from django.test import Client

    teacher = UserFactory()
    other_device = Client()
    other_device.force_login(teacher)
    client.force_login(teacher)
    assert other_device.get("/me/").status_code == 200  # now cached

    teacher.set_password(PASSWORD + "-new")
    teacher.save()

    assert other_device.get("/me/").status_code == 302  # the session's password hash no longer matches


def test_it_forgets_the_session_on_sign_out(client):
    teacher = UserFactory()
    client.force_login(teacher)
    session_key = client.cookies["sessionid"].value
    assert client.get("/me/").status_code == 200

    client.post(reverse("account_logout"))

    from django.test import Client

    stolen = Client()
    stolen.cookies["sessionid"] = session_key
    assert stolen.get("/me/").status_code == 302


def test_it_never_caches_a_deactivated_person():
    gone = UserFactory(is_active=False)
    from accounts.backends import DirectorAwareModelBackend

    assert DirectorAwareModelBackend().get_user(gone.pk) is None
    assert user_cache.get(gone.pk) is None


def test_it_keeps_no_password_hash_in_redis(client, django_user_model):
    """Redis is a place an attacker may read: the cached entry holds the session hash, never the password's."""
    from django.core.cache import cache

    from accounts import user_cache

    person = UserFactory()
    person.set_password("a-long-enough-passphrase")
    person.save()
    client.force_login(person)
    client.get("/me/")
    entry = cache.get(f"auth:user:v3:{person.pk}")
    assert entry is not None
    assert "password" not in entry["fields"]
    assert person.password not in repr(entry)
    cached = user_cache.get(person.pk)
    assert "password" not in cached.__dict__
    assert cached.get_session_auth_hash() == person.get_session_auth_hash()
    # What really needs the password reads it from the database.
    assert cached.check_password("a-long-enough-passphrase")


def test_it_lets_a_cached_user_change_their_password_and_stay_signed_in(client):
    """The old password is checked against the database's hash (the cache has none), and the new session hash
    comes from the new password, so the person stays signed in and other sessions end."""
    person = UserFactory()
    person.set_password("the-first-passphrase-1")
    person.save()
    client.force_login(person)
    assert client.get("/me/").status_code == 200  # now cached
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "the-first-passphrase-1",
            "password1": "the-second-passphrase-2",
            "password2": "the-second-passphrase-2",
        },
    )
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200
    person.refresh_from_db()
    assert person.check_password("the-second-passphrase-2")
