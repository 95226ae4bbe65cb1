from django import forms
from django.contrib import admin
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from belong.admin_privacy import (
    register_confidential_audit_rows,
    register_confidential_outbox_rows,
    register_private_model,
)
from meetings.models import Meeting

from . import services
from .models import CertificateSettings, FeedbackGiven, PublishedReply

# Who answered a meeting's feedback ties a person to the meeting's group.
register_private_model(FeedbackGiven)


def _confidential_meeting_rows() -> Q:
    """Audit rows about a confidential group's series (credit hours set by its lead name the lead)."""
    ids = (
        Meeting.objects.filter(group__is_confidential=True).annotate(text_id=Cast("pk", CharField())).values("text_id")
    )
    return Q(object_type="meeting", object_id__in=ids)


register_confidential_audit_rows(_confidential_meeting_rows)


def _feedback_requests() -> Q:
    """Feedback requests name who attended, and once sent their context (with the meeting) is dropped, so
    a confidential group's cannot be told apart: the admin leaves them all out."""
    return Q(kind="impact.feedback_request")


register_confidential_outbox_rows(_feedback_requests)


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(admin.ModelAdmin):
    """The district's wording for participation records. Feedback rows are not in the admin: answers are
    read only as averages from five up, on the leads' pages and in the annual report."""

    list_display = ["__str__", "awards_credit", "signatory"]

    # No "only if none exists" add check: it would cost a query on every admin page's sidebar, and the
    # model keeps a single row whatever is added (save() always writes row 1).

    def has_delete_permission(self, request, obj=None):
        return False


class PublishedReplyForm(forms.ModelForm):
    class Meta:
        model = PublishedReply
        fields = ["comment", "plan_items"]

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        if not comment.publish_consent:
            raise forms.ValidationError(_("The writer did not agree to this comment being quoted."))
        if not comment.reply.strip():
            raise forms.ValidationError(_("Reply to the comment before publishing it."))
        return comment


@admin.register(PublishedReply)
class PublishedReplyAdmin(admin.ModelAdmin):
    """The director picks replies for "You said, we did"; saving and removing go through impact.services."""

    form = PublishedReplyForm
    list_display = ["__str__", "published_on"]
    raw_id_fields = ["comment", "plan_items"]

    def get_readonly_fields(self, request, obj=None):
        return ["comment"] if obj else []

    def save_model(self, request, obj, form, change):
        entry = services.reply_publish(
            comment=form.cleaned_data.get("comment", obj.comment if change else None),
            plan_items=list(form.cleaned_data["plan_items"]),
            by=request.user,
        )
        obj.pk = entry.pk

    def save_related(self, request, form, formsets, change):
        # The service set the plan items already.
        return None

    def delete_model(self, request, obj):
        services.reply_unpublish(entry=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.reply_unpublish(entry=entry, by=request.user)
