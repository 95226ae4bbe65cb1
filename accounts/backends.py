"""Authentication backends that load the signed-in user with their equity-director flag in one query.

Every page's menu asks `user.is_equity_director`; answering it from the query that loads the user saves a
query on every signed-in request. The user and the flag are then kept in the cache (accounts.user_cache),
which forgets them whenever the person or their permission groups change, so most requests load nobody.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from . import user_cache
from .models import EQUITY_DIRECTOR_GROUP


def _load_user(backend: ModelBackend, user_id):
    cached = user_cache.get(user_id)
    if cached is not None and backend.user_can_authenticate(cached):
        return cached
    User = get_user_model()
    director = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=EQUITY_DIRECTOR_GROUP)
    try:
        user = User._default_manager.annotate(_is_equity_director=Exists(director)).get(pk=user_id)
    except User.DoesNotExist:
        return None
    if not backend.user_can_authenticate(user):
        return None
    user_cache.put(user)
    return user


class DirectorAwareModelBackend(ModelBackend):
    def get_user(self, user_id):
        return _load_user(self, user_id)


class DirectorAwareAllauthBackend(AuthenticationBackend):
    def get_user(self, user_id):
        return _load_user(self, user_id)
