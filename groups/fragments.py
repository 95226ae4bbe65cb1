"""Directory cards rendered once per group and language (belong.fragments), finished per request.

A card's body (mark, name, summary, tags, public-schedule link) is the same for every viewer and is
reused; its member count changes with every join and, for a confidential group, must never sit in
shared HTML, so the body holds a marker and each request writes the count in. The card's footer (the
viewer's standing, join button, CSRF token) is never shared: the template renders it per request.
"""

from __future__ import annotations

import secrets

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from belong.fragments import FragmentStore, row_digest

_COUNT_MARK = "belong-group-card-count-" + secrets.token_hex(8)
_cards = FragmentStore(max_entries=4000)  # 300 groups x 7 languages, with room for edits


def member_count_text(count: int) -> str:
    """The card's "N members" (the same msgid as the template's blocktranslate)."""
    return ngettext("%(counter)s member", "%(counter)s members", count) % {"counter": formats.localize(count)}


def card_body(group) -> SafeString:
    key = ("groups.card", translation.get_language(), row_digest(group, exclude=("member_count",)))
    body = _cards.get_or_render(
        key, lambda: render_to_string("groups/_card_body.html", {"group": group, "member_count_html": _COUNT_MARK})
    )
    return mark_safe(body.replace(_COUNT_MARK, conditional_escape(member_count_text(group.member_count))))  # noqa: S308 - the fragment was escaped when rendered; the count is escaped here
