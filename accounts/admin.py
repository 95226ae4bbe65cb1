from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import School, User


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
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "preferred_name", "preferred_language"]}),
        (_("Employment (from the HR import)"), {"fields": ["job_role", "school", "hire_date", "imported_at"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("History"), {"fields": ["last_login", "date_joined", "welcomed_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
