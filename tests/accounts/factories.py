"""Roster files for the HR import tests."""

from __future__ import annotations

import csv
import io

HEADER = ["email", "full_name", "preferred_name", "job_role", "school", "hire_date", "preferred_language"]


def roster_csv(rows: list[dict], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or HEADER, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode()


def person(n: int, site, **overrides) -> dict:
    row = {
        "email": f"person{n}@district.example",
        "full_name": f"Person Number{n}",
        "preferred_name": "",
        "job_role": "teacher",
        "school": site.code,
        "hire_date": "2020-08-15",
        "preferred_language": "",
    }
    row.update(overrides)
    return row
