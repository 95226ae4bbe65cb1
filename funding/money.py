"""Money as whole cents: parsed from the form's Decimal, shown in the page's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats

SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "MXN": "MX$", "AUD": "A$"}


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


def display(cents: int | None, currency: str | None = None) -> str:
    """1234567 -> "$12,345.67" in English, "$12.345,67" in Spanish (the active language's separators)."""
    currency = currency or settings.FUNDING_CURRENCY
    cents = cents or 0
    number = formats.number_format(from_cents(abs(cents)), 2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    text = f"{symbol}{number}" if symbol else f"{number}\u00a0{currency}"
    return f"\u2212{text}" if cents < 0 else text
