from django.contrib import admin

from .models import RSVP, Meeting, Occurrence


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    fields = ["starts_at", "ends_at", "school", "address", "status", "sequence"]
    readonly_fields = ["sequence"]
    extra = 0
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "audience", "starts_at", "recurrence", "status", "sequence"]
    list_filter = ["audience", "status"]
    search_fields = ["title", "group__name"]
    list_select_related = ["group"]
    autocomplete_fields = ["school"]
    readonly_fields = ["uid", "sequence", "created_by", "created_at", "updated_at"]
    inlines = [OccurrenceInline]


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "starts_at", "ends_at", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting"]
    search_fields = ["meeting__title"]
    date_hierarchy = "starts_at"
    readonly_fields = ["uid", "sequence", "meeting"]


@admin.register(RSVP)
class RSVPAdmin(admin.ModelAdmin):
    # Replies name people: searchable for support, but no list of who goes to which group's meetings.
    list_display = ["occurrence", "response", "waitlist_position", "attended"]
    list_select_related = ["occurrence", "occurrence__meeting"]
    raw_id_fields = ["occurrence", "user"]
    list_filter = ["response"]
