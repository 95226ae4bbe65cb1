"""Markdown as typed by people, made into HTML that is safe to show: no raw HTML, links and lists only.

markdown-it-py with HTML switched off turns `<script>` into text; nh3 then keeps only the tags below and
http(s)/mailto links, so a bug in either still leaves the other between a person's typing and the page.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")

ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def render(text: str) -> str:
    html = _parser.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )
