"""Who made a change and why, for the history django-simple-history keeps (outside a request too)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model


def record_author(instance: Model, user: AbstractBaseUser | None, *, reason: str | None = None) -> None:
    """Call before instance.save(): the historical row then names `user` (and `reason`).

    simple_history reads these attributes off the instance when it writes the row; it adds them at run
    time and ships no type information, hence the two targeted ignores.
    """
    instance._history_user = user  # type: ignore[attr-defined]
    if reason is not None:
        instance._change_reason = reason  # type: ignore[attr-defined]
