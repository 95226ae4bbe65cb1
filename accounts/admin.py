from __future__ import annotations

import secrets

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import StaffImportForm
from .models import School, User
from .staff_import import roster_import  # an HR CSV, or any format an app registers (OneRoster)

# The checked file waits here between the preview and the confirmation (Redis: any web process sees it).
PENDING_IMPORT_KEY = "accounts:staff-import:{token}"
PENDING_IMPORT_SECONDS = 3600
PREVIEW_NAMES = 100


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "address"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "job_role", "school", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "job_role", "school", "groups"]
    list_select_related = ["school"]
    search_fields = ["email", "full_name", "preferred_name"]
    readonly_fields = ["last_login", "date_joined", "imported_at", "welcomed_at"]
    change_list_template = "accounts/admin/user_change_list.html"
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Person"), {"fields": ["full_name", "preferred_name", "preferred_language"]}),
        (
            gettext_lazy("Employment (from the HR import)"),
            {"fields": ["job_role", "school", "hire_date", "imported_at"]},
        ),
        (
            gettext_lazy("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("History"), {"fields": ["last_login", "date_joined", "welcomed_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="accounts_user_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import_staff": request.user.has_perm("accounts.import_staff")}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Upload → preview (a dry run: counts, names, every problem) → confirm → the real import."""
        if not request.user.has_perm("accounts.import_staff"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import staff from HR"),
        }
        if request.method == "POST" and request.POST.get("token"):
            return self._confirm_import(request, context)
        form = StaffImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            content = form.cleaned_data["file"].read()
            full = form.cleaned_data["full"]
            result = roster_import(content, full=full, dry_run=True)
            context["result"] = result
            if result.ok:
                token = secrets.token_urlsafe(24)
                cache.set(
                    PENDING_IMPORT_KEY.format(token=token),
                    {"user_id": request.user.id, "content": content, "full": full},
                    PENDING_IMPORT_SECONDS,
                )
                context.update(token=token, preview_limit=PREVIEW_NAMES)
        context["form"] = form
        return TemplateResponse(request, "accounts/admin/staff_import.html", context)

    def _confirm_import(self, request, context):
        key = PENDING_IMPORT_KEY.format(token=request.POST["token"])
        pending = cache.get(key)
        if not pending or pending["user_id"] != request.user.id:
            messages.error(request, _("That preview has expired. Upload the file again."))
            return redirect("admin:accounts_user_import")
        result = roster_import(pending["content"], full=pending["full"], dry_run=False, actor=request.user)
        cache.delete(key)
        if not result.ok:
            # The district changed between preview and confirmation (e.g. a school was removed).
            context.update(result=result, form=StaffImportForm())
            return TemplateResponse(request, "accounts/admin/staff_import.html", context)
        messages.success(request, _("Staff imported. %(summary)s") % {"summary": result.summary()})
        return redirect(reverse("admin:accounts_user_changelist"))
