from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("Group spaces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from belong.admin_privacy import register_private_model
        from belong.cache import read_ahead_for_signed_in

        from . import emails  # noqa: F401  (registers the e-mail kinds with the outbox)
        from .services import unread_key

        read_ahead_for_signed_in(lambda user_id: [unread_key(user_id)])  # the header's count
        from .models import Announcement, Notification, NotificationPreference, Post, Report, Resource, Thread

        # Each of these ties a person to a group: no admin may look people up through them.
        for model in (Announcement, Thread, Post, Report, Resource, Notification, NotificationPreference):
            register_private_model(model)

        from groups.signals import request_decided
        from meetings.signals import meeting_changed

        from . import receivers

        request_decided.connect(receivers.on_request_decided, dispatch_uid="spaces.request_decided")
        meeting_changed.connect(receivers.on_meeting_changed, dispatch_uid="spaces.meeting_changed")
