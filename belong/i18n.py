"""A language prefix for the pages that must remember a language without a cookie (the comment pages).

Django's i18n_patterns either prefix every language (then /comment/ itself no longer answers) or leave
the default language bare (then LocaleMiddleware shows every unprefixed page of the whole site in
LANGUAGE_CODE, ignoring the language cookie people chose elsewhere). This prefix matches both: the bare
path keeps negotiating the language as before (cookie, then Accept-Language), and /<code>/... shows the
language in the URL, English included, so a visitor who picks English over their browser's Spanish keeps it.
URLs reversed under it always carry the active language's prefix, so links between the pages keep it.
"""

from __future__ import annotations

from django.urls import LocalePrefixPattern
from django.utils.translation import get_language_from_path


class OptionalLanguagePrefix(LocalePrefixPattern):
    def __init__(self):
        super().__init__(prefix_default_language=True)

    def match(self, path):
        language = get_language_from_path(f"/{path}")
        if language and path.startswith(f"{language}/"):
            return path[len(language) + 1 :], (), {}
        return path, (), {}

    def __str__(self):
        # The route as written in the URLconf: the bare path matches, the prefix is optional.
        return ""

    def describe(self):
        return "'[<language code>/]'"
