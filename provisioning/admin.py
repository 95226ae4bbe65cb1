from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import services
from .models import JobTitleMapping, ScimIdentity, ScimScope, ScimToken


class SuperuserOnly:
    """SCIM tokens can create and deactivate anyone: only superusers see them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit log keeps pointing at the token


class ScimTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=ScimScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ScimScope.READ, ScimScope.WRITE],
    )

    class Meta:
        model = ScimToken
        fields = ["name", "scopes"]


@admin.register(ScimToken)
class ScimTokenAdmin(SuperuserOnly, admin.ModelAdmin):
    form = ScimTokenForm
    list_display = ["name", "prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name", "scopes"] if obj is None else ["name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["name", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        # Creation goes through the service, which draws the secret; the admin never sees a hash to save.
        obj_token, raw = services.scim_token_create(
            name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], by=request.user
        )
        obj.pk = obj_token.pk
        request._scim_token_secret = raw

    def response_add(self, request, obj, post_url_continue=None):
        return TemplateResponse(
            request,
            "provisioning/admin/token_created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "token": obj,
                "secret": request._scim_token_secret,
                "title": _("SCIM token created"),
            },
            headers={"Cache-Control": "no-store"},
        )

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.scim_token_revoke(token=token, by=request.user)
        count = queryset.count()
        messages.success(
            request, ngettext("%(count)s token revoked.", "%(count)s tokens revoked.", count) % {"count": count}
        )


@admin.register(JobTitleMapping)
class JobTitleMappingAdmin(admin.ModelAdmin):
    list_display = ["title", "job_role"]
    list_filter = ["job_role"]
    search_fields = ["title"]


@admin.register(ScimIdentity)
class ScimIdentityAdmin(SuperuserOnly, admin.ModelAdmin):
    """What the identity provider calls each person; written by SCIM only, so read-only here."""

    list_display = ["user_name", "user", "external_id", "updated_at", "removed_at"]
    list_filter = [("removed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user_name", "external_id", "user__email"]
    readonly_fields = [
        "user",
        "user_name",
        "external_id",
        "attributes",
        "version",
        "created_at",
        "updated_at",
        "removed_at",
    ]

    def has_add_permission(self, request):
        return False
