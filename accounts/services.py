"""State changes for staff accounts: profile, e-mail preferences and one-at-a-time provisioning.

The HR roster import (many people from a file) is in staff_import.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from belong.models import AuditLog

from .models import EmailCategory, User
from .signals import staff_imported

# --- Profile and e-mail preferences -----------------------------------------------------------------


@transaction.atomic
def profile_update(*, user: User, preferred_name: str, preferred_language: str) -> User:
    user.preferred_name = preferred_name.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["preferred_name", "preferred_language"])
    return user


@transaction.atomic
def email_opt_outs_set(*, user: User, opt_outs: Iterable[str]) -> User:
    allowed = set(EmailCategory.values)
    user.email_opt_outs = sorted(set(opt_outs) & allowed)
    user.save(update_fields=["email_opt_outs"])
    return user


@transaction.atomic
def email_unsubscribe(*, user_id: int, category: str) -> User:
    """Switch one kind of e-mail off (idempotent); the signed link is the authority, so no session needed."""
    if category not in EmailCategory.values:
        raise ValueError(f"Unknown e-mail category {category!r}")
    user = User.objects.select_for_update().get(pk=user_id)
    if category not in user.email_opt_outs:
        user.email_opt_outs = sorted([*user.email_opt_outs, category])
        user.save(update_fields=["email_opt_outs"])
    return user


# --- One person at a time (SCIM provisioning) -------------------------------------------------------
# The same effects as the HR import, for feeds that send one person per request: a new hire is welcomed
# once, a change of job role or school flags memberships for the leads (both through `staff_imported`),
# and a deactivated person can no longer sign in (the auth backends refuse inactive users on their next
# request, which ends their sessions) and gets no more e-mail.

_KEEP = object()


@dataclass
class StaffChange:
    user: User
    created: bool = False
    role_or_school_changed: bool = False
    deactivated: bool = False
    reactivated: bool = False


@transaction.atomic
def staff_upsert(
    *,
    user: User | None,
    email: str,
    full_name: str,
    job_role: Any = _KEEP,
    school_id: Any = _KEEP,
    is_active: bool = True,
    by: User | None = None,
    source: str,
) -> StaffChange:
    """Create (user=None) or update one person. `job_role`/`school_id` left out keep what is there.

    Raises ValidationError when the address belongs to another account.
    """
    email = email.strip().lower()
    validate_email(email)
    owner = (
        EmailAddress.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower=email)
        .values_list("user_id", flat=True)
        .first()
    )
    clash = User.objects.filter(email__iexact=email).exclude(pk=getattr(user, "pk", None)).exists()
    if clash or (owner is not None and owner != getattr(user, "pk", None)):
        raise ValidationError(_("%(email)s is already used by another account.") % {"email": email}, code="unique")
    if user is None:
        user = User(
            email=email,
            full_name=full_name[:200],
            password=make_password(None),
            imported_at=timezone.now(),
            job_role="" if job_role is _KEEP else job_role,
            school_id=None if school_id is _KEEP else school_id,
            is_active=is_active,
            preferred_language=settings.LANGUAGE_CODE,
        )
        user.save()
        change = StaffChange(user=user, created=True)
    else:
        user = User.objects.select_for_update().get(pk=user.pk)
        change = StaffChange(user=user)
        before = (user.job_role, user.school_id)
        user.email = email
        user.full_name = full_name[:200]
        if job_role is not _KEEP:
            user.job_role = job_role
        if school_id is not _KEEP:
            user.school_id = school_id
        change.role_or_school_changed = before != (user.job_role, user.school_id)
        change.deactivated = user.is_active and not is_active and not user.is_superuser
        change.reactivated = not user.is_active and is_active
        if not user.is_superuser:
            user.is_active = is_active
        user.imported_at = timezone.now()
        user.save()
    addresses = EmailAddress.objects.filter(user=user)
    if not addresses.filter(email__iexact=email).exists():
        addresses.update(primary=False)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    else:
        addresses.filter(email__iexact=email, verified=False).update(verified=True)
    AuditLog.objects.create(
        actor=by,
        action="accounts.staff_upsert",
        object_type="accounts.user",
        object_id=str(user.pk),
        purpose=source,
        detail={
            "created": change.created,
            "role_or_school_changed": change.role_or_school_changed,
            "deactivated": change.deactivated,
            "reactivated": change.reactivated,
        },
    )
    # Someone created inactive is welcomed when first activated; the welcome itself is sent once ever.
    created_ids = [user.pk] if (change.created or change.reactivated) and user.is_active else []
    changed_ids = [user.pk] if change.role_or_school_changed and not change.created else []
    if created_ids or changed_ids:
        transaction.on_commit(
            lambda: staff_imported.send(sender=User, created_ids=created_ids, changed_ids=changed_ids)
        )
    return change
