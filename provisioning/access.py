"""Who may do what with SCIM: a bearer token's scopes decide, never a session."""

from __future__ import annotations

from .models import ScimScope, ScimToken

READ_METHODS = frozenset({"GET", "HEAD"})


def scim_scope_needed(method: str, path: str) -> str:
    # A search by POST (/.search) reads.
    if method.upper() in READ_METHODS or path.rstrip("/").endswith(".search"):
        return ScimScope.READ
    return ScimScope.WRITE


def scim_token_may(token: ScimToken, method: str, path: str) -> bool:
    return token.allows(scim_scope_needed(method, path))
