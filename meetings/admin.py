"""Meetings in the admin: read-only, for support. Changes are made in the portal.

Editing a date in the admin would bypass the service that raises the calendar SEQUENCE and e-mails
everyone invited (their calendars would keep the old time), so the admin shows each meeting with a link
to the portal's edit page, where the same rules apply to leads and the director. Confidential groups'
meetings and replies are not listed for anyone, superusers included: a count says how many are left out.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin  # language tabs (settings: MODELTRANSLATION_*)

from belong.admin_privacy import (
    register_confidential_audit_rows,
    register_confidential_outbox_rows,
    register_private_model,
)

from .models import RSVP, Meeting, Occurrence

register_private_model(RSVP)


def _confidential_occurrence_rows() -> Q:
    """Audit rows about a confidential group's meeting date (its attendance sheets name who came)."""
    # A subquery, not a list: a confidential group may have years of dates.
    ids = (
        Occurrence.objects.filter(meeting__group__is_confidential=True)
        .annotate(text_id=Cast("pk", CharField()))
        .values("text_id")
    )
    return Q(object_type__in=["occurrence", "meetings.Occurrence", "meetings.occurrence"], object_id__in=ids)


register_confidential_audit_rows(_confidential_occurrence_rows)


def _confidential_meeting_mail() -> Q:
    """Outbox rows about a confidential group's meeting: notices, changes, reminders, waitlist news."""
    meetings = list(Meeting.objects.filter(group__is_confidential=True).values_list("pk", flat=True))
    if not meetings:
        return Q(pk__in=[])
    dates = list(Occurrence.objects.filter(meeting_id__in=meetings).values_list("pk", flat=True))
    replies = list(RSVP.objects.filter(occurrence__meeting_id__in=meetings).values_list("pk", flat=True))
    return Q(context__meeting_id__in=meetings) | Q(context__occurrence_id__in=dates) | Q(context__rsvp_id__in=replies)


register_confidential_outbox_rows(_confidential_meeting_mail)


class ReadOnlyInPortal:
    """View only, for everyone: the portal's pages change meetings through the meetings services.

    The delete permission itself stays (a superuser deleting a group or a person takes their meetings and
    replies along); only deleting these rows directly is refused, as cancelling is the portal's job.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions


def _with_subtitle(extra_context, subtitle: str | None) -> dict | None:
    return {**(extra_context or {}), "subtitle": subtitle} if subtitle else extra_context


class OccurrenceInline(ReadOnlyInPortal, admin.TabularInline):
    model = Occurrence
    fields = ["starts_at", "ends_at", "school", "address", "status", "sequence"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyInPortal, TabbedTranslationAdmin):
    list_display = ["title", "group", "audience", "starts_at", "recurrence", "status", "sequence"]
    list_filter = ["audience", "status"]
    search_fields = ["title", "group__name"]
    list_select_related = ["group"]
    readonly_fields = ["edit_in_portal", "uid", "sequence", "created_by", "created_at", "updated_at"]
    inlines = [OccurrenceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(Q(group__isnull=True) | Q(group__is_confidential=False))

    def changelist_view(self, request, extra_context=None):
        hidden = Meeting.objects.filter(group__is_confidential=True).count()
        subtitle = (
            ngettext(
                "%(count)d meeting of confidential groups is not listed; their leads manage them in the portal.",
                "%(count)d meetings of confidential groups are not listed; their leads manage them in the portal.",
                hidden,
            )
            % {"count": hidden}
            if hidden
            else None
        )
        extra_context = _with_subtitle(extra_context, subtitle)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("change"))
    def edit_in_portal(self, obj):
        if obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("meetings:edit_meeting", args=[obj.pk]),
            _("Edit or cancel in the portal (everyone invited hears about it)"),
        )


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyInPortal, admin.ModelAdmin):
    list_display = ["meeting", "starts_at", "ends_at", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting"]
    search_fields = ["meeting__title"]
    date_hierarchy = "starts_at"
    readonly_fields = ["edit_in_portal", "uid", "sequence", "meeting"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(Q(meeting__group__isnull=True) | Q(meeting__group__is_confidential=False))
        )

    def changelist_view(self, request, extra_context=None):
        hidden = Occurrence.objects.filter(meeting__group__is_confidential=True).count()
        subtitle = (
            ngettext(
                "%(count)d date of confidential groups' meetings is not listed.",
                "%(count)d dates of confidential groups' meetings are not listed.",
                hidden,
            )
            % {"count": hidden}
            if hidden
            else None
        )
        extra_context = _with_subtitle(extra_context, subtitle)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("change"))
    def edit_in_portal(self, obj):
        if obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("meetings:edit_occurrence", args=[obj.pk]),
            _("Edit or cancel this date in the portal (everyone invited hears about it)"),
        )


@admin.register(RSVP)
class RSVPAdmin(ReadOnlyInPortal, admin.ModelAdmin):
    # Replies name people: viewable for support, but no list of who goes to which group's meetings, and
    # nothing at all about a confidential group's meetings. Read-only: a reply moves the waitlist, which
    # only the meetings services do.
    list_display = ["occurrence", "response", "waitlist_position", "attended"]
    list_select_related = ["occurrence", "occurrence__meeting"]
    raw_id_fields = ["occurrence", "user"]
    list_filter = ["response"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(Q(occurrence__meeting__group__isnull=True) | Q(occurrence__meeting__group__is_confidential=False))
        )

    def changelist_view(self, request, extra_context=None):
        hidden = RSVP.objects.filter(occurrence__meeting__group__is_confidential=True).count()
        subtitle = (
            ngettext(
                "%(count)d reply to confidential groups' meetings is not listed.",
                "%(count)d replies to confidential groups' meetings are not listed.",
                hidden,
            )
            % {"count": hidden}
            if hidden
            else None
        )
        extra_context = _with_subtitle(extra_context, subtitle)
        return super().changelist_view(request, extra_context)
