from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin  # language tabs (settings: MODELTRANSLATION_*)
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream


class PlanYearInline(admin.TabularInline):
    model = PlanYear
    extra = 0


@admin.register(Plan)
class PlanAdmin(TabbedTranslationAdmin, SimpleHistoryAdmin):
    list_display = ["title", "start_year", "end_year", "approval_status", "approved_on", "is_published"]
    list_filter = ["is_published", "approval_status"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PlanYearInline]


@admin.register(PlanYear)
class PlanYearAdmin(TabbedTranslationAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "starts_on", "ends_on"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


@admin.register(Workstream)
class WorkstreamAdmin(TabbedTranslationAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "plan", "year", "parent", "weight"]
    list_filter = ["plan", "kind"]
    list_select_related = ["plan", "year", "parent"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["parent"]


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    can_delete = False
    fields = ["reported_on", "new_status", "new_percent", "text", "author"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # Updates move the item's status: they are posted from the portal or the update admin.
        return False


@admin.register(ActionItem)
class ActionItemAdmin(TabbedTranslationAdmin, SimpleHistoryAdmin):
    list_display = ["title", "workstream", "owner_body", "due_on", "status", "percent_complete", "weight"]
    list_filter = ["status", "workstream__plan"]
    list_select_related = ["workstream"]
    search_fields = ["title", "description", "owner_body"]
    autocomplete_fields = ["workstream", "owner"]
    filter_horizontal = ["groups"]
    inlines = [ProgressUpdateInline]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(TabbedTranslationAdmin, SimpleHistoryAdmin):
    list_display = ["reported_on", "item", "new_status", "new_percent", "author"]
    list_filter = ["new_status", "item__workstream__plan"]
    list_select_related = ["item", "author"]
    autocomplete_fields = ["item"]
    readonly_fields = ["author"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new update goes through the service so the item moves with it.
        created = services.progress_update_post(
            item=obj.item,
            author=request.user,
            reported_on=obj.reported_on,
            text=obj.text,
            status=obj.new_status,
            percent=obj.new_percent,
        )
        obj.pk = created.pk


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(TabbedTranslationAdmin, SimpleHistoryAdmin):
    list_display = ["name", "workstream", "unit", "baseline", "target", "direction"]
    list_select_related = ["workstream"]
    search_fields = ["name"]
    inlines = [MeasurementInline]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "measured_on", "value"]
    list_select_related = ["indicator"]
    date_hierarchy = "measured_on"
