"""Show editor-typed words in the reader's language, and say so when they are in another one (WCAG 3.1.2).

django-modeltranslation (see each app's translation.py) gives a translated field one column per language and
answers `group.name` in the page's language, falling back to the district's language (LANGUAGE_CODE) and then
any language that has the text. When a fallback is shown, a screen reader must switch voice: the text gets
`lang="en" dir="auto"`; `dir="auto"` also isolates it, so an English name inside an Arabic sentence keeps the
sentence's punctuation where it belongs.

    {% load translated %}
    {% trans_field group "name" %}              the text, in <span lang=.. dir="auto"> when it is a fallback
    <p{% trans_lang group "description" %}>     ` lang=".." dir="auto"` (or nothing) for a block of your own
        {{ group.description|linebreaksbr }}</p>
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from belong.fallbacks import fallback_language

register = template.Library()


@register.simple_tag
def trans_lang(obj: Any, field: str) -> SafeString:
    """` lang="en" dir="auto"` for an element holding a fallback text; nothing when it is in the page's language."""
    lang = fallback_language(obj, field)
    if lang is None:
        return mark_safe("")
    return format_html(' lang="{}" dir="auto"', lang)


@register.simple_tag
def trans_field(obj: Any, field: str) -> SafeString:
    """The field's text, escaped, wrapped in a span marking its language when it is a fallback."""
    value = getattr(obj, field, "")
    if value is None:
        value = ""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    lang = fallback_language(obj, field)
    if lang is None:
        return format_html("{}", value)
    return format_html('<span lang="{}" dir="auto">{}</span>', lang, value)
