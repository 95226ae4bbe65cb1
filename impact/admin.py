from django.contrib import admin
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from belong.admin_privacy import register_confidential_audit_rows, register_private_model
from groups.meetings.models import Meeting

from .models import CertificateSettings, FeedbackGiven

# Who answered a meeting's feedback ties a person to the meeting's group.
register_private_model(FeedbackGiven)


def _confidential_meeting_rows() -> Q:
    """Audit rows about a confidential group's series (credit hours set by its lead name the lead)."""
    ids = (
        Meeting.objects.filter(group__is_confidential=True).annotate(text_id=Cast("pk", CharField())).values("text_id")
    )
    return Q(object_type="meeting", object_id__in=ids)


register_confidential_audit_rows(_confidential_meeting_rows)


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(admin.ModelAdmin):
    """The district's wording for participation records. Feedback rows are not in the admin: answers are
    read only as averages from five up, on the leads' pages and in the annual report."""

    list_display = ["__str__", "awards_credit", "signatory"]

    def has_add_permission(self, request):
        return not CertificateSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
