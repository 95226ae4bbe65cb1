from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import delivery
from .models import AuditLog, OutboxMessage, SiteSettings, SuppressedAddress


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Delivery status for whoever runs the portal: who was e-mailed, when, and what went wrong.

    The stored context is never shown: its group and meeting IDs beside an address would tell an
    administrator who belongs to a confidential group, which not even superusers may see.
    """

    list_display = ["id", "kind", "to_email", "status", "attempts", "resends", "reply_code", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "kind"]
    exclude = ["context"]
    readonly_fields = [*(f.name for f in OutboxMessage._meta.fields if f.name != "context"), "context_keys"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("context (names only)"))
    def context_keys(self, obj) -> str:
        return ", ".join(sorted(obj.context)) if isinstance(obj.context, dict) else ""


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    """The addresses the outbox no longer sends to; clearing one (the mailbox is fixed) is audit-logged."""

    list_display = ["email", "reply_code", "source", "reason", "created_at"]
    list_filter = ["source"]
    search_fields = ["email"]
    readonly_fields = ["email", "reason", "reply_code", "source", "created_at", "message"]
    actions = ["clear"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # clearing goes through the service, which logs who did it (no "delete selected")

    @admin.action(description=_("Clear: try e-mail to these addresses again"), permissions=["clear"])
    def clear(self, request, queryset):
        cleared = 0
        for entry in queryset:
            delivery.suppression_clear(suppressed=entry, by=request.user)
            cleared += 1
        self.message_user(
            request,
            ngettext("%(count)d address cleared.", "%(count)d addresses cleared.", cleared) % {"count": cleared},
        )

    def has_clear_permission(self, request):
        return request.user.has_perm("belong.delete_suppressedaddress")  # superusers, or whom it is granted


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id", "purpose"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    readonly_fields = ["created_at", "actor", "action", "object_type", "object_id", "purpose", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
