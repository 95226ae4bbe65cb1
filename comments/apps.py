from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Public comments")

    def ready(self) -> None:
        from . import emails  # noqa: F401 - registers the e-mail kinds
