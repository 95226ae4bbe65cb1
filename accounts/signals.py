"""Signals other apps listen to. accounts only sends them."""

from django.dispatch import Signal

# Sent once after a real (not dry-run) HR import has committed, with sender=accounts.models.User and:
#   created_ids: list[int]  people new to the district (accounts created by this import)
#   changed_ids: list[int]  people already known (reactivated or not) whose job_role or school changed
staff_imported = Signal()


def connect_user_cache() -> None:
    """Forget a cached signed-in user (accounts.user_cache) whenever their row or permission groups change."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group as PermissionGroup
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    from . import user_cache

    User = get_user_model()

    def user_changed(sender, instance, **kwargs):
        user_cache.forget(instance.pk)

    def groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_") and action != "pre_clear":
            return
        if not reverse:  # user.groups.add(...): one person
            user_cache.forget(instance.pk)
        elif pk_set:  # group.user_set.add(...): these people
            user_cache.forget(*pk_set)
        else:  # group.user_set.clear(): whoever was in it, read before the rows go
            user_cache.forget(*instance.user_set.values_list("pk", flat=True))

    def permission_group_changed(sender, instance, **kwargs):
        # A renamed or deleted group may be (or stop being) the equity directors' one.
        user_cache.forget(*User.groups.through.objects.filter(group_id=instance.pk).values_list("user_id", flat=True))

    post_save.connect(user_changed, sender=User, dispatch_uid="accounts.user_cache.save", weak=False)
    post_delete.connect(user_changed, sender=User, dispatch_uid="accounts.user_cache.delete", weak=False)
    m2m_changed.connect(
        groups_changed, sender=User.groups.through, dispatch_uid="accounts.user_cache.groups", weak=False
    )
    post_save.connect(
        permission_group_changed, sender=PermissionGroup, dispatch_uid="accounts.user_cache.pg_save", weak=False
    )
    pre_delete.connect(
        permission_group_changed, sender=PermissionGroup, dispatch_uid="accounts.user_cache.pg_del", weak=False
    )
