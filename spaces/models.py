"""A group's space: announcements by its leads, members' discussion, a library of resources, notifications.

Every row carries its group, so every lookup is scoped by the group the viewer was let into (no IDOR).
Bodies are kept as typed (Markdown) and as sanitised HTML made at write time (spaces.markdown).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import Group


def files_storage():
    """Attachments live in STORAGES["spaces_files"]: a private root (no URL), read when first used."""
    from .storage import files

    return files


def file_path(instance, filename: str) -> str:
    # Never the uploaded name on disk: a random name with the extension the content was recognised as.
    extension = getattr(instance, "_sniffed_extension", "bin")
    return f"spaces/{instance.group_id}/{secrets.token_hex(16)}.{extension}"


class AttachedFile(models.Model):
    """The file fields shared by announcements and resources."""

    file = models.FileField(_("file"), storage=files_storage, upload_to=file_path, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_content_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class Announcement(AttachedFile):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), max_length=20000)
    body_html = models.TextField(editable=False)
    pinned = models.BooleanField(_("pinned to the top"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-pinned", "-created_at", "-id"]
        indexes = [models.Index(fields=["group", "-pinned", "-created_at", "-id"], name="announcement_list_idx")]

    def __str__(self) -> str:
        return self.title


class Thread(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Shown as "a member" to everyone but the group's leads (confidential groups only).
    anonymous = models.BooleanField(_("post as “a member”"), default=False)
    title = models.CharField(_("title"), max_length=200)
    locked = models.BooleanField(_("locked"), default=False)
    # Kept by services, so a list of threads never counts 10,000 posts.
    reply_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        indexes = [models.Index(fields=["group", "-last_post_at", "-id"], name="thread_list_idx")]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    anonymous = models.BooleanField(_("post as “a member”"), default=False)
    is_opening = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=20000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["thread", "created_at", "id"], name="post_thread_idx")]

    def __str__(self) -> str:
        return f"post {self.pk}"

    @property
    def is_removed(self) -> bool:
        return bool(self.deleted_at or self.hidden_at)


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("what is wrong"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_person_per_post")]

    def __str__(self) -> str:
        return f"report on post {self.post_id}"


class Resource(AttachedFile):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="resources")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    description = models.CharField(_("short description"), max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(file=""), name="resource_has_link_or_file"),
        ]

    def __str__(self) -> str:
        return self.title


class Kind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("New announcement in my groups")
    REPLY = "reply", _("Reply to my discussion")
    REPORT = "report", _("Post reported (leads)")
    REQUEST_DECIDED = "request_decided", _("My request was decided")
    MEETING_CHANGED = "meeting_changed", _("A meeting changed")


class Notification(models.Model):
    """One line in a person's in-portal list. Holds no other person's name: only what happened, where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    announcement = models.ForeignKey(Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_list_idx"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class Delivery(models.TextChoices):
    AT_ONCE = "at_once", _("E-mail at once")
    DIGEST = "digest", _("In the weekly digest")
    NEVER = "never", _("Never by e-mail")


DEFAULT_DELIVERY = {
    Kind.ANNOUNCEMENT: Delivery.AT_ONCE,
    Kind.REPLY: Delivery.AT_ONCE,
    Kind.REPORT: Delivery.AT_ONCE,
    Kind.REQUEST_DECIDED: Delivery.AT_ONCE,
    Kind.MEETING_CHANGED: Delivery.NEVER,
}


class NotificationPreference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]
        indexes = [models.Index(fields=["delivery", "user"], name="preference_digest_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"
