"""Read-only lists for superusers, of normal groups only: a confidential group's space shows its counts on
the space page to the director and superusers, never its content or authors. Every change goes through the
space's own pages and services (checked, notified and audited). Posts, reports and notifications are not
here at all: each names a person next to a group."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from belong.admin import ReadOnlyAdmin
from belong.admin_privacy import register_confidential_outbox_rows

from .models import Announcement, Resource, Thread


def _digest_mail() -> Q:
    # A digest lists a person's groups, confidential ones included.
    return Q(kind="spaces.digest")


register_confidential_outbox_rows(_digest_mail)


class NormalGroupsReadOnlyAdmin(ReadOnlyAdmin):
    list_select_related = ["group"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(group__is_confidential=False)


@admin.register(Announcement)
class AnnouncementAdmin(NormalGroupsReadOnlyAdmin):
    list_display = ["title", "group", "pinned", "created_at"]
    exclude = ["author", "file"]


@admin.register(Thread)
class ThreadAdmin(NormalGroupsReadOnlyAdmin):
    list_display = ["title", "group", "locked", "reply_count", "last_post_at"]
    exclude = ["author"]


@admin.register(Resource)
class ResourceAdmin(NormalGroupsReadOnlyAdmin):
    list_display = ["title", "group", "position"]
    exclude = ["added_by", "file"]
