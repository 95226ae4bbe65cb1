"""The admin never shows, filters, searches or exports who belongs to a confidential group.

Not the equity director, not superusers: only a confidential group's own leads see its roster, on the
roster page. Three pieces keep the admin to that, whatever an admin class declares:

- `PrivateLookupsMixin` refuses URL lookups and search paths that reach a hidden field, a JSON field
  (its keys are arbitrary: `?context__group_id=7` would list a group's mail) or a model registered as
  private (a membership or a meeting reply names a person next to a group). Django answers a refused
  lookup with 400 (DisallowedModelAdminLookup).
- `BelongAdminSite` mixes it into every registered admin, third-party ones included, so a new admin
  cannot forget it.
- Apps register what is private (`private_models`) and which audit rows and outbox messages concern a
  confidential group (`confidential_audit_rows`, `confidential_outbox_rows`); `belong` itself depends on
  no app.

The querysets themselves (a confidential group's memberships, replies, meetings) are filtered by each
app's admin, which knows its models.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import JSONField, Model, Q
from django.db.models.constants import LOOKUP_SEP
from django.utils.text import capfirst

# "app_label.ModelName" of models whose rows tie a person to a group; an admin lookup may never go
# through a relation to them (another model's admin filtering by them). Filled by the apps' admin modules.
private_models: set[str] = set()

# Callables returning a Q of AuditLog rows about a confidential group, registered by the apps.
confidential_audit_rows: list[Callable[[], Q]] = []


# Callables returning a Q of OutboxMessage rows about a confidential group (their recipients are its
# members or leads), registered by the apps that write such mail.
confidential_outbox_rows: list[Callable[[], Q]] = []


def register_private_model(model: type[Model]) -> None:
    private_models.add(model._meta.label)


def register_confidential_audit_rows(rows: Callable[[], Q]) -> None:
    confidential_audit_rows.append(rows)


def register_confidential_outbox_rows(rows: Callable[[], Q]) -> None:
    confidential_outbox_rows.append(rows)


def _any_of(registered: list[Callable[[], Q]]) -> Q | None:
    hidden = None
    for rows in registered:
        hidden = rows() if hidden is None else hidden | rows()
    return hidden


def audit_rows_to_hide() -> Q | None:
    return _any_of(confidential_audit_rows)


def outbox_rows_to_hide() -> Q | None:
    return _any_of(confidential_outbox_rows)


def lookup_is_safe(model: type[Model], lookup: str, hidden: set[str]) -> bool:
    """False when `lookup` (a filter or search path) starts at a hidden field, reads a JSON field, or goes
    through a relation to a private model."""
    opts = model._meta
    for index, part in enumerate(lookup.split(LOOKUP_SEP)):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return True  # a lookup or transform name ("exact", "year"): the path ended on a safe field
        if index == 0 and ({field.name, getattr(field, "attname", None)} & hidden):
            return False
        if isinstance(field, JSONField):
            return False
        if not field.is_relation or field.related_model is None:
            return True
        target = field.related_model
        if target._meta.label in private_models:
            return False
        opts = target._meta
    return True


class PrivateLookupsMixin:
    """Refuses lookups and search fields that reach hidden fields or private relations (see the module)."""

    # Fields an admin never shows nor filters by, beyond `exclude`.
    hidden_fields: tuple[str, ...] = ()

    def _hidden_fields(self) -> set[str]:
        return set(self.exclude or ()) | set(self.hidden_fields)

    def lookup_allowed(self, lookup, value, request=None):
        if not lookup_is_safe(self.model, lookup, self._hidden_fields()):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        hidden = self._hidden_fields()
        searched = super().get_search_fields(request)
        return [name for name in searched if lookup_is_safe(self.model, name.lstrip("^=@"), hidden)]

    def get_deleted_objects(self, objs, request):
        """The delete confirmation lists what goes with the objects; when that includes private rows (a
        group's memberships, a person's replies), it lists only the objects themselves and the counts."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        private_names = {str(apps.get_model(label)._meta.verbose_name_plural) for label in private_models}
        if private_names & {str(name) for name in model_count}:
            deleted = [f"{capfirst(obj._meta.verbose_name)}: {obj}" for obj in objs]
        return deleted, model_count, perms_needed, protected


class BelongAdminSite(admin.AdminSite):
    """The default admin site, with the private-lookups rule in every ModelAdmin registered on it."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, PrivateLookupsMixin):
            admin_class = type(
                admin_class.__name__, (PrivateLookupsMixin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)
