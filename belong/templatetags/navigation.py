"""The header's links: each knows whether it is the page being shown (aria-current="page")."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context, href: str, label: str, css: str = "nav-link") -> str:
    """An <a> to `href`; marked aria-current="page" when it is the page shown, whatever language prefix
    the page's URL carries."""
    request = context.get("request")
    path = getattr(request, "path", "")
    language = getattr(request, "LANGUAGE_CODE", "")
    current = path == href or (language and path == f"/{language}{href}")
    if current:
        return format_html('<a class="{} active" href="{}" aria-current="page">{}</a>', css, href, label)
    return format_html('<a class="{}" href="{}">{}</a>', css, href, label)
