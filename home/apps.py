from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home page. It sits on top of every app (it may read any of them); no app imports it."""

    name = "home"
    verbose_name = _("Home")
