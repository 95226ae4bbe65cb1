"""Money as whole cents: parsed from the form's Decimal, shown in the page's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.utils import formats, translation

SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "MXN": "MX$", "AUD": "A$"}


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


@lru_cache(maxsize=32)
def _separators(language: str | None) -> tuple[str, str] | None:
    """The language's decimal and thousands separators, or None when it does not group by threes."""
    if formats.get_format("NUMBER_GROUPING", language) != 3:
        return None
    return formats.get_format("DECIMAL_SEPARATOR", language), formats.get_format("THOUSAND_SEPARATOR", language)


def display(cents: int | None, currency: str | None = None) -> str:
    """1234567 -> "$12,345.67" in English, "$12 345,67" in Spanish (the active language's separators).

    The program page shows ~2,000 amounts: the common case formats with str.format, not number_format.
    """
    currency = currency or settings.FUNDING_CURRENCY
    cents = cents or 0
    separators = _separators(translation.get_language())
    if separators:
        whole, fraction = divmod(abs(cents), 100)
        number = f"{whole:,}".replace(",", separators[1]) + f"{separators[0]}{fraction:02d}"
    else:
        number = formats.number_format(from_cents(abs(cents)), 2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    text = f"{symbol}{number}" if symbol else f"{number}\u00a0{currency}"
    return f"\u2212{text}" if cents < 0 else text
