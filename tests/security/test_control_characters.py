"""What a person can type never answers 500: NUL and other control characters, invalid admin lookups.

Written as the attack: each request below answered 500 before belong.middleware.BadInputMiddleware
(and the HR import's row check) existed.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group as PermissionGroup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import person, roster_csv
from tests.factories import SchoolFactory, UserFactory
from tests.security.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_it_answers_400_to_a_nul_in_a_calendar_feed_token_signed_out(world, browser):
    response = browser.get("/me/calendar/%00.ics")

    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    text = response.content.decode()
    assert "<h1>Bad request</h1>" in text
    # The portal's layout and headers, as on the 404 page.
    assert 'class="language-form"' in text
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_it_answers_400_in_the_visitors_language(world, browser):
    response = browser.get("/plan/%01/", headers={"Accept-Language": "es"})

    assert response.status_code == 400
    assert '<html lang="es"' in response.content.decode()


def test_it_answers_400_to_a_nul_in_the_roster_search(world, browser):
    sign_in(browser, world, "lead")

    response = browser.get(reverse("groups:roster", args=[world.group.slug]), {"q": "\x00"})

    assert response.status_code == 400


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f\x00", "\x0b"])
def test_it_answers_400_to_control_characters_in_a_posted_form(world, browser, character):
    sign_in(browser, world, "staff")

    response = browser.post(reverse("accounts:profile"), {"preferred_name": f"Sam{character}"})

    assert response.status_code == 400
    world.user("staff").refresh_from_db()
    assert character not in world.user("staff").preferred_name


def test_it_lets_tabs_and_line_breaks_through_a_text_area(world, browser):
    sign_in(browser, world, "lead")

    response = browser.post(
        reverse("groups:email", args=[world.group.slug]),
        {"subject": "Hello", "body": "Line one\r\nLine\ttwo\n"},
    )

    assert response.status_code != 400


def test_it_answers_400_to_a_control_character_in_a_query_parameter_name(world, browser):
    response = browser.get("/plan/?%00=1")

    assert response.status_code == 400


def test_it_answers_400_to_an_invalid_regular_expression_in_an_admin_filter(world, browser):
    sign_in(browser, world, "superuser")

    response = browser.get(reverse("admin:groups_group_changelist") + "?name__regex=(")

    assert response.status_code == 400
    assert b"Bad request" in response.content


def test_it_still_answers_a_valid_admin_filter(world, browser):
    sign_in(browser, world, "superuser")

    response = browser.get(reverse("admin:groups_group_changelist") + "?name__regex=^Open")

    assert response.status_code == 200
    assert b"Open Harbor Circle" in response.content


# --- The HR import: a NUL in an uploaded file --------------------------------------------------------


@pytest.fixture
def hr_person(db):
    importlib.import_module("accounts.migrations.0003_hr_import_permission").grant_hr(apps, None)
    user = UserFactory(is_staff=True)
    user.groups.add(PermissionGroup.objects.get(name="HR"))
    return user


def test_it_names_the_line_of_a_nul_byte_in_an_hr_import_at_preview(settings, hr_person, browser):
    settings.ADMIN_REQUIRES_MFA = False
    school = SchoolFactory()
    browser.force_login(hr_person)
    content = roster_csv([person(1, school), person(2, school, full_name="Ann\x00Lee")])

    preview = browser.post(
        "/admin/accounts/user/import/",
        {"file": SimpleUploadedFile("roster.csv", content, content_type="text/csv")},
    )

    assert preview.status_code == 200
    assert "token" not in preview.context
    assert "Line 3: this row contains a control character" in preview.content.decode()
    assert not User.objects.filter(email__in=["person1@district.example", "person2@district.example"]).exists()


def test_it_answers_400_to_a_history_id_that_is_not_a_number(world, browser):
    sign_in(browser, world, "superuser")

    response = browser.get(f"/admin/groups/group/{world.group.pk}/history/abc/")

    assert response.status_code == 400


def test_it_answers_404_for_a_sign_in_provider_that_is_not_configured(world, browser, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    response = browser.get("/accounts/google/login/")

    assert response.status_code == 404


def test_it_leaves_the_comment_form_to_clean_what_was_pasted(world, browser):
    # The anonymous form removes control characters itself and keeps the rest: a 400 would lose
    # a comment someone pasted from a word processor.
    response = browser.post(reverse("comments:form"), {"body": "\x00\x07\x1b", "topic": str(world.topic.pk)})

    assert response.status_code == 200
    assert "Write your comment before sending it." in response.content.decode()


def test_it_renders_the_same_400_page_for_django_own_bad_requests(world, browser):
    # Django's handler for SuspiciousOperation renders templates/400.html without the request.
    response = browser.get("/plan/", headers={"Host": "attacker.example"})

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()
