from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BelongConfig(AppConfig):
    name = "belong"
    verbose_name = _("Belong portal")

    def ready(self) -> None:
        # The outbox queues its delivery task by name; importing the tasks here registers it in every
        # process (web, worker, shell), so an eager run (tests, local) finds it too.
        from . import tasks  # noqa: F401
        from .cache import read_ahead_for_signed_in

        read_ahead_for_signed_in(_site_settings_key)


def _site_settings_key(user_id: int) -> list[str]:
    from .models import SiteSettings

    return [SiteSettings.CACHE_KEY]
