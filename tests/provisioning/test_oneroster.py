# ruff: noqa: E501 - the OneRoster sample files keep their one-line CSV headers
"""OneRoster 1.1 and 1.2 bulk exports through the HR import: a sample written from the spec with every staff
role, students and guardians, and an org hierarchy (district > schools > a department)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import School, User
from accounts.staff_import import roster_import as import_roster  # the HR import, with OneRoster registered
from tests.accounts.conftest import hr_person  # noqa: F401 - the HR person fixture

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("admin:accounts_user_import")

ORGS = """sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
org-district,active,2026-08-01T00:00:00Z,Riverside Unified,district,RUSD,
org-north,active,2026-08-01T00:00:00Z,North High School,school,NHS,org-district
org-south,active,2026-08-01T00:00:00Z,South Elementary,school,SES,org-district
org-north-science,active,2026-08-01T00:00:00Z,North High Science Department,department,NHS-SCI,org-north
"""

# OneRoster 1.1: the role and orgs are columns of users.csv.
USERS_11 = """sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
u-1,active,2026-08-01T00:00:00Z,true,org-north,teacher,tjones,,Terry,Jones,,1001,tjones@district.example,,,,,
u-2,active,2026-08-01T00:00:00Z,true,org-south,aide,amiller,,Alex,Miller,,1002,amiller@district.example,,,,,
u-3,active,2026-08-01T00:00:00Z,true,org-district,administrator,pchen,,Pat,Chen,,1003,pchen@district.example,,,,,
u-4,active,2026-08-01T00:00:00Z,true,org-north-science,proctor,rdiaz,,Robin,Diaz,,1004,rdiaz@district.example,,,,,
u-5,active,2026-08-01T00:00:00Z,true,org-north,student,student1,,Sam,Student,,2001,sam@students.district.example,,,,09,
u-6,active,2026-08-01T00:00:00Z,true,org-north,guardian,guardian1,,Gail,Guardian,,3001,gail@example.com,,,u-5,,
u-7,active,2026-08-01T00:00:00Z,true,org-south,parent,parent1,,Pam,Parent,,3002,pam@example.com,,,,,
u-8,active,2026-08-01T00:00:00Z,true,org-south,relative,relative1,,Rae,Relative,,3003,rae@example.com,,,,,
"""

# OneRoster 1.2: roles live in roles.csv, with a primary org and a begin date.
USERS_12 = """sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrg,pronouns
u-11,active,2026-08-01T00:00:00Z,true,kwu,,Kai,Wu,,1011,kwu@district.example,,,,,,,,,,,org-north,
u-12,active,2026-08-01T00:00:00Z,true,lbrown,,Lee,Brown,,1012,lbrown@district.example,,,,,,,,,,,org-south,
u-13,active,2026-08-01T00:00:00Z,true,mgarcia,,Maria,Garcia,,1013,mgarcia@district.example,,,,,,,,Mari,,,org-north,
u-14,active,2026-08-01T00:00:00Z,true,nkim,,Noor,Kim,,1014,nkim@district.example,,,,,,,,,,,org-district,
u-15,active,2026-08-01T00:00:00Z,true,opatel,,Omar,Patel,,1015,opatel@district.example,,,,,,,,,,,org-district,
u-16,active,2026-08-01T00:00:00Z,true,qsmith,,Quinn,Smith,,1016,qsmith@district.example,,,,,,,,,,,org-south,
u-17,active,2026-08-01T00:00:00Z,true,rlopez,,Rosa,Lopez,,1017,rlopez@district.example,,,,,,,,,,,org-north,
u-18,active,2026-08-01T00:00:00Z,true,student2,,Sky,Student,,2002,sky@students.district.example,,,,05,,,,,,,org-south,
u-19,tobedeleted,2026-08-01T00:00:00Z,true,gone,,Gone,Person,,1019,gone@district.example,,,,,,,,,,,org-south,
"""
ROLES_12 = """sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
r-11,active,2026-08-01T00:00:00Z,u-11,primary,teacher,2019-08-20,,org-north,
r-11b,active,2026-08-01T00:00:00Z,u-11,secondary,aide,,,org-south,
r-12,active,2026-08-01T00:00:00Z,u-12,primary,counselor,2021-01-04,,org-south,
r-13,active,2026-08-01T00:00:00Z,u-13,primary,principal,,,org-north,
r-14,active,2026-08-01T00:00:00Z,u-14,primary,districtAdministrator,,,org-district,
r-15,active,2026-08-01T00:00:00Z,u-15,primary,systemAdministrator,,,org-district,
r-16,active,2026-08-01T00:00:00Z,u-16,primary,siteAdministrator,,,org-south,
r-17,active,2026-08-01T00:00:00Z,u-17,primary,proctor,,,org-north-science,
r-18,active,2026-08-01T00:00:00Z,u-18,primary,student,,,org-south,
r-19,active,2026-08-01T00:00:00Z,u-19,primary,teacher,,,org-south,
"""


def zipped(**files: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", "propertyName,value\nmanifest.version,1.0\n")
        for name, text in files.items():
            archive.writestr(f"export/{name}.csv", text)
    return buffer.getvalue()


def test_it_imports_a_oneroster_11_zip_with_staff_roles_and_org_hierarchy(django_capture_on_commit_callbacks):
    School.objects.create(name="South Elementary", code="south")  # known by name: reused
    with django_capture_on_commit_callbacks(execute=True):
        result = import_roster(zipped(users=USERS_11, orgs=ORGS), full=False, dry_run=False)
    assert result.ok, [str(e) for e in result.errors]
    people = {u.email: (u.job_role, u.school.name) for u in User.objects.select_related("school")}
    assert people == {
        "tjones@district.example": ("teacher", "North High School"),
        "amiller@district.example": ("paraeducator", "South Elementary"),
        "pchen@district.example": ("district_administrator", "Riverside Unified"),
        # A department belongs to the school above it.
        "rdiaz@district.example": ("paraeducator", "North High School"),
    }
    assert set(School.objects.values_list("code", flat=True)) == {"south", "nhs", "rusd"}
    assert result.counts()["created"] == 4


def test_it_imports_a_oneroster_12_file_set_with_roles_csv(tmp_path):
    for name, text in {"users.csv": USERS_12, "orgs.csv": ORGS, "roles.csv": ROLES_12}.items():
        (tmp_path / name).write_text(text)
    out = io.StringIO()
    call_command(
        "import_staff",
        str(tmp_path / "users.csv"),
        str(tmp_path / "orgs.csv"),
        str(tmp_path / "roles.csv"),
        stdout=out,
        verbosity=0,
    )
    assert "created 7" in out.getvalue()
    people = {u.email: (u.job_role, u.school.code, u.full_name) for u in User.objects.select_related("school")}
    assert people == {
        "kwu@district.example": ("teacher", "nhs", "Kai Wu"),  # the primary role wins
        "lbrown@district.example": ("counselor", "ses", "Lee Brown"),
        "mgarcia@district.example": ("principal", "nhs", "Mari Garcia"),
        "nkim@district.example": ("district_administrator", "rusd", "Noor Kim"),
        "opatel@district.example": ("technology", "rusd", "Omar Patel"),
        "qsmith@district.example": ("principal", "ses", "Quinn Smith"),
        "rlopez@district.example": ("paraeducator", "nhs", "Rosa Lopez"),
    }
    assert str(User.objects.get(email="kwu@district.example").hire_date) == "2019-08-20"


def test_it_previews_and_applies_a_oneroster_zip_in_the_admin(
    client,
    hr_person,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    client.force_login(hr_person)
    upload = SimpleUploadedFile("oneroster.zip", zipped(users=USERS_11, orgs=ORGS), content_type="application/zip")
    preview = client.post(IMPORT_URL, {"file": upload})
    assert preview.status_code == 200 and preview.context["result"].ok
    assert preview.context["result"].counts()["created"] == 4
    # The preview writes nothing, not even the schools it would add.
    assert not User.objects.filter(email="tjones@district.example").exists()
    assert not School.objects.filter(code="nhs").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(IMPORT_URL, {"token": preview.context["token"]}, follow=True)
    assert User.objects.get(email="tjones@district.example").school.code == "nhs"


def test_it_names_the_file_line_and_column_of_each_problem():
    users = USERS_11.replace("org-south,aide,", "org-south,wizard,").replace(
        "org-north-science,proctor", "org-nowhere,proctor"
    )
    result = import_roster(zipped(users=users, orgs=ORGS), full=False, dry_run=True)
    assert [str(e) for e in result.errors] == [
        "users.csv, line 3, column 6 (role): “wizard” is not a staff role Belong knows: add it to the job title "
        "table in the admin.",
        "users.csv, line 5, column 5 (orgSourcedIds): “org-nowhere” is not an org in orgs.csv.",
    ]
    assert not User.objects.filter(email="tjones@district.example").exists()


def test_it_reports_problems_the_hr_import_finds_on_the_oneroster_line():
    users = USERS_11.replace("amiller@district.example", "not-an-address")
    result = import_roster(zipped(users=users, orgs=ORGS), full=False, dry_run=True)
    assert [str(e) for e in result.errors] == ["users.csv, line 3: “not-an-address” is not a valid e-mail address."]


def test_it_refuses_missing_files_headers_and_broken_zips():
    assert [str(e) for e in import_roster(zipped(users=USERS_11), full=False, dry_run=True).errors] == [
        "orgs.csv, line 1: this OneRoster file is missing."
    ]
    no_email = USERS_11.replace(",email,", ",mail,")
    assert "users.csv, line 1: the header row has no “email” column." in [
        str(e) for e in import_roster(zipped(users=no_email, orgs=ORGS), full=False, dry_run=True).errors
    ]
    broken = import_roster(b"PK\x03\x04 not really a zip", full=False, dry_run=True)
    assert not broken.ok


def test_it_still_imports_an_ordinary_hr_csv(school):
    content = (
        f"email,full_name,job_role,school,hire_date\nann@district.example,Ann Lee,teacher,{school.code},2020-08-15\n"
    ).encode()
    assert import_roster(content, full=False, dry_run=False).counts()["created"] == 1


def test_it_reports_a_missing_file_from_the_command():
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_staff", "/nonexistent/users.csv", verbosity=0)


def test_it_refuses_a_file_with_a_nul_character():
    users = USERS_11.replace("Alex", "Al\x00ex")
    result = import_roster(zipped(users=users, orgs=ORGS), full=False, dry_run=True)
    assert [str(e) for e in result.errors] == [
        "users.csv, line 3: the file contains a NUL character: it is damaged or not CSV."
    ]
