"""Turning what the district's systems say (job titles, OneRoster roles, departments, orgs) into Belong's
job roles and schools. Reads only."""

from __future__ import annotations

from django.db.models.functions import Lower
from django.utils import translation

from accounts.models import JobRole, School

from .models import JobTitleMapping


def fold(text: str | None) -> str:
    return " ".join(str(text or "").replace("_", " ").replace("-", " ").split()).casefold()


def job_role_for_title(title: str | None) -> str | None:
    """The district's table first, then Belong's own role names; None when the title means nothing to us."""
    if not fold(title):
        return None
    mapped = (
        JobTitleMapping.objects.annotate(title_lower=Lower("title"))
        .filter(title_lower=str(title).strip().lower())
        .values_list("job_role", flat=True)
        .first()
    )
    if mapped:
        return mapped
    wanted = fold(title)
    with translation.override("en"):
        for value, label in JobRole.choices:
            if wanted in (fold(value), fold(str(label))):
                return value
    return None


def school_lookup() -> dict[str, int]:
    schools: dict[str, int] = {}
    for school_id, code, name in School.objects.values_list("id", "code", "name"):
        schools[fold(name)] = school_id
        schools[fold(code)] = school_id
    return schools


def school_for(*names: str | None) -> int | None:
    """The first of department, organisation… that names a school by code or name."""
    wanted = [fold(name) for name in names if fold(name)]
    if not wanted:
        return None
    schools = school_lookup()
    return next((schools[name] for name in wanted if name in schools), None)
