"""Characters a reviewer cannot see, made visible.

A comment can carry characters that change how text looks without showing themselves: a right-to-left
override (U+202E) that makes "kcab llac" read as "call back", zero-width spaces that split words a
search would find, directional isolates (U+2066-2069) that reorder a sentence. They stay in the stored
comment (it is what was written), but wherever a reviewer reads it each one is shown as a marker such
as ⟦U+202E⟧, so nothing on the screen disguises what the text says.
"""

from __future__ import annotations

import unicodedata

from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

# Tab and newline are how people lay out a comment; every other control or format character is hidden.
_SHOWN_CONTROLS = frozenset("\n\t")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def is_hidden(char: str) -> bool:
    return char not in _SHOWN_CONTROLS and unicodedata.category(char) in _HIDDEN_CATEGORIES


def hidden_count(text: str) -> int:
    return sum(1 for char in text or "" if is_hidden(char))


def marker(char: str) -> str:
    return f"⟦U+{ord(char):04X}⟧"


def reveal_text(text: str) -> str:
    """The text with each hidden character replaced by its visible marker."""
    return "".join(marker(char) if is_hidden(char) else char for char in text or "")


def reveal_html(text: str) -> SafeString:
    """The text as escaped HTML paragraphs, each hidden character a highlighted marker naming it."""
    parts = []
    for char in text or "":
        if is_hidden(char):
            name = unicodedata.name(char, "") or f"control character {ord(char):04X}"
            parts.append(format_html('<mark class="hidden-char" title="{}">{}</mark>', name, marker(char)))
        else:
            parts.append(escape(char))
    # linebreaks() escapes nothing when given safe text with autoescape off: the parts are escaped above.
    return mark_safe(linebreaks(mark_safe("".join(parts)), autoescape=False))  # noqa: S308 - escaped above
