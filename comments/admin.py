"""The equity director's review of public comments, in the Django admin.

Only people with `comments.review_comment` (the "Equity director" group, and superusers) see any of it;
other staff get 403. Opening a comment or exporting comments writes an audit row.
The list is built for hundreds of thousands of rows: no full COUNT, one join, indexed filters and order.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.paginator import Paginator
from django.db.models import Count, Q, Value
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from belong.csv_export import csv_lines

from . import hidden, services
from .access import can_review
from .models import Comment, CommentNote, Relationship, Tag, Topic

Status = Comment.Status


class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows (a LIMITed subquery), so paging a huge table never scans all of it.

    Beyond the cap the last pages are not reachable; narrowing the list with a filter brings them back.
    """

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return min(self.object_list[: self.cap + 1].count(), self.cap)


class ReviewerOnly:
    """Everything in this app is visible only to reviewers."""

    def has_module_permission(self, request):
        return can_review(request.user)

    def has_view_permission(self, request, obj=None):
        return can_review(request.user)

    def has_change_permission(self, request, obj=None):
        return can_review(request.user)

    def has_add_permission(self, request, *args):
        return can_review(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_review(request.user)


class CommentNoteInline(ReviewerOnly, admin.StackedInline):
    model = CommentNote
    extra = 1
    fields = ["body", "author_name", "written_on"]
    readonly_fields = ["author_name", "written_on"]


EXPORT_HEADER = [
    "number",
    "id",
    "sent_on",
    "topic",
    "language",
    "status",
    "status_changed_on",
    "closed_on",
    "tags",
    "comment",
    "reply",
    "replied_on",
    "legal_hold",
    "identity_disclosed",
    "name",
    "email",
    "relationship",
]


EXPORT_COLUMNS = [
    "sequence",
    "pk",
    "submitted_on",
    "topic__name",
    "language",
    "status",
    "status_changed_on",
    "closed_on",
    "tag_names",
    "body",
    "reply",
    "replied_on",
    "legal_hold",
    "identity_disclosed",
    "disclosed_name",
    "disclosed_email",
    "disclosed_relationship",
]


def export_rows(queryset):
    """CSV lines for the selected comments: plain values and one array of tag names per row, streamed."""
    rows = (
        queryset.order_by("-sequence")
        .annotate(tag_names=ArrayAgg("tags__name", filter=Q(tags__isnull=False), default=Value([])))
        .values_list(*EXPORT_COLUMNS)
    )
    relationships = dict(Relationship.choices)
    # The BOM lets spreadsheet programs read UTF-8; belong.csv_export neutralises formula-looking cells.
    return csv_lines(EXPORT_HEADER, _export_values(rows, relationships), bom=True)


def _export_values(rows, relationships):
    for row in rows.iterator(chunk_size=2000):
        values = dict(zip(EXPORT_COLUMNS, row, strict=True))
        disclosed = values["identity_disclosed"]
        values["tag_names"] = "; ".join(sorted(values["tag_names"]))
        if disclosed:
            values["disclosed_relationship"] = relationships.get(values["disclosed_relationship"], "")
        else:  # empty by constraint already; never exported for an anonymous comment all the same
            values["disclosed_name"] = values["disclosed_email"] = values["disclosed_relationship"] = ""
        yield [values[column] for column in EXPORT_COLUMNS]


@admin.register(Comment)
class CommentAdmin(ReviewerOnly, admin.ModelAdmin):
    list_display = [
        "number",
        "excerpt",
        "topic",
        "status",
        "language",
        "submitted_on",
        "identity_disclosed",
        "has_reply",
        "tag_list",
        "legal_hold",
    ]
    list_display_links = ["number", "excerpt"]
    list_filter = [
        "status",
        "topic",
        "language",
        "identity_disclosed",
        "tags",
        "tags__workstream",
        "legal_hold",
        "submitted_on",
    ]
    list_select_related = ["topic"]
    search_fields = ["body", "reply", "disclosed_name", "disclosed_email"]
    ordering = ["-sequence"]
    sortable_by = ["number"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    actions = ["mark_in_review", "mark_answered", "mark_closed", "mark_new", "export_csv"]
    inlines = [CommentNoteInline]
    fieldsets = [
        (None, {"fields": ["number", "topic", "submitted_on", "language", "body_for_review"]}),
        (
            _("Writer"),
            {
                "fields": [
                    "identity_disclosed",
                    "name_for_review",
                    "disclosed_email",
                    "disclosed_relationship",
                ]
            },
        ),
        (_("Review"), {"fields": ["status", "tags", "legal_hold", "reply"]}),
        (_("Dates"), {"fields": ["status_changed_on", "replied_on", "closed_on"]}),
    ]
    readonly_fields = [
        "number",
        "topic",
        "submitted_on",
        "language",
        "body_for_review",
        "identity_disclosed",
        "name_for_review",
        "disclosed_email",
        "disclosed_relationship",
        "status_changed_on",
        "replied_on",
        "closed_on",
    ]

    def has_add_permission(self, request, *args):
        return False  # comments come only from the public form

    def has_delete_permission(self, request, obj=None):
        return can_review(request.user) and not (obj is not None and obj.is_held)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # bulk delete would skip the legal-hold check
        return actions

    @admin.display(description=_("Number"), ordering="sequence")
    def number(self, obj):
        return obj.number

    @admin.display(description=_("Comment"))
    def excerpt(self, obj):
        # Markers, not the characters: a right-to-left override would otherwise disguise the excerpt.
        return Truncator(hidden.reveal_text(obj.body)).chars(80)

    @admin.display(description=_("Comment"))
    def body_for_review(self, obj):
        count = hidden.hidden_count(obj.body)
        if not count:
            return hidden.reveal_html(obj.body)
        note = ngettext(
            "This comment contains %(count)d hidden formatting character. It is shown as a marker like ⟦U+202E⟧ "
            "so that it cannot disguise the text; the comment is stored as it was written.",
            "This comment contains %(count)d hidden formatting characters. They are shown as markers like "
            "⟦U+202E⟧ so that they cannot disguise the text; the comment is stored as it was written.",
            count,
        ) % {"count": count}
        return format_html('<p class="errornote" role="note">{}</p>{}', note, hidden.reveal_html(obj.body))

    @admin.display(description=_("name (disclosed)"))
    def name_for_review(self, obj):
        return hidden.reveal_text(obj.disclosed_name)

    @admin.display(description=_("Replied"), boolean=True)
    def has_reply(self, obj):
        return bool(obj.reply)

    @admin.display(description=_("Tags"))
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            services.comment_access_record(actor=request.user, action="comments.view", object_id=str(object_id))
        return response

    def save_model(self, request, obj, form, change):
        had_reply = Comment.objects.filter(pk=obj.pk).values_list("reply", flat=True).first() or ""
        comment = services.comment_review(
            comment_id=obj.pk,
            status=form.cleaned_data["status"],
            reply=form.cleaned_data["reply"],
            legal_hold=form.cleaned_data["legal_hold"],
        )
        obj.__dict__.update({f.attname: getattr(comment, f.attname) for f in Comment._meta.concrete_fields})
        if comment.reply and comment.reply != had_reply:
            if comment.disclosed_email:
                self.message_user(request, _("The reply is on the receipt page and is being e-mailed to the writer."))
            else:
                self.message_user(request, _("The reply is on the receipt page. The writer gave no e-mail address."))

    def save_formset(self, request, form, formset, change):
        if formset.model is not CommentNote:
            return super().save_formset(request, form, formset, change)
        notes = formset.save(commit=False)
        for note in formset.deleted_objects:
            note.delete()
        for note in notes:
            if note.pk:
                note.save()
            else:
                services.comment_note_add(
                    comment=form.instance, body=note.body, author_name=request.user.get_full_name()
                )
        return None

    def _set_status(self, request, queryset, status):
        changed = services.comment_set_status(comment_ids=queryset.values("pk"), status=status)
        self.message_user(
            request,
            ngettext("%(count)d comment changed.", "%(count)d comments changed.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected comments as in review"), permissions=["change"])
    def mark_in_review(self, request, queryset):
        self._set_status(request, queryset, Status.IN_REVIEW)

    @admin.action(description=_("Mark selected comments as answered"), permissions=["change"])
    def mark_answered(self, request, queryset):
        self._set_status(request, queryset, Status.ANSWERED)

    @admin.action(description=_("Close selected comments"), permissions=["change"])
    def mark_closed(self, request, queryset):
        self._set_status(request, queryset, Status.CLOSED)

    @admin.action(description=_("Reopen selected comments as new"), permissions=["change"])
    def mark_new(self, request, queryset):
        self._set_status(request, queryset, Status.NEW)

    @admin.action(description=_("Export selected comments as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        services.comment_access_record(actor=request.user, action="comments.export", detail={"count": queryset.count()})
        response = StreamingHttpResponse(export_rows(queryset), content_type="text/csv; charset=utf-8")
        filename = f"public-comments-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@admin.register(Topic)
class TopicAdmin(ReviewerOnly, admin.ModelAdmin):
    list_display = ["name", "is_open", "legal_hold", "position", "comment_count"]
    # No list_editable: Django's inline list inputs carry no labels (WCAG 1.3.1); edit on the change form.
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(comment_count=Count("comments"))

    @admin.display(description=_("Comments"), ordering="comment_count")
    def comment_count(self, obj):
        return obj.comment_count


@admin.register(Tag)
class TagAdmin(ReviewerOnly, admin.ModelAdmin):
    list_display = ["name", "workstream"]
    list_select_related = ["workstream"]
    list_filter = ["workstream__plan"]
    search_fields = ["name", "workstream__title"]
