from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Public comments")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import emails  # noqa: F401 - registers the e-mail kinds
        from .models import Topic
        from .selectors import forget_open_topic_names

        def topic_changed(**kwargs) -> None:
            forget_open_topic_names()

        post_save.connect(topic_changed, sender=Topic, dispatch_uid="comments.open_topic_names.save", weak=False)
        post_delete.connect(topic_changed, sender=Topic, dispatch_uid="comments.open_topic_names.delete", weak=False)
