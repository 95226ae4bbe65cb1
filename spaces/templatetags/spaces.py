from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from ..selectors import cached_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context) -> str:
    """The header's unread count from the cache only, so no page pays a query for it; spaces.js fills it
    in (and keeps it current) when the cache has none."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    count = cached_unread_count(user.pk)
    return "" if not count else str(count)


@register.simple_tag
def conduct_url(group) -> str:
    return settings.SPACES_CODE_OF_CONDUCT_URL or f"{group.get_absolute_url()}#charter-heading"


@register.simple_tag
def author_of(item, space) -> str:
    """Who wrote a thread or post as the viewer may know it: "a member" hides the author from all but the
    group's leads, who see the name (for moderation) marked as posted anonymously."""
    name = item.author.display_name if item.author else _("a former member")
    if not item.anonymous:
        return name
    if space.sees_authors:
        return _("%(name)s (posted as “a member”)") % {"name": name}
    return _("a member")
