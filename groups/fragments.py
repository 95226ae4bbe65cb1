"""Directory cards and roster rows rendered once (belong.fragments), finished where they are placed.

A card's body (mark, name, summary, tags, public-schedule link) is the same for every viewer and is kept
per group row and language; its member count changes with every join, so the body holds a marker and the
count is written in when the card is placed: per request on a searched directory, once per listing version
on the shared directory page (belong.shared_pages), which signed-in staff only see and whose version moves
with every join. A card's footer (the viewer's standing and join button) is kept per standing, language
and page, naming no one; the group's slug and name and the CSRF token are written in per request.
Roster rows are kept per membership and user row; a confidential group's rows never are.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from types import SimpleNamespace

from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import formats, timezone, translation
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


# Card footers and roster rows hold forms; the kept HTML holds this marker instead of a form token and
# each request writes its own in (a token must never travel from one person's page to another's).
_CSRF_MARK = "belong-group-csrf-" + secrets.token_hex(8)
_footers = FragmentStore(max_entries=2000)


def card_footers(request, groups) -> None:
    """Set each group's `card_footer`: the viewer's standing and what they may do.

    A footer depends on nothing but the standing (status and role in the group, the eligibility outcome
    and its reason), the language and the page it sends back to, so it is rendered once per those in the
    process and completed per request with the group's slug and name and this request's CSRF token. The
    stored HTML names no one: two viewers with the same standing in a group see the same footer.
    """
    template = get_template("groups/_card_action.html").template
    path = request.get_full_path()
    language = translation.get_language()
    token = get_token(request)
    for group in groups:
        decision = group.decision
        standing = (group.my_status, group.my_role, str(decision.outcome), str(decision.reason))

        def render(decision=decision, group=group) -> str:
            stand_in = SimpleNamespace(
                slug=_SLUG_MARK, name=_NAME_MARK, my_status=group.my_status, my_role=group.my_role, decision=decision
            )
            page = SimpleNamespace(get_full_path=lambda: path)
            context = {"request": page, "csrf_token": _CSRF_MARK, "group": stand_in}
            return template.render(Context(context))

        html = _footers.get_or_render(("groups.card_footer", language, path, standing), render)
        group.card_footer = mark_safe(  # noqa: S308 - rendered with autoescaping; the name is escaped here
            html.replace(_SLUG_MARK, group.slug)
            .replace(_NAME_MARK, conditional_escape(group.name))
            .replace(_CSRF_MARK, token)
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
    decisions: dict[Rules, object] = {}  # many groups share their rules (open to all staff, say)
    for card in cards:
        status, role = standing.get(card.pk, (None, None))
        if card.rules not in decisions:
            decisions[card.rules] = decide(request.user, card.rules)
        viewed.append(
            SimpleNamespace(
                pk=card.pk,
                slug=card.slug,
                name=card.name,
                my_status=status,
                my_role=role,
                decision=decisions[card.rules],
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


# A row is ~1 kB: a lead paging through a 40,000-member roster in two languages keeps the store full
# at a few MB per process; the LRU drops the pages nobody is reading.
_roster_rows = FragmentStore(max_entries=5000)


def _roster_fragments(request, group, template_name: str, entries, csrf_token: str | None = None) -> SafeString:
    """Render `template_name` once for each (membership, extra context, shareable) of `entries`.

    A row is the same for every lead who sees it but for what `extra` says (whether it is the viewer's
    own, say), so a shareable one is rendered once per language, time zone, version of the membership
    row, version of the user's row and their site's name, and `extra`; each request writes its own form
    token in. A confidential group's members are never put in anything shared: its rows are rendered
    afresh on every view, as is any row that shows what this viewer has just typed.
    """
    template = get_template(template_name).template
    language, zone = translation.get_language(), timezone.get_current_timezone_name()
    parts = []
    for m, extra, shareable in entries:

        def render(m=m, extra=extra) -> str:
            return template.render(Context({"m": m, **extra, "csrf_token": _CSRF_MARK}))

        if shareable and not group.is_confidential:
            user = m.user
            school = user.school.name if user.school_id else None
            key = (template_name, language, zone, row_digest(m), row_digest(user), school, *sorted(extra.items()))
            parts.append(_roster_rows.get_or_render(key, render))
        else:
            parts.append(render())
    html = "".join(parts).replace(_CSRF_MARK, csrf_token or get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine with autoescaping; the token is URL-safe


def roster_rows(request, group, memberships, csrf_token: str | None = None) -> SafeString:
    """The member table's rows of a roster page (leads and members): the viewer's own row has no actions.
    `csrf_token`: what to write in the forms instead of this request's token (a shared page's slot)."""
    viewer = request.user.pk
    entries = ((m, {"own_row": m.user_id == viewer}, True) for m in memberships)
    return _roster_fragments(request, group, "groups/_roster_row.html", entries, csrf_token)


def roster_requests(request, group, memberships, action_form=None, csrf_token: str | None = None) -> SafeString:
    """The cards of the requests to join. After a refused decision the card it was about shows the message
    the lead typed again: that one is the viewer's own and never shared."""
    data = action_form.data if action_form is not None else {}
    entries = []
    for m in memberships:
        typed = data.get("message") if data.get("membership") == str(m.pk) else None
        entries.append((m, {"typed_message": typed or ""}, typed is None))
    return _roster_fragments(request, group, "groups/_roster_request.html", entries, csrf_token)
