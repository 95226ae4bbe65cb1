from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from django.urls import reverse

        from belong import mail
        from belong.cache import read_ahead_for_signed_in

        from . import (
            emails,  # noqa: F401 - registers the e-mail kinds
            user_cache,
        )
        from .signals import connect_user_cache

        # Every message a recipient may opt out of links to this app's one-click unsubscribe page.
        mail.set_unsubscribe_page(lambda token: reverse("accounts:unsubscribe", args=[token]))
        connect_user_cache()
        read_ahead_for_signed_in(lambda user_id: [user_cache.key_of(user_id)])
