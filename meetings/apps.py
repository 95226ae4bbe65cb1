from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    label = "meetings"
    verbose_name = _("Meetings and events")

    def ready(self) -> None:
        from groups.selectors import register_upcoming_meetings

        from . import emails  # noqa: F401 - registers the e-mail kinds
        from .selectors import upcoming_for_group

        # Groups lists a group's next meetings without importing this app (it must not: meetings builds on
        # groups); the listing is the anonymous one, as on the group page and in the welcome e-mail.
        register_upcoming_meetings(upcoming_for_group)
