"""Receipt codes: random digits shown once to the writer; only a keyed hash is stored."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

RECEIPT_DIGITS = 16
_HASH_SALT = "belong.comments.receipt"
_NOT_DIGITS = re.compile(r"\D")


def new_code() -> str:
    """16 digits from the OS's secure random source (about 53 bits)."""
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def display(code: str) -> str:
    """1234-5678-9012-3456: easier to read aloud, copy by hand and check."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(typed: str) -> str | None:
    """The digits of a typed code (spaces, dashes ignored), or None when it cannot be one."""
    digits = _NOT_DIGITS.sub("", typed or "")
    return digits if len(digits) == RECEIPT_DIGITS else None


def hash_code(code: str, secret: str | None = None) -> str:
    return salted_hmac(_HASH_SALT, code, secret=secret, algorithm="sha256").hexdigest()


def candidate_hashes(code: str) -> list[str]:
    """The hash under the current key and under each fallback key, so rotating SECRET_KEY keeps receipts."""
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hash_code(code, secret) for secret in secrets_in_use]
