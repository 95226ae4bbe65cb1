"""Every change to a group's space: transactional, logged with who made it, notifying after the fact.

Nothing here decides who may act (spaces.access does, before a view calls in); what is checked here is what
must hold whoever calls: a locked thread takes no reply, anonymity only in a confidential group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from belong import mail
from belong.models import AuditLog
from groups.models import Group, Membership

from . import markdown
from .models import (
    DEFAULT_DELIVERY,
    Announcement,
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
    Post,
    Report,
    Resource,
    Thread,
)


class SpaceError(Exception):
    """A change that cannot be made as asked; the message is shown to the person."""


@dataclass
class Upload:
    """A file already recognised by its content (spaces.forms): the file, its type and extension."""

    file: File
    content_type: str
    extension: str
    name: str


def unread_key(user_id: int) -> str:
    # Not the person's id: whoever reads Redis would see which people's counts are cleared together when a
    # confidential group posts, i.e. its members. A keyed hash names no one outside the portal.
    return "spaces:unread:" + salted_hmac("spaces.unread", str(user_id), algorithm="sha256").hexdigest()[:32]


def _audit(*, by, action: str, obj, group: Group, **detail) -> None:
    # group_id in detail: the admin's audit list leaves out rows about confidential groups (groups.admin).
    AuditLog.objects.create(
        actor=by,
        action=f"spaces.{action}",
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        detail={"group_id": group.pk, **detail},
    )


def _attach(instance, upload: Upload | None) -> None:
    if upload is None:
        return
    instance._sniffed_extension = upload.extension
    instance.file_name = upload.name[:200]
    instance.file_content_type = upload.content_type
    instance.file_size = upload.file.size
    instance.file.save("upload", upload.file, save=False)


def active_members(group: Group) -> QuerySet:
    return User.objects.filter(
        is_active=True,
        memberships__group=group,
        memberships__status=Membership.Status.ACTIVE,
    ).only("id", "email", "preferred_language", "email_opt_outs")


def wanting(users: QuerySet, kind: Kind, delivery: str) -> QuerySet:
    """Those of `users` whose preference for `kind` is `delivery` (a person without a row has the default)."""
    chosen = NotificationPreference.objects.filter(user_id=OuterRef("pk"), kind=kind)
    if DEFAULT_DELIVERY[kind] == delivery:
        return users.exclude(Exists(chosen.exclude(delivery=delivery)))
    return users.filter(Exists(chosen.filter(delivery=delivery)))


def notification_send(*, users: Iterable, group: Group, kind: str, **about: Any) -> int:
    rows = [Notification(user_id=user.pk, group=group, kind=kind, **about) for user in users]
    Notification.objects.bulk_create(rows, batch_size=2000)
    user_ids = [row.user_id for row in rows]
    transaction.on_commit(lambda: cache.delete_many([unread_key(pk) for pk in user_ids]))
    return len(rows)


# --- Announcements ----------------------------------------------------------------------------------------


@transaction.atomic
def announcement_create(
    *, group: Group, title: str, body: str, pinned: bool = False, upload: Upload | None = None, by: User
) -> Announcement:
    announcement = Announcement(
        group=group, author=by, title=title, body=body, body_html=markdown.render(body), pinned=pinned
    )
    _attach(announcement, upload)
    announcement.save()
    _audit(by=by, action="announcement_created", obj=announcement, group=group)
    members = active_members(group).exclude(pk=by.pk)
    notification_send(users=members, group=group, kind=Kind.ANNOUNCEMENT, announcement=announcement)
    mail.enqueue_many(
        kind="spaces.announcement",
        recipients=wanting(members, Kind.ANNOUNCEMENT, Delivery.AT_ONCE).order_by("pk").iterator(chunk_size=2000),
        context={"group_id": group.pk, "announcement_id": announcement.pk},
    )
    return announcement


@transaction.atomic
def announcement_set_pinned(*, announcement: Announcement, pinned: bool, by: User) -> Announcement:
    announcement.pinned = pinned
    announcement.save(update_fields=["pinned"])
    _audit(
        by=by,
        action="announcement_pinned" if pinned else "announcement_unpinned",
        obj=announcement,
        group=announcement.group,
    )
    return announcement


@transaction.atomic
def announcement_delete(*, announcement: Announcement, by: User) -> None:
    _audit(by=by, action="announcement_deleted", obj=announcement, group=announcement.group)
    name = announcement.file.name
    announcement.delete()
    if name:
        storage = announcement.file.storage
        transaction.on_commit(lambda: storage.delete(name))


# --- Discussion -------------------------------------------------------------------------------------------


def _anonymous(group: Group, anonymous: bool) -> bool:
    return bool(anonymous and group.is_confidential)


@transaction.atomic
def thread_start(*, group: Group, title: str, body: str, anonymous: bool = False, by: User) -> Thread:
    anonymous = _anonymous(group, anonymous)
    now = timezone.now()
    thread = Thread.objects.create(group=group, author=by, title=title, anonymous=anonymous, last_post_at=now)
    Post.objects.create(
        group=group,
        thread=thread,
        author=by,
        anonymous=anonymous,
        is_opening=True,
        body=body,
        body_html=markdown.render(body),
    )
    _audit(by=by, action="thread_started", obj=thread, group=group)
    return thread


@transaction.atomic
def post_reply(*, thread: Thread, body: str, anonymous: bool = False, by: User) -> Post:
    thread = Thread.objects.select_for_update(of=("self",)).select_related("group").get(pk=thread.pk)
    if thread.locked:
        raise SpaceError("locked")
    group = thread.group
    post = Post.objects.create(
        group=group,
        thread=thread,
        author=by,
        anonymous=_anonymous(group, anonymous),
        body=body,
        body_html=markdown.render(body),
    )
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_post_at=post.created_at)
    _audit(by=by, action="post_created", obj=post, group=group)
    if thread.author_id and thread.author_id != by.pk:
        starter = active_members(group).filter(pk=thread.author_id)
        notification_send(users=starter, group=group, kind=Kind.REPLY, thread=thread, post=post)
        mail.enqueue_many(
            kind="spaces.reply",
            recipients=wanting(starter, Kind.REPLY, Delivery.AT_ONCE),
            context={"group_id": group.pk, "thread_id": thread.pk},
        )
    return post


@transaction.atomic
def post_edit(*, post: Post, body: str, by: User) -> Post:
    post.body = body
    post.body_html = markdown.render(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    _audit(by=by, action="post_edited", obj=post, group=post.group)
    return post


def _recount(thread_id: int) -> None:
    standing = Post.objects.filter(
        thread_id=thread_id, is_opening=False, deleted_at__isnull=True, hidden_at__isnull=True
    )
    Thread.objects.filter(pk=thread_id).update(reply_count=standing.count())


@transaction.atomic
def post_delete(*, post: Post, by: User) -> Post:
    """The author's own removal: the text is gone; the place in the thread says it was deleted."""
    post.deleted_at = timezone.now()
    post.body = ""
    post.body_html = ""
    post.save(update_fields=["deleted_at", "body", "body_html"])
    _recount(post.thread_id)
    _audit(by=by, action="post_deleted", obj=post, group=post.group)
    return post


@transaction.atomic
def post_hide(*, post: Post, reason: str, by: User) -> Post:
    post.hidden_at = timezone.now()
    post.hidden_by = by
    post.hidden_reason = reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _recount(post.thread_id)
    _audit(by=by, action="post_hidden", obj=post, group=post.group, reason=reason)
    return post


@transaction.atomic
def post_unhide(*, post: Post, by: User) -> Post:
    post.hidden_at = None
    post.hidden_by = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _recount(post.thread_id)
    _audit(by=by, action="post_unhidden", obj=post, group=post.group)
    return post


@transaction.atomic
def thread_set_locked(*, thread: Thread, locked: bool, by: User) -> Thread:
    thread.locked = locked
    thread.save(update_fields=["locked"])
    _audit(by=by, action="thread_locked" if locked else "thread_unlocked", obj=thread, group=thread.group)
    return thread


def _leads(group: Group) -> QuerySet:
    # One filter() call: the conditions must hold on the same membership row.
    return User.objects.filter(
        is_active=True,
        memberships__group=group,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.LEAD,
    ).only("id", "email", "preferred_language", "email_opt_outs")


@transaction.atomic
def post_report(*, post: Post, reason: str, by: User) -> Report:
    """A member tells the leads (and, for a normal group, the equity director) about a post. Once each."""
    report, created = Report.objects.get_or_create(post=post, reporter=by, defaults={"reason": reason})
    if not created:
        return report
    group = post.group
    readers = list(_leads(group).exclude(pk=by.pk))
    if not group.is_confidential:
        from accounts.models import EQUITY_DIRECTOR_GROUP

        known = {user.pk for user in readers}
        readers += [
            user
            for user in User.objects.filter(is_active=True, groups__name=EQUITY_DIRECTOR_GROUP).only("id").distinct()
            if user.pk not in known and user.pk != by.pk
        ]
    notification_send(users=readers, group=group, kind=Kind.REPORT, thread=post.thread, post=post)
    _audit(by=by, action="post_reported", obj=post, group=group)
    return report


# --- Resources --------------------------------------------------------------------------------------------


@transaction.atomic
def resource_add(
    *, group: Group, title: str, url: str = "", description: str = "", upload: Upload | None = None, by: User
) -> Resource:
    if not url and upload is None:
        raise SpaceError("empty")
    last = Resource.objects.filter(group=group).aggregate(last=Max("position"))["last"]
    resource = Resource(
        group=group, added_by=by, title=title, url=url, description=description, position=(last or 0) + 1
    )
    _attach(resource, upload)
    resource.save()
    _audit(by=by, action="resource_added", obj=resource, group=group)
    return resource


@transaction.atomic
def resource_move(*, resource: Resource, up: bool, by: User) -> Resource:
    """Swap places with the neighbour above (or below), renumbering the group's library when needed."""
    ordered = list(Resource.objects.select_for_update().filter(group_id=resource.group_id).order_by("position", "id"))
    index = next(i for i, item in enumerate(ordered) if item.pk == resource.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            item.position = position
        Resource.objects.bulk_update(ordered, ["position"])
        _audit(by=by, action="resource_moved", obj=resource, group=resource.group)
    return resource


@transaction.atomic
def resource_delete(*, resource: Resource, by: User) -> None:
    _audit(by=by, action="resource_deleted", obj=resource, group=resource.group)
    name = resource.file.name
    resource.delete()
    if name:
        storage = resource.file.storage
        transaction.on_commit(lambda: storage.delete(name))


# --- Notifications ----------------------------------------------------------------------------------------


def notification_send_request_decided(*, user: User, group: Group) -> int:
    """For groups' approve/decline services to call: the person hears of it in the portal (the e-mail
    they asked for is sent by groups whatever their preferences)."""
    return notification_send(users=[user], group=group, kind=Kind.REQUEST_DECIDED)


def notification_send_meeting_changed(*, users: Iterable, group: Group) -> int:
    """For the meetings app's change and cancel services to call with the people it tells."""
    return notification_send(users=users, group=group, kind=Kind.MEETING_CHANGED)


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    changed = rows.update(read_at=timezone.now())
    cache.delete(unread_key(user.pk))
    return changed


@transaction.atomic
def preferences_set(*, user: User, choices: dict[str, str], by: User) -> None:
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
    AuditLog.objects.create(
        actor=by,
        action="spaces.preferences_set",
        object_type="accounts.User",
        object_id=str(user.pk),
        detail={"choices": choices},
    )
