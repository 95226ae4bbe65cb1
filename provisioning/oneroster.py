"""OneRoster 1.1 / 1.2 bulk CSV exports (a zip, or users.csv + orgs.csv [+ roles.csv]) as an HR import.

The files are turned into the HR import's rows and handed to `accounts.staff_import.staff_import`, so the
preview, the all-or-nothing apply and every effect are the HR import's own. Students, guardians,
parents and relatives are left out; staff roles map to job roles through the district's job-title
table; each person's org — or, for a department, the school above it — becomes their school, and an org
Belong does not know yet becomes a new school when the import is applied.

OneRoster has no hire date: a role's beginDate (1.2 roles.csv) is used when there is one, else the date
Belong already holds, else the day of the import.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import School, User
from accounts.staff_import import ImportResult, staff_import

from .mapping import fold, job_role_for_title, school_lookup

NOT_STAFF = frozenset({"student", "guardian", "parent", "relative"})
WANTED_FILES = ("users.csv", "orgs.csv", "roles.csv")
# A zip is read only this far: a small archive that inflates to gigabytes is refused, not unpacked.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
USER_COLUMNS = ("sourcedId", "email", "givenName", "familyName")
ORG_COLUMNS = ("sourcedId", "name", "type")


@dataclass(frozen=True)
class FileProblem:
    file: str
    line: int
    message: str
    column: str = ""
    column_number: int = 0

    def __str__(self) -> str:
        if self.column:
            return _("%(file)s, line %(line)s, column %(number)s (%(column)s): %(message)s") % {
                "file": self.file,
                "line": self.line,
                "number": self.column_number,
                "column": self.column,
                "message": self.message,
            }
        return _("%(file)s, line %(line)s: %(message)s") % {
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }


# --- Recognising and reading the files --------------------------------------------------------------


def oneroster_files(source: Any) -> dict[str, bytes] | None:
    """The OneRoster files in `source` (zip bytes, a zip path, or a list of CSV paths), or None when it is
    an ordinary HR roster."""
    if isinstance(source, list | tuple):
        paths = [Path(p) for p in source]
        if len(paths) == 1:
            source = paths[0]
        else:
            return {p.name.lower(): p.read_bytes() for p in paths}
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    elif hasattr(source, "read"):
        source = source.read()
    if not isinstance(source, bytes) or not source.startswith(b"PK\x03\x04"):
        return None
    files: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            budget = MAX_UNPACKED_BYTES
            for info in archive.infolist():
                name = info.filename.rsplit("/", 1)[-1].lower()
                if name not in WANTED_FILES:
                    continue
                if info.file_size > budget:
                    return {"": b"too-large"}
                budget -= info.file_size
                with archive.open(info) as member:
                    files[name] = member.read(info.file_size + 1)[: info.file_size]
    except (zipfile.BadZipFile, OSError, ValueError):
        return {"": b"bad-zip"}
    return files


def _records(name: str, content: bytes, problems: list[FileProblem]) -> tuple[list[str], list[tuple[int, dict]]]:
    if b"\x00" in content:
        # PostgreSQL stores no NUL character; a file holding one is damaged or not text.
        line = content[: content.index(b"\x00")].count(b"\n") + 1
        problems.append(FileProblem(name, line, _("the file contains a NUL character: it is damaged or not CSV.")))
        return [], []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(FileProblem(name, 1, _("the file is not UTF-8 text, as OneRoster requires.")))
        return [], []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict]] = []
    line = 2
    try:
        headers = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = headers
        for record in reader:
            if None in record:
                problems.append(FileProblem(name, line, _("this row has more values than the header has columns.")))
            rows.append((line, {k: (v or "").strip() for k, v in record.items() if k is not None}))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(FileProblem(name, line, _("the file is not valid CSV here: %(error)s") % {"error": error}))
        return [], []
    return headers, rows


def _require(name: str, headers: list[str], columns: Iterable[str], problems: list[FileProblem]) -> bool:
    missing = [c for c in columns if c not in headers]
    for column in missing:
        problems.append(FileProblem(name, 1, _("the header row has no “%(column)s” column.") % {"column": column}))
    return not missing


# --- Turning them into HR rows ----------------------------------------------------------------------


@dataclass
class Plan:
    rows: list[dict[str, str]]
    origins: list[tuple[str, int]]  # (file, line) of each row, for messages from the HR import
    new_schools: dict[str, str]  # code -> name, created when applied
    skipped: int = 0


def plan(files: dict[str, bytes]) -> tuple[Plan, list[FileProblem]]:
    problems: list[FileProblem] = []
    result = Plan(rows=[], origins=[], new_schools={})
    if "" in files:
        message = (
            _("the zip archive inflates to more than 100 MB.")
            if files[""] == b"too-large"
            else _("the file is not a readable zip archive.")
        )
        return result, [FileProblem(_("upload"), 1, message)]
    for required in ("users.csv", "orgs.csv"):
        if required not in files:
            problems.append(FileProblem(required, 1, _("this OneRoster file is missing.")))
    if problems:
        return result, problems
    user_headers, users = _records("users.csv", files["users.csv"], problems)
    org_headers, orgs = _records("orgs.csv", files["orgs.csv"], problems)
    role_headers, roles = _records("roles.csv", files["roles.csv"], problems) if "roles.csv" in files else ([], [])
    if problems:
        return result, problems
    ok = _require("users.csv", user_headers, USER_COLUMNS, problems)
    ok &= _require("orgs.csv", org_headers, ORG_COLUMNS, problems)
    if "role" not in user_headers and not roles:
        problems.append(
            FileProblem(
                "users.csv", 1, _("there is no “role” column (OneRoster 1.1) and no roles.csv (OneRoster 1.2).")
            )
        )
        ok = False
    if roles:
        ok &= _require("roles.csv", role_headers, ("userSourcedId", "role", "orgSourcedId"), problems)
    if not ok:
        return result, problems

    def col(headers: list[str], column: str) -> int:
        return headers.index(column) + 1 if column in headers else 0

    org_by_id = {org["sourcedId"]: (line, org) for line, org in orgs if org.get("status", "") != "tobedeleted"}
    known = school_lookup()

    def site_for(org_id: str, file: str, line: int, column: str, headers: list[str]) -> str | None:
        """The school code for an org: itself, or for a department the nearest org above it."""
        seen = set()
        current = org_id
        while current in org_by_id and current not in seen:
            seen.add(current)
            org = org_by_id[current][1]
            if org.get("type", "").lower() != "department":
                identifier = org.get("identifier") or org["sourcedId"]
                for candidate in (identifier, org["name"]):
                    if fold(candidate) in known:
                        return candidate
                code = slugify(identifier)[:40] or slugify(org["sourcedId"])[:40]
                result.new_schools.setdefault(code, org["name"][:200])
                return code
            current = org.get("parentSourcedId", "")
        problems.append(
            FileProblem(
                file, line, _("“%(org)s” is not an org in orgs.csv.") % {"org": org_id}, column, col(headers, column)
            )
        )
        return None

    primary_roles: dict[str, tuple[int, dict]] = {}
    for line, role in roles:
        if role.get("status", "") == "tobedeleted":
            continue
        current = primary_roles.get(role["userSourcedId"])
        if current is None or (
            role.get("roleType", "").lower() == "primary" and current[1].get("roleType", "").lower() != "primary"
        ):
            primary_roles[role["userSourcedId"]] = (line, role)

    existing_hire = dict(User.objects.filter(hire_date__isnull=False).values_list("email", "hire_date"))
    today = timezone.localdate().isoformat()
    for line, user in users:
        if user.get("status", "") == "tobedeleted" or user.get("enabledUser", "true").lower() == "false":
            result.skipped += 1
            continue
        if "role" in user_headers and user.get("role"):
            role_name, role_file, role_line, role_headers_, begin = user["role"], "users.csv", line, user_headers, ""
            org_ids = [o.strip() for o in user.get("orgSourcedIds", "").split(",") if o.strip()]
            org_column, org_file, org_line, org_headers_ = "orgSourcedIds", "users.csv", line, user_headers
        elif user["sourcedId"] in primary_roles:
            role_line, role = primary_roles[user["sourcedId"]]
            role_name, role_file, role_headers_, begin = (
                role["role"],
                "roles.csv",
                role_headers,
                role.get("beginDate", ""),
            )
            org_ids = [role["orgSourcedId"]]
            org_column, org_file, org_line, org_headers_ = "orgSourcedId", "roles.csv", role_line, role_headers
        else:
            problems.append(
                FileProblem("users.csv", line, _("this user has no role."), "role", col(user_headers, "role"))
            )
            continue
        if role_name.lower() in NOT_STAFF:
            result.skipped += 1
            continue
        job_role = job_role_for_title(role_name)
        if job_role is None:
            problems.append(
                FileProblem(
                    role_file,
                    role_line,
                    _("“%(value)s” is not a staff role Belong knows: add it to the job title table in the admin.")
                    % {"value": role_name},
                    "role",
                    col(role_headers_, "role"),
                )
            )
            continue
        if not org_ids and user.get("primaryOrg"):
            org_ids = [user["primaryOrg"]]
            org_column, org_file, org_line, org_headers_ = "primaryOrg", "users.csv", line, user_headers
        if not org_ids:
            problems.append(
                FileProblem(org_file, org_line, _("this user has no org."), org_column, col(org_headers_, org_column))
            )
            continue
        school = site_for(org_ids[0], org_file, org_line, org_column, org_headers_)
        email = user.get("email", "").lower() or (
            user.get("username", "").lower() if "@" in user.get("username", "") else ""
        )
        result.rows.append(
            {
                "email": email,
                "first_name": user.get("preferredGivenName") or user.get("givenName", ""),
                "last_name": user.get("preferredFamilyName") or user.get("familyName", ""),
                "job_role": job_role,
                "school": school or "",
                "hire_date": begin[:10] if _is_date(begin[:10]) else str(existing_hire.get(email, today)),
            }
        )
        result.origins.append(("users.csv", line))
    return result, problems


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# --- The import -------------------------------------------------------------------------------------


def oneroster_import(
    source: Any,
    *,
    full: bool,
    dry_run: bool,
    progress: Callable[..., Iterable] | None = None,
    actor: User | None = None,
) -> ImportResult | None:
    """A OneRoster export through the HR import; None when `source` is not one (accounts' format hook)."""
    files = oneroster_files(source)
    if files is None:
        return None
    roster, problems = plan(files)
    if problems:
        result = ImportResult(dry_run=dry_run, full=full, rows=len(roster.rows))
        result.errors = problems
        return result
    with transaction.atomic():
        # New schools exist for the check and are kept only when a real import succeeds.
        for code, name in roster.new_schools.items():
            School.objects.get_or_create(code=code, defaults={"name": _unique_name(name)})
        result = staff_import(roster.rows, full=full, dry_run=dry_run, progress=progress, actor=actor)
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    result.errors = [
        FileProblem(*roster.origins[problem.line - 2], problem.message)
        if 2 <= problem.line < len(roster.origins) + 2
        else problem
        for problem in result.errors
    ]
    result.new_schools = sorted(roster.new_schools.values())
    return result


def _unique_name(name: str) -> str:
    if not School.objects.filter(name=name).exists():
        return name
    n = 2
    while School.objects.filter(name=f"{name} ({n})").exists():
        n += 1
    return f"{name} ({n})"
