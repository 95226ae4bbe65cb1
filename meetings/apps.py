from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    label = "meetings"
    verbose_name = _("Meetings and events")

    def ready(self) -> None:
        from . import emails  # noqa: F401 - registers the e-mail kinds
