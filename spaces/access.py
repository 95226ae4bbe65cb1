"""Who may see and do what in a group's space. Views call one of these first.

- Active members and the group's leads read and take part; leads announce, moderate and keep the library.
- For a normal group the equity director (and superusers) also read it (reports reach them), without posting.
- For a confidential group the director and superusers see counts only: no content, no authors.
- Everyone else: 403 (signed out: the sign-in page); an unknown or archived group, or an object of another
  group: 404. Membership is read on every request, so removing someone takes their access at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.access import is_director
from groups import access as group_access
from groups.models import Group, Membership

from .models import Announcement, Post, Resource, Thread


@dataclass
class Space:
    group: Group
    membership: Membership | None
    is_member: bool  # an active member (leads included): may post
    is_lead: bool
    reads: bool  # sees content
    counts_only: bool  # the director or a superuser facing a confidential group

    @property
    def sees_authors(self) -> bool:
        """Whether "a member" posts show their real author: the group's leads only (for moderation)."""
        return self.is_lead

    @property
    def may_post_anonymously(self) -> bool:
        return self.group.is_confidential and self.is_member


def space_for_viewer(request, slug: str) -> Space:
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    group = get_object_or_404(Group, slug=slug)
    if group.status == Group.Status.ARCHIVED:
        raise Http404
    membership = group_access.membership_of(user, group)
    active = group_access.is_active_member(user, group)
    lead = active and group_access.is_lead(user, group)
    if active:
        return Space(group, membership, True, lead, reads=True, counts_only=False)
    if is_director(user):
        confidential = group.is_confidential
        return Space(group, membership, False, False, reads=not confidential, counts_only=confidential)
    raise PermissionDenied


def space_for_reader(request, slug: str) -> Space:
    space = space_for_viewer(request, slug)
    if not space.reads:
        raise PermissionDenied
    return space


def space_for_member(request, slug: str) -> Space:
    space = space_for_viewer(request, slug)
    if not space.is_member:
        raise PermissionDenied
    return space


def space_for_lead(request, slug: str) -> Space:
    space = space_for_viewer(request, slug)
    if not space.is_lead:
        raise PermissionDenied
    return space


def get_announcement(space: Space, pk: int) -> Announcement:
    return get_object_or_404(Announcement.objects.select_related("author"), pk=pk, group=space.group)


def get_thread(space: Space, pk: int) -> Thread:
    return get_object_or_404(Thread.objects.select_related("author"), pk=pk, group=space.group)


def get_post(space: Space, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("thread", "author"), pk=pk, group=space.group)
    if post.deleted_at or (post.hidden_at and not space.is_lead):
        raise Http404
    return post


def get_resource(space: Space, pk: int) -> Resource:
    return get_object_or_404(Resource, pk=pk, group=space.group)


def can_edit(space: Space, post: Post, user) -> bool:
    """The author, within the edit window, while the post stands and the thread is open."""
    window = timedelta(seconds=settings.SPACES_EDIT_WINDOW_SECONDS)
    return (
        space.is_member
        and post.author_id == user.pk
        and not post.is_removed
        and not post.thread.locked
        and timezone.now() - post.created_at <= window
    )


def get_post_for_author(space: Space, pk: int, user, *, editing: bool) -> Post:
    post = get_post(space, pk)
    if post.author_id != user.pk or post.hidden_at:
        raise PermissionDenied
    if editing and not can_edit(space, post, user):
        raise PermissionDenied
    return post
