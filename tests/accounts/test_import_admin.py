from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

from .factories import person, roster_csv

pytestmark = pytest.mark.django_db
IMPORT_URL = "/admin/accounts/user/import/"


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    # The admin's MFA requirement has its own tests (test_mfa.py); here it would only add set-up.
    settings.ADMIN_REQUIRES_MFA = False


def upload(content: bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_it_previews_then_imports_on_confirmation(
    client, hr_person, school, signals_received, django_capture_on_commit_callbacks
):
    leaver = UserFactory(email="leaver@district.example")
    client.force_login(hr_person)
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert IMPORT_URL.encode() in changelist.content

    content = roster_csv(
        [person(1, school), person(2, school), person(3, school, email=hr_person.email, full_name=hr_person.full_name)]
    )
    preview = client.post(IMPORT_URL, {"file": upload(content), "full": "on"})

    assert preview.status_code == 200
    assert preview.context["result"].counts() == {
        "created": 2,
        "updated": 1,
        "unchanged": 0,
        "deactivated": 1,
        "reactivated": 0,
    }
    assert b"Preview: nothing has been written yet" in preview.content
    assert b"leaver@district.example" in preview.content
    assert not User.objects.filter(email="person1@district.example").exists()
    token = preview.context["token"]

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(IMPORT_URL, {"token": token}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("admin:accounts_user_changelist")
    assert b"Staff imported." in done.content
    assert User.objects.filter(email__in=["person1@district.example", "person2@district.example"]).count() == 2
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert len(signals_received[0]["created_ids"]) == 2

    # The preview is used once: confirming again imports nothing twice.
    replay = client.post(IMPORT_URL, {"token": token}, follow=True)
    assert b"That preview has expired" in replay.content


def test_it_lists_every_problem_and_offers_no_confirmation(client, hr_person, school):
    client.force_login(hr_person)
    content = roster_csv([person(1, school, job_role="astronaut"), person(2, school, hire_date="yesterday")])

    response = client.post(IMPORT_URL, {"file": upload(content)})

    assert response.status_code == 200
    assert "token" not in response.context
    text = response.content.decode()
    assert "2 problems found: nothing was imported" in text
    assert "Line 2: “astronaut” is not a known job role." in text
    assert "Line 3: “yesterday” is not a date in the form YYYY-MM-DD." in text
    assert User.objects.count() == 1


def test_a_preview_cannot_be_confirmed_by_someone_else(client, hr_person, school):
    client.force_login(hr_person)
    token = client.post(IMPORT_URL, {"file": upload(roster_csv([person(1, school)]))}).context["token"]
    colleague = UserFactory(is_staff=True)
    colleague.groups.add(*hr_person.groups.all())
    client.force_login(colleague)

    client.post(IMPORT_URL, {"token": token})

    assert not User.objects.filter(email="person1@district.example").exists()


def test_it_is_forbidden_to_staff_without_the_permission(client, school):
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": upload(roster_csv([person(1, school)]))}).status_code == 403
    assert not User.objects.filter(email="person1@district.example").exists()


def test_it_sends_people_without_admin_access_to_sign_in(client, staff):
    client.force_login(staff)

    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"]
