"""State changes of the provisioning app: SCIM tokens. People change through accounts.services."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from belong.models import AuditLog

from .models import ScimScope, ScimToken

TOKEN_PREFIX = "belong_scim_"  # noqa: S105 - a label, not a secret


def hash_token(raw: str) -> str:
    # The token is 256 random bits: a plain SHA-256 cannot be reversed or guessed, and lets the
    # request look it up by index.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def scim_token_create(*, name: str, scopes: Iterable[str], by: User) -> tuple[ScimToken, str]:
    """Returns the token and its secret, which is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    allowed = set(ScimScope.values)
    token = ScimToken.objects.create(
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        key_hash=hash_token(raw),
        scopes=sorted(set(scopes) & allowed),
        created_by=by,
    )
    AuditLog.objects.create(
        actor=by,
        action="provisioning.scim_token_create",
        object_type="provisioning.scimtoken",
        object_id=str(token.pk),
        detail={"name": token.name, "scopes": token.scopes},
    )
    return token, raw


@transaction.atomic
def scim_token_revoke(*, token: ScimToken, by: User) -> ScimToken:
    token = ScimToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        AuditLog.objects.create(
            actor=by,
            action="provisioning.scim_token_revoke",
            object_type="provisioning.scimtoken",
            object_id=str(token.pk),
            detail={"name": token.name},
        )
    return token


def scim_call_record(*, token: ScimToken | None, method: str, path: str, status: int, user_id: str = "") -> None:
    """Every SCIM call: which token (by name and id, never the secret), what, when and the outcome."""
    AuditLog.objects.create(
        action="provisioning.scim_call",
        object_type="accounts.user" if user_id else "",
        object_id=user_id,
        purpose=token.name if token else "",
        detail={"token_id": token.pk if token else None, "method": method, "path": path[:300], "status": status},
    )
    if token is not None:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
