from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_staff_imported(sender, *, created_ids=(), changed_ids=(), **kwargs):
    from .services import staff_imported_handle

    staff_imported_handle(created_ids=created_ids, changed_ids=changed_ids)


def _on_person_deleted(sender, *, instance, **kwargs):
    from .services import deleted_person_leaves_count

    deleted_person_leaves_count(user=instance)


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Belong groups")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from . import emails  # noqa: F401 - registers the e-mail kinds

        # A person deleted (in the admin, say) leaves their groups: the growth chart counts it.
        pre_delete.connect(_on_person_deleted, sender=get_user_model(), dispatch_uid="groups.on_person_deleted")

        # The HR import lives in accounts and knows nothing of groups: it announces, groups listens.
        from accounts.signals import staff_imported

        staff_imported.connect(_on_staff_imported, dispatch_uid="groups.on_staff_imported")
