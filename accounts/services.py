"""State changes for staff accounts: the HR roster import, profile and e-mail preferences."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from belong.models import AuditLog

from . import user_cache
from .models import EmailCategory, JobRole, School, User
from .signals import staff_imported

# --- HR staff import --------------------------------------------------------------------------------

REQUIRED_COLUMNS = ("email", "job_role", "school", "hire_date")
# Header spellings HR systems commonly export, mapped to ours.
COLUMN_ALIASES = {
    "e_mail": "email",
    "email_address": "email",
    "name": "full_name",
    "first": "first_name",
    "given_name": "first_name",
    "last": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "role": "job_role",
    "job_title": "job_role",
    "site": "school",
    "school_code": "school",
    "school_name": "school",
    "start_date": "hire_date",
    "language": "preferred_language",
}
STAFF_FACTS = ("full_name", "job_role", "school_id", "hire_date")
# Serialises real imports: two HR people confirming at once must not interleave their upserts.
IMPORT_LOCK_ID = 0x42E1_0001


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    dry_run: bool
    full: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    reactivated: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    # Filled by a real import only (a dry run has no IDs yet).
    created_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    # For the admin preview: who would be touched.
    created_emails: list[str] = field(default_factory=list)
    updated_emails: list[str] = field(default_factory=list)
    deactivated_emails: list[str] = field(default_factory=list)
    reactivated_emails: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "reactivated": self.reactivated,
        }

    def summary(self) -> str:
        return _(
            "%(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(deactivated)s deactivated, %(reactivated)s reactivated."
        ) % {"rows": self.rows, **self.counts()}


@dataclass
class _Row:
    line: int
    email: str
    full_name: str
    preferred_name: str
    job_role: str
    school_id: int
    hire_date: date
    preferred_language: str | None


class _Lookups:
    """Everything a row is checked against, loaded once (no per-row queries)."""

    def __init__(self) -> None:
        self.roles: dict[str, str] = {}
        with translation.override("en"):
            for value, label in JobRole.choices:
                for spelling in (value, str(label), value.replace("_", " ")):
                    self.roles[_fold(spelling)] = value
        self.schools: dict[str, int] = {}
        for school_id, code, name in School.objects.values_list("id", "code", "name"):
            self.schools[_fold(name)] = school_id
            self.schools[_fold(code)] = school_id  # a code wins over a name that happens to match it
        self.languages: dict[str, str] = {}
        for code, local_name in settings.LANGUAGES:
            self.languages[code.lower()] = code
            self.languages[_fold(local_name)] = code
            info = translation.get_language_info(code)
            self.languages[_fold(info["name"])] = code


# C0 control characters other than tab and line breaks (which a quoted CSV field may hold).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _fold(text: str) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()


def _normalise_header(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")
    return COLUMN_ALIASES.get(key, key)


def _text_of(source: Any) -> str | None:
    """The CSV text of a path, bytes or file object; None for an iterable of already-parsed rows."""
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    elif hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        try:
            return source.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Spreadsheet programs on Windows save "CSV" in their ANSI code page.
            return source.decode("cp1252", errors="replace")
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    return None


def _read_rows(rows_or_file: Any) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    """Return (line number, row) pairs with normalised headers, and problems found while reading."""
    text = _text_of(rows_or_file)
    if text is None:
        # An iterable of mappings: line 1 is the imagined header, so rows count from line 2.
        records = [dict(record) for record in rows_or_file]
        if not records:
            return [], []
        rows = [
            (index + 2, {_normalise_header(k): "" if v is None else str(v).strip() for k, v in record.items()})
            for index, record in enumerate(records)
        ]
        return rows, _check_columns([_normalise_header(h) for h in records[0]])
    header_line = text.split("\n", 1)[0]
    # Spreadsheets set to some locales export with semicolons; tab-separated exports are common too.
    delimiter = max(",;\t", key=header_line.count) if header_line.strip() else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        return [], [RowProblem(1, _("The file is empty: it needs a header row and one row per person."))]
    headers = [_normalise_header(h) for h in reader.fieldnames]
    reader.fieldnames = headers
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[RowProblem] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if None in record:
                problems.append(RowProblem(line, _("this row has more values than the header has columns.")))
            values = {k: (v or "") for k, v in record.items() if k is not None}
            if any(value.strip() for value in values.values()):
                rows.append((line, values))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(RowProblem(line, _("the file is not valid CSV here: %(error)s") % {"error": error}))
    return rows, _check_columns(headers) + problems


def _check_columns(headers: list[str]) -> list[RowProblem]:
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if "full_name" not in headers and not ("first_name" in headers and "last_name" in headers):
        missing.append("full_name")
    if not missing:
        return []
    return [
        RowProblem(
            1,
            _("The header row is missing the column(s): %(columns)s.") % {"columns": ", ".join(missing)},
        )
    ]


def _validate_row(line: int, raw: Mapping[str, str], lookups: _Lookups) -> tuple[_Row | None, list[str]]:
    messages: list[str] = []
    if any(_CONTROL_CHARACTERS.search(value or "") for value in raw.values()):
        # PostgreSQL refuses NUL in text: caught here, the preview names the line instead of the
        # confirmation failing with a 500.
        messages.append(_("this row contains a control character (such as a NUL byte); save the file again as CSV."))
    email = raw.get("email", "").strip().lower()
    if not email:
        messages.append(_("the e-mail address is missing."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            messages.append(_("“%(value)s” is not a valid e-mail address.") % {"value": email})
    full_name = raw.get("full_name", "").strip() or " ".join(
        part for part in (raw.get("first_name", "").strip(), raw.get("last_name", "").strip()) if part
    )
    if not full_name:
        messages.append(_("the full name is missing."))
    elif len(full_name) > 200:
        messages.append(_("the full name is longer than 200 characters."))
    preferred_name = raw.get("preferred_name", "").strip()
    if len(preferred_name) > 100:
        messages.append(_("the preferred name is longer than 100 characters."))
    role_text = raw.get("job_role", "").strip()
    job_role = lookups.roles.get(_fold(role_text))
    if not role_text:
        messages.append(_("the job role is missing."))
    elif job_role is None:
        messages.append(_("“%(value)s” is not a known job role.") % {"value": role_text})
    school_text = raw.get("school", "").strip()
    school_id = lookups.schools.get(_fold(school_text))
    if not school_text:
        messages.append(_("the school is missing."))
    elif school_id is None:
        messages.append(_("“%(value)s” is not a known school code or name.") % {"value": school_text})
    hire_text = raw.get("hire_date", "").strip()
    hire_date = None
    if not hire_text:
        messages.append(_("the hire date is missing."))
    else:
        try:
            hire_date = date.fromisoformat(hire_text)
        except ValueError:
            messages.append(_("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": hire_text})
    language_text = raw.get("preferred_language", "").strip()
    language = None
    if language_text:
        language = lookups.languages.get(language_text.lower()) or lookups.languages.get(_fold(language_text))
        if language is None:
            messages.append(_("“%(value)s” is not a language the portal offers.") % {"value": language_text})
    if messages:
        return None, messages
    return (
        _Row(line, email, full_name, preferred_name, job_role, school_id, hire_date, language),
        [],
    )


def _wrap(progress: Callable[..., Iterable] | None, items: list, description: str) -> Iterable:
    return progress(items, total=len(items), desc=description) if progress else items


def import_staff(
    rows_or_file: Any,
    *,
    full: bool,
    dry_run: bool,
    progress: Callable[..., Iterable] | None = None,
    actor: User | None = None,
) -> ImportResult:
    """Upsert the HR roster by e-mail; all rows valid or nothing written.

    `rows_or_file`: a path, bytes, a file object (text or binary) or an iterable of dicts.
    `progress`: optional tqdm-like wrapper, called as progress(iterable, total=n, desc=...).
    A full import deactivates active people missing from the file (never superusers, never deletes).
    HR's preferred name and language only fill what the person has not chosen themselves.
    After a real import commits, `accounts.signals.staff_imported` is sent.
    """
    result = ImportResult(dry_run=dry_run, full=full)
    raw_rows, problems = _read_rows(rows_or_file)
    result.rows = len(raw_rows)
    if any(p.line == 1 for p in problems):  # no usable header: row messages would only add noise
        result.errors = problems
        return result

    lookups = _Lookups()
    valid: list[_Row] = []
    first_line_of: dict[str, int] = {}
    for line, raw in _wrap(progress, raw_rows, _("Checking rows")):
        row, messages = _validate_row(line, raw, lookups)
        if row is not None:
            if row.email in first_line_of:
                messages.append(
                    _("%(email)s is already on line %(line)s.") % {"email": row.email, "line": first_line_of[row.email]}
                )
            else:
                first_line_of[row.email] = line
        problems.extend(RowProblem(line, message) for message in messages)
        if not messages and row is not None:
            valid.append(row)
    if not raw_rows and not problems:
        problems.append(RowProblem(2, _("The file has no staff rows.")))
    if problems:
        result.errors = sorted(problems, key=lambda p: p.line)
        return result

    with transaction.atomic():
        if not dry_run:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])
        _plan_and_apply(valid, result, full=full, dry_run=dry_run, actor=actor)
        if result.errors:
            return result
        if not dry_run:
            created_ids, changed_ids = list(result.created_ids), list(result.changed_ids)
            transaction.on_commit(
                lambda: staff_imported.send(sender=User, created_ids=created_ids, changed_ids=changed_ids)
            )
    return result


def _plan_and_apply(valid: list[_Row], result: ImportResult, *, full: bool, dry_run: bool, actor) -> None:
    existing = {
        person["email_lower"]: person
        for person in User.objects.annotate(email_lower=Lower("email")).values(
            "id",
            "email_lower",
            "full_name",
            "preferred_name",
            "job_role",
            "school_id",
            "hire_date",
            "is_active",
            "is_superuser",
        )
    }
    # An address may already be another account's secondary address in allauth: that would collide.
    owners = dict(
        EmailAddress.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[row.email for row in valid])
        .values_list("email_lower", "user_id")
    )
    for row in valid:
        owner = owners.get(row.email)
        person = existing.get(row.email)
        if owner is not None and (person is None or owner != person["id"]):
            result.errors.append(
                RowProblem(row.line, _("%(email)s is already used by another account.") % {"email": row.email})
            )
    if result.errors:
        return

    now = timezone.now()
    unusable = make_password(None)
    to_create: list[User] = []
    to_update: list[User] = []
    seen_ids: list[int] = []
    for row in valid:
        person = existing.get(row.email)
        if person is None:
            result.created += 1
            result.created_emails.append(row.email)
            to_create.append(
                User(
                    email=row.email,
                    full_name=row.full_name,
                    preferred_name=row.preferred_name,
                    job_role=row.job_role,
                    school_id=row.school_id,
                    hire_date=row.hire_date,
                    preferred_language=row.preferred_language or settings.LANGUAGE_CODE,
                    password=unusable,
                    imported_at=now,
                )
            )
            continue
        seen_ids.append(person["id"])
        wanted = {
            "full_name": row.full_name,
            "job_role": row.job_role,
            "school_id": row.school_id,
            "hire_date": row.hire_date,
            "preferred_name": person["preferred_name"] or row.preferred_name,
        }
        changed = {name for name, value in wanted.items() if person[name] != value}
        if changed & {"job_role", "school_id"}:
            result.changed_ids.append(person["id"])
        if not person["is_active"]:
            result.reactivated += 1
            result.reactivated_emails.append(row.email)
        elif changed:
            result.updated += 1
            result.updated_emails.append(row.email)
        else:
            result.unchanged += 1
            continue
        to_update.append(User(id=person["id"], is_active=True, **wanted))

    in_file = {row.email for row in valid}
    leavers = []
    if full:
        leavers = [
            person
            for email, person in existing.items()
            if email not in in_file and person["is_active"] and not person["is_superuser"]
        ]
        result.deactivated = len(leavers)
        result.deactivated_emails = sorted(person["email_lower"] for person in leavers)

    if dry_run:
        result.changed_ids = []
        return

    created = User.objects.bulk_create(to_create, batch_size=1000)
    result.created_ids = [user.id for user in created]
    User.objects.bulk_update(
        to_update,
        ["full_name", "preferred_name", "job_role", "school_id", "hire_date", "is_active"],
        batch_size=1000,
    )
    if seen_ids:
        User.objects.filter(id__in=seen_ids).update(imported_at=now)
    if leavers:
        User.objects.filter(id__in=[person["id"] for person in leavers]).update(is_active=False)
    # bulk_update() and update() send no signal: the cached signed-in users are forgotten here.
    user_cache.forget(*(user.pk for user in to_update), *seen_ids, *(person["id"] for person in leavers))
    _verify_addresses(created, valid, existing)
    AuditLog.objects.create(
        actor=actor,
        action="accounts.import_staff",
        object_type="accounts.user",
        purpose=_("Full HR roster import") if full else _("HR roster import"),
        detail={"rows": result.rows, "full": full, **result.counts()},
    )


def _verify_addresses(created: list[User], valid: list[_Row], existing: dict[str, dict]) -> None:
    """HR vouches for these addresses: mark them verified so people can sign in by code."""
    owner_ids = {user.email: user.id for user in created}
    owner_ids.update({row.email: existing[row.email]["id"] for row in valid if row.email in existing})
    addresses = EmailAddress.objects.annotate(email_lower=Lower("email")).filter(user_id__in=owner_ids.values())
    has_primary = set()
    known = set()
    unverified = []
    for address_id, user_id, email_lower, verified, primary in addresses.values_list(
        "id", "user_id", "email_lower", "verified", "primary"
    ):
        if primary:
            has_primary.add(user_id)
        if owner_ids.get(email_lower) == user_id:
            known.add(email_lower)
            if not verified:
                unverified.append(address_id)
    if unverified:
        EmailAddress.objects.filter(id__in=unverified).update(verified=True)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=user_id, email=email, verified=True, primary=user_id not in has_primary)
            for email, user_id in owner_ids.items()
            if email not in known
        ],
        batch_size=1000,
    )


# --- Profile and e-mail preferences -----------------------------------------------------------------


@transaction.atomic
def update_profile(*, user: User, preferred_name: str, preferred_language: str) -> User:
    user.preferred_name = preferred_name.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["preferred_name", "preferred_language"])
    return user


@transaction.atomic
def set_email_opt_outs(*, user: User, opt_outs: Iterable[str]) -> User:
    allowed = set(EmailCategory.values)
    user.email_opt_outs = sorted(set(opt_outs) & allowed)
    user.save(update_fields=["email_opt_outs"])
    return user


@transaction.atomic
def unsubscribe(*, user_id: int, category: str) -> User:
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
