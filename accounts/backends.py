"""Authentication backends that load the signed-in user with their equity-director flag in one query.

Every page's menu asks `user.is_equity_director`; answering it from the query that loads the user saves a
query on every signed-in request. The flag is read fresh on each request, so a change of role applies at once.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from .models import EQUITY_DIRECTOR_GROUP


def _load_user(backend: ModelBackend, user_id):
    User = get_user_model()
    director = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=EQUITY_DIRECTOR_GROUP)
    try:
        user = User._default_manager.annotate(_is_equity_director=Exists(director)).get(pk=user_id)
    except User.DoesNotExist:
        return None
    return user if backend.user_can_authenticate(user) else None


class DirectorAwareModelBackend(ModelBackend):
    def get_user(self, user_id):
        return _load_user(self, user_id)


class DirectorAwareAllauthBackend(AuthenticationBackend):
    def get_user(self, user_id):
        return _load_user(self, user_id)
