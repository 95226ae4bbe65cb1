"""The signed-in user arrives with the equity-director flag the menu needs, read fresh on every request."""

import pytest
from django.contrib.auth.models import Group as PermissionGroup
from django.urls import reverse

from accounts.backends import DirectorAwareAllauthBackend, DirectorAwareModelBackend
from accounts.models import EQUITY_DIRECTOR_GROUP
from tests.factories import DirectorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend_class", [DirectorAwareModelBackend, DirectorAwareAllauthBackend])
def test_it_loads_the_director_flag_with_the_user(backend_class, django_assert_num_queries):
    director, teacher = DirectorFactory(), UserFactory()
    backend = backend_class()
    with django_assert_num_queries(2):
        loaded_director = backend.get_user(director.pk)
        loaded_teacher = backend.get_user(teacher.pk)
    with django_assert_num_queries(0):
        assert loaded_director.is_equity_director is True
        assert loaded_teacher.is_equity_director is False


def test_it_refuses_an_unknown_or_deactivated_user():
    backend = DirectorAwareModelBackend()
    gone = UserFactory(is_active=False)
    assert backend.get_user(gone.pk) is None
    assert backend.get_user(10**9) is None


def test_it_applies_a_change_of_role_on_the_next_request(client):
    teacher = UserFactory()
    client.force_login(teacher)
    assert reverse("groups:overview") not in client.get("/me/").content.decode()

    teacher.groups.add(PermissionGroup.objects.get_or_create(name=EQUITY_DIRECTOR_GROUP)[0])
    assert reverse("groups:overview") in client.get("/me/").content.decode()

    teacher.groups.clear()
    assert reverse("groups:overview") not in client.get("/me/").content.decode()


def test_it_builds_the_same_user_as_the_orm_field_for_field(django_assert_num_queries):
    # The backend reads the user with a hand-written statement (belong.rows): every column, converted as the
    # ORM converts it, so nothing differs from User.objects.get().
    from accounts import user_cache
    from accounts.models import User
    from tests.factories import SchoolFactory

    teacher = UserFactory(preferred_name="Sam", school=SchoolFactory(), preferred_language="es")
    user_cache.forget(teacher.pk)
    with django_assert_num_queries(1):
        loaded = DirectorAwareModelBackend().get_user(teacher.pk)
    expected = User.objects.get(pk=teacher.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
        assert type(getattr(loaded, field.attname)) is type(getattr(expected, field.attname)), field.name
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert loaded.check_password("not it") is False  # the password hash is there, not deferred


@pytest.mark.parametrize("user_id", ["", "abc", "1.5", None, "99999999999999999999"])
def test_it_signs_nobody_in_from_a_session_id_that_is_not_a_user(user_id):
    assert DirectorAwareModelBackend().get_user(user_id) is None
