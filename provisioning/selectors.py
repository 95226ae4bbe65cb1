"""Reads of the provisioning app."""

from __future__ import annotations

from .models import ScimToken
from .services import hash_token


def scim_token_for(raw: str) -> ScimToken | None:
    """The live token with this secret, or None (unknown, revoked, or not one of ours)."""
    if not raw or len(raw) > 200:
        return None
    return ScimToken.objects.filter(key_hash=hash_token(raw), revoked_at__isnull=True).first()
