import hashlib

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin  # language tabs (settings: MODELTRANSLATION_*)

from . import branding, delivery
from .admin_privacy import audit_rows_to_hide, outbox_rows_to_hide
from .models import AuditLog, OutboxMessage, SiteSettings, SuppressedAddress


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that lists and shows, never adds, changes or deletes: those go through services, which
    check and audit-log them (the apps' read-only admins use it too)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SiteSettingsForm(forms.ModelForm):
    """The site settings, with the logo as an upload (checked by content) and the colour checked for
    contrast with white text (belong/branding.py)."""

    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("A PNG, JPEG, GIF or WebP image up to 1 MB, shown in the header beside the portal's name."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = SiteSettings
        fields = ["district_name", "non_discrimination_statement", "contact_email", "contact_name", "primary_color"]
        widgets = {"primary_color": forms.TextInput(attrs={"size": 8, "pattern": "#?[0-9a-fA-F]{6}"})}

    def clean_primary_color(self) -> str:
        return branding.normalize_primary_color(self.cleaned_data.get("primary_color") or "")

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return branding.read_logo(upload) if upload else None

    def save(self, commit=True):
        settings_row = super().save(commit=False)
        new_logo = self.cleaned_data.get("logo_upload")
        if new_logo:
            data, content_type = new_logo
            settings_row.logo = data
            settings_row.logo_content_type = content_type
            settings_row.logo_digest = hashlib.blake2b(data, digest_size=8).hexdigest()
        elif self.cleaned_data.get("remove_logo"):
            settings_row.logo, settings_row.logo_content_type, settings_row.logo_digest = b"", "", ""
        if commit:
            settings_row.save()
        return settings_row


@admin.register(SiteSettings)
class SiteSettingsAdmin(TabbedTranslationAdmin):
    form = SiteSettingsForm
    fieldsets = [
        (None, {"fields": ["district_name", "non_discrimination_statement", "contact_email", "contact_name"]}),
        (_("Branding"), {"fields": ["primary_color", "logo_upload", "remove_logo"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("logo")

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


OUTBOX_HIDDEN = ("context", "batch", "dedupe_key")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Delivery status for whoever runs the portal: who was e-mailed, when, and what went wrong.

    The stored context is never shown: its group and meeting IDs beside an address would tell an
    administrator who belongs to a confidential group, which not even superusers may see. The same goes
    for the batch (one batch is one group's mail: filtering by it lists the group) and the dedupe key
    (it names the meeting): hidden, and refused as URL lookups like the context (belong.admin_privacy).
    Messages about a confidential group are not listed at all: their addresses are its members and leads.
    """

    list_display = ["id", "kind", "to_email", "status", "attempts", "resends", "reply_code", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "kind"]
    exclude = list(OUTBOX_HIDDEN)
    hidden_fields = OUTBOX_HIDDEN
    readonly_fields = [*(f.name for f in OutboxMessage._meta.fields if f.name not in OUTBOX_HIDDEN), "context_keys"]
    show_full_result_count = False

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        hidden = outbox_rows_to_hide()
        return rows if hidden is None else rows.exclude(hidden)

    def changelist_view(self, request, extra_context=None):
        hidden = outbox_rows_to_hide()
        count = OutboxMessage.objects.filter(hidden).count() if hidden is not None else 0
        if count:
            extra_context = {
                **(extra_context or {}),
                "subtitle": ngettext(
                    "%(count)d message about confidential groups is not listed: its address names a member.",
                    "%(count)d messages about confidential groups are not listed: their addresses name members.",
                    count,
                )
                % {"count": count},
            }
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("context (names only)"))
    def context_keys(self, obj) -> str:
        return ", ".join(sorted(obj.context)) if isinstance(obj.context, dict) else ""


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(ReadOnlyAdmin):
    """The addresses the outbox no longer sends to; clearing one (the mailbox is fixed) goes through the
    service, which audit-logs who did it (an action, not "delete selected")."""

    list_display = ["email", "reply_code", "source", "reason", "created_at"]
    list_filter = ["source"]
    search_fields = ["email"]
    readonly_fields = ["email", "reason", "reply_code", "source", "created_at", "message"]
    actions = ["clear"]
    show_full_result_count = False

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
class AuditLogAdmin(ReadOnlyAdmin):
    """Who did what. Rows about a confidential group (a lead's roster export, an attendance sheet) are
    left out for everyone, superusers included: their actor is one of the group's leads. A count says
    how many are kept out of view."""

    list_display = ["created_at", "actor", "action", "object_type", "object_id", "purpose"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    hidden_fields = ("detail",)
    readonly_fields = ["created_at", "actor", "action", "object_type", "object_id", "purpose", "detail"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        hidden = audit_rows_to_hide()
        return rows if hidden is None else rows.exclude(hidden)

    def changelist_view(self, request, extra_context=None):
        hidden = audit_rows_to_hide()
        count = AuditLog.objects.filter(hidden).count() if hidden is not None else 0
        if count:
            extra_context = {
                **(extra_context or {}),
                "subtitle": ngettext(
                    "%(count)d entry about confidential groups is not listed: it names their leads.",
                    "%(count)d entries about confidential groups are not listed: they name their leads.",
                    count,
                )
                % {"count": count},
            }
        return super().changelist_view(request, extra_context)
