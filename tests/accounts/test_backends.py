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
