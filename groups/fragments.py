"""Directory cards rendered once per group and language (belong.fragments), finished per request.

A card's body (mark, name, summary, tags, public-schedule link) is the same for every viewer and is
reused; its member count changes with every join and, for a confidential group, must never sit in
shared HTML, so the body holds a marker and each request writes the count in. The card's footer (the
viewer's standing, join button, CSRF token) is never shared: the template renders it per request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from types import SimpleNamespace

from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import formats, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from belong.fragments import FragmentStore, row_digest

from .eligibility import Rules, decide, rules_of

_COUNT_MARK = "belong-group-card-count-" + secrets.token_hex(8)
# Slug-shaped, so the join URL can be reversed with it.
_SLUG_MARK = "belong-group-card-slug-" + secrets.token_hex(8)
_NAME_MARK = "belong-group-card-name-" + secrets.token_hex(8)
_cards = FragmentStore(max_entries=4000)  # 300 groups x 7 languages, with room for edits


def member_count_text(count: int) -> str:
    """The card's "N members" (the same msgid as the template's blocktranslate)."""
    return ngettext("%(counter)s member", "%(counter)s members", count) % {"counter": formats.localize(count)}


def card_body(group) -> SafeString:
    key = ("groups.card", translation.get_language(), row_digest(group, exclude=("member_count", "content_version")))
    body = _cards.get_or_render(
        key, lambda: render_to_string("groups/_card_body.html", {"group": group, "member_count_html": _COUNT_MARK})
    )
    return mark_safe(body.replace(_COUNT_MARK, conditional_escape(member_count_text(group.member_count))))  # noqa: S308 - the fragment was escaped when rendered; the count is escaped here


def card_footers(request, groups) -> None:
    """Set each group's `card_footer`: the viewer's standing, rendered once per distinct standing within this
    one request and completed with each group's slug and name. Nothing here outlives the request, so no
    viewer's standing ever reaches another's page."""
    template = get_template("groups/_card_action.html").template
    base = {"request": request, "csrf_token": get_token(request)}
    rendered: dict[tuple, str] = {}
    for group in groups:
        decision = group.decision
        key = (group.my_status, group.my_role, decision.outcome, str(decision.reason))
        html = rendered.get(key)
        if html is None:
            stand_in = SimpleNamespace(
                slug=_SLUG_MARK, name=_NAME_MARK, my_status=group.my_status, my_role=group.my_role, decision=decision
            )
            html = rendered[key] = template.render(Context({**base, "group": stand_in}))
        group.card_footer = mark_safe(  # noqa: S308 - rendered with autoescaping; the name is escaped here
            html.replace(_SLUG_MARK, group.slug).replace(_NAME_MARK, conditional_escape(group.name))
        )


@dataclass(frozen=True)
class CardFacts:
    """What a directory card's footer needs, kept beside the shared directory page (in its language)."""

    pk: int
    slug: str
    name: str
    rules: Rules


def card_facts(group) -> CardFacts:
    return CardFacts(pk=group.pk, slug=group.slug, name=str(group.name), rules=rules_of(group))


def footer_slot(group_pk: int) -> str:
    return f"footer-{group_pk}"


def card_footer_slots(request, cards: list[CardFacts], standing: dict[int, tuple[str, str]]) -> dict[str, str]:
    """This viewer's footer for each card of a shared directory page, by slot name: their standing in the
    group (from `standing`, their own memberships) and what they may do, decided from the kept rules."""
    viewed = []
    for card in cards:
        status, role = standing.get(card.pk, (None, None))
        viewed.append(
            SimpleNamespace(
                pk=card.pk,
                slug=card.slug,
                name=card.name,
                my_status=status,
                my_role=role,
                decision=decide(request.user, card.rules),
            )
        )
    card_footers(request, viewed)
    return {footer_slot(card.pk): card.card_footer for card in viewed}


_abouts = FragmentStore(max_entries=2000)


def about(group, eligible_schools) -> SafeString:
    """A group page's reading content (about, mission, goals, who it is for, charter): the same for every
    viewer who may see the page, so rendered once per group row, its schools and the language."""
    schools = tuple((school.pk, school.name) for school in eligible_schools)
    digest = row_digest(group, exclude=("member_count", "content_version"))
    key = ("groups.about", translation.get_language(), digest, schools)
    html = _abouts.get_or_render(
        key, lambda: render_to_string("groups/_about.html", {"group": group, "eligible_schools": eligible_schools})
    )
    return mark_safe(html)  # noqa: S308 - rendered by the template engine with autoescaping
