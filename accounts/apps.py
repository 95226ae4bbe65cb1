from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from . import emails  # noqa: F401 - registers the e-mail kinds
        from .signals import connect_user_cache

        connect_user_cache()
