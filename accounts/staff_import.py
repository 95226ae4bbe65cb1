"""The HR roster import: a CSV (or rows already parsed) upserted by e-mail, all rows valid or nothing written.

Read → check every row against the schools, roles and languages loaded once → plan who is created, updated,
reactivated or (for a full import) deactivated → write it all in one transaction, audited. After a real import
commits, `accounts.signals.staff_imported` is sent (groups welcomes new hires and flags changed roles).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
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
from .models import JobRole, School, User
from .signals import staff_imported

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
        parsed = [
            (index + 2, {_normalise_header(k): "" if v is None else str(v).strip() for k, v in record.items()})
            for index, record in enumerate(records)
        ]
        return parsed, _check_columns([_normalise_header(h) for h in records[0]])
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


# Each field reader returns (value, problem): the value is None when there is a problem or nothing to read.
_Read = tuple[Any, str | None]


def _read_email(raw: Mapping[str, str]) -> _Read:
    email = raw.get("email", "").strip().lower()
    if not email:
        return None, _("the e-mail address is missing.")
    try:
        validate_email(email)
    except ValidationError:
        return None, _("“%(value)s” is not a valid e-mail address.") % {"value": email}
    return email, None


def _read_full_name(raw: Mapping[str, str]) -> _Read:
    full_name = raw.get("full_name", "").strip() or " ".join(
        part for part in (raw.get("first_name", "").strip(), raw.get("last_name", "").strip()) if part
    )
    if not full_name:
        return None, _("the full name is missing.")
    if len(full_name) > 200:
        return None, _("the full name is longer than 200 characters.")
    return full_name, None


def _read_preferred_name(raw: Mapping[str, str]) -> _Read:
    preferred_name = raw.get("preferred_name", "").strip()
    if len(preferred_name) > 100:
        return None, _("the preferred name is longer than 100 characters.")
    return preferred_name, None


def _read_job_role(raw: Mapping[str, str], lookups: _Lookups) -> _Read:
    text = raw.get("job_role", "").strip()
    if not text:
        return None, _("the job role is missing.")
    job_role = lookups.roles.get(_fold(text))
    if job_role is None:
        return None, _("“%(value)s” is not a known job role.") % {"value": text}
    return job_role, None


def _read_school(raw: Mapping[str, str], lookups: _Lookups) -> _Read:
    text = raw.get("school", "").strip()
    if not text:
        return None, _("the school is missing.")
    school_id = lookups.schools.get(_fold(text))
    if school_id is None:
        return None, _("“%(value)s” is not a known school code or name.") % {"value": text}
    return school_id, None


def _read_hire_date(raw: Mapping[str, str]) -> _Read:
    text = raw.get("hire_date", "").strip()
    if not text:
        return None, _("the hire date is missing.")
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": text}


def _read_language(raw: Mapping[str, str], lookups: _Lookups) -> _Read:
    text = raw.get("preferred_language", "").strip()
    if not text:
        return None, None
    language = lookups.languages.get(text.lower()) or lookups.languages.get(_fold(text))
    if language is None:
        return None, _("“%(value)s” is not a language the portal offers.") % {"value": text}
    return language, None


def _validate_row(line: int, raw: Mapping[str, str], lookups: _Lookups) -> tuple[_Row | None, list[str]]:
    """The row, or every problem with it (in column order, so the preview reads left to right)."""
    messages: list[str] = []
    if any(_CONTROL_CHARACTERS.search(value or "") for value in raw.values()):
        # PostgreSQL refuses NUL in text: caught here, the preview names the line instead of the
        # confirmation failing with a 500.
        messages.append(_("this row contains a control character (such as a NUL byte); save the file again as CSV."))
    reads = [
        _read_email(raw),
        _read_full_name(raw),
        _read_preferred_name(raw),
        _read_job_role(raw, lookups),
        _read_school(raw, lookups),
        _read_hire_date(raw),
        _read_language(raw, lookups),
    ]
    messages.extend(problem for _value, problem in reads if problem)
    if messages:
        return None, messages
    email, full_name, preferred_name, job_role, school_id, hire_date, language = (value for value, _p in reads)
    return _Row(line, email, full_name, preferred_name, job_role, school_id, hire_date, language), []


def _wrap(progress: Callable[..., Iterable] | None, items: list, description: str) -> Iterable:
    return progress(items, total=len(items), desc=description) if progress else items


# Other roster formats plug in here (provisioning registers OneRoster from its AppConfig.ready()), so the HR
# import page and `manage.py import_staff` take any of them without accounts importing the apps that read them.
# An importer answers None when the file is not in its format.
RosterImporter = Callable[..., "ImportResult | None"]
_roster_importers: list[RosterImporter] = []


def roster_format_register(importer: RosterImporter) -> None:
    if importer not in _roster_importers:
        _roster_importers.append(importer)


def roster_import(
    source: Any,
    *,
    full: bool,
    dry_run: bool,
    progress: Callable[..., Iterable] | None = None,
    actor: User | None = None,
) -> ImportResult:
    """The HR import for an HR CSV or any registered format: bytes, a path, or a list of paths (one = a file)."""
    if isinstance(source, list | tuple) and len(source) == 1:
        source = source[0]
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    for importer in _roster_importers:
        result = importer(source, full=full, dry_run=dry_run, progress=progress, actor=actor)
        if result is not None:
            return result
    return staff_import(source, full=full, dry_run=dry_run, progress=progress, actor=actor)


def staff_import(
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
    valid, row_problems = _validate_rows(raw_rows, progress)
    problems += row_problems
    if not raw_rows and not problems:
        problems.append(RowProblem(2, _("The file has no staff rows.")))
    if problems:
        result.errors = sorted(problems, key=lambda p: p.line)
        return result
    _plan_and_apply_atomically(valid, result, actor=actor)
    return result


def _validate_rows(
    raw_rows: list[tuple[int, dict[str, str]]], progress: Callable[..., Iterable] | None
) -> tuple[list[_Row], list[RowProblem]]:
    """The valid rows, and the problems of the others (an address twice in the file is one)."""
    lookups = _Lookups()
    valid: list[_Row] = []
    problems: list[RowProblem] = []
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
    return valid, problems


def _plan_and_apply_atomically(valid: list[_Row], result: ImportResult, *, actor: User | None) -> None:
    with transaction.atomic():
        if not result.dry_run:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])
        _plan_and_apply(valid, result, actor=actor)
        if result.errors or result.dry_run:
            return
        created_ids, changed_ids = list(result.created_ids), list(result.changed_ids)
        transaction.on_commit(
            lambda: staff_imported.send(sender=User, created_ids=created_ids, changed_ids=changed_ids)
        )


@dataclass
class _Plan:
    """What a real import writes: filled while the result's counts are taken."""

    existing: dict[str, dict[str, Any]]
    now: datetime
    to_create: list[User] = field(default_factory=list)
    to_update: list[User] = field(default_factory=list)
    seen_ids: list[int] = field(default_factory=list)
    leavers: list[dict[str, Any]] = field(default_factory=list)


def _plan_and_apply(valid: list[_Row], result: ImportResult, *, actor: User | None) -> None:
    existing = _existing_people()
    result.errors = _address_clashes(valid, existing)
    if result.errors:
        return
    plan = _Plan(existing=existing, now=timezone.now())
    _plan_rows(valid, plan, result)
    if result.full:
        _plan_leavers(valid, plan, result)
    if result.dry_run:
        result.changed_ids = []
        return
    _apply(plan, valid, result)
    AuditLog.objects.create(
        actor=actor,
        action="accounts.import_staff",
        object_type="accounts.user",
        purpose=_("Full HR roster import") if result.full else _("HR roster import"),
        detail={"rows": result.rows, "full": result.full, **result.counts()},
    )


def _existing_people() -> dict[str, dict[str, Any]]:
    """Every account, by lower-cased e-mail, with the facts the import compares."""
    return {
        person["email_lower"]: dict(person)
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


def _address_clashes(valid: list[_Row], existing: dict[str, dict[str, Any]]) -> list[RowProblem]:
    """Rows whose address is already another account's secondary address in allauth: they would collide."""
    owners = dict(
        EmailAddress.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[row.email for row in valid])
        .values_list("email_lower", "user_id")
    )
    problems = []
    for row in valid:
        owner = owners.get(row.email)
        person = existing.get(row.email)
        if owner is not None and (person is None or owner != person["id"]):
            problems.append(
                RowProblem(row.line, _("%(email)s is already used by another account.") % {"email": row.email})
            )
    return problems


def _plan_rows(valid: list[_Row], plan: _Plan, result: ImportResult) -> None:
    """New people to create; known people to update or reactivate (HR's preferred name fills a blank only)."""
    unusable = make_password(None)
    for row in valid:
        person = plan.existing.get(row.email)
        if person is None:
            result.created += 1
            result.created_emails.append(row.email)
            plan.to_create.append(
                User(
                    email=row.email,
                    full_name=row.full_name,
                    preferred_name=row.preferred_name,
                    job_role=row.job_role,
                    school_id=row.school_id,
                    hire_date=row.hire_date,
                    preferred_language=row.preferred_language or settings.LANGUAGE_CODE,
                    password=unusable,
                    imported_at=plan.now,
                )
            )
            continue
        plan.seen_ids.append(person["id"])
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
        plan.to_update.append(User(id=person["id"], is_active=True, **wanted))


def _plan_leavers(valid: list[_Row], plan: _Plan, result: ImportResult) -> None:
    """A full import: active people missing from the file leave (never superusers)."""
    in_file = {row.email for row in valid}
    plan.leavers = [
        person
        for email, person in plan.existing.items()
        if email not in in_file and person["is_active"] and not person["is_superuser"]
    ]
    result.deactivated = len(plan.leavers)
    result.deactivated_emails = sorted(person["email_lower"] for person in plan.leavers)


def _apply(plan: _Plan, valid: list[_Row], result: ImportResult) -> None:
    created = User.objects.bulk_create(plan.to_create, batch_size=1000)
    result.created_ids = [user.id for user in created]
    User.objects.bulk_update(
        plan.to_update,
        ["full_name", "preferred_name", "job_role", "school_id", "hire_date", "is_active"],
        batch_size=1000,
    )
    if plan.seen_ids:
        User.objects.filter(id__in=plan.seen_ids).update(imported_at=plan.now)
    if plan.leavers:
        User.objects.filter(id__in=[person["id"] for person in plan.leavers]).update(is_active=False)
    # bulk_update() and update() send no signal: the cached signed-in users are forgotten here.
    user_cache.forget(*(user.pk for user in plan.to_update), *plan.seen_ids, *(person["id"] for person in plan.leavers))
    _verify_addresses(created, valid, plan.existing)


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
