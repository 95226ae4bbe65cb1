"""The requests Microsoft Entra ID and Okta send in a provisioning cycle, as their documentation shows them.

Entra ID: "Tutorial: Develop and plan provisioning for a SCIM endpoint" (request/response examples) and
"Known issues and resolutions with SCIM 2.0 protocol compliance" (capitalised ops, string booleans).
Okta: "SCIM 2.0 protocol reference" (create, read, update with PUT, deactivate by PATCH).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from belong.models import OutboxMessage
from groups.models import Membership
from provisioning.models import ScimIdentity
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@pytest.fixture
def sites(db):
    from accounts.models import School

    return {
        "north": School.objects.create(name="North High", code="NHS"),
        "south": School.objects.create(name="South Elementary", code="SES"),
    }


def patch(*operations):
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def test_it_follows_an_entra_id_provisioning_cycle(scim, sites, django_capture_on_commit_callbacks, client):
    # 1. Entra looks the person up before creating them.
    lookup = scim.get("Users", {"filter": 'userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"'})
    assert lookup.status_code == 200 and lookup.json()["totalResults"] == 0

    # 2. Create: Entra's own example, with a district title and department added.
    with django_capture_on_commit_callbacks(execute=True):
        created = scim.post(
            "Users",
            {
                "schemas": [USER, ENTERPRISE],
                "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
                "active": True,
                "emails": [
                    {
                        "primary": True,
                        "type": "work",
                        "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com",
                    }
                ],
                "meta": {"resourceType": "User"},
                "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
                "roles": [],
                "title": "Classroom Teacher",
                ENTERPRISE: {"department": "NHS"},
            },
        )
    assert created.status_code == 201, created.content
    user_id = created.json()["id"]
    person = User.objects.get(pk=user_id)
    # userName is not an address here, so the primary work e-mail is the account.
    assert person.email == "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"
    assert (person.full_name, person.job_role, person.school, person.is_active) == (
        "givenName familyName",
        "teacher",
        sites["north"],
        True,
    )
    assert OutboxMessage.objects.filter(recipient=person, kind="groups.welcome").count() == 1

    # 3. Entra reads it back by externalId and by id.
    found = scim.get("Users", {"filter": 'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"'}).json()
    assert [r["id"] for r in found["Resources"]] == [user_id]
    assert scim.get(f"Users/{user_id}").json()["userName"] == "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"

    # 4. Update with a path filter and capitalised ops (Entra's example).
    group = GroupFactory(eligible_roles=["teacher"])
    membership = MembershipFactory(group=group, user=person)
    with django_capture_on_commit_callbacks(execute=True):
        updated = scim.patch(
            f"Users/{user_id}",
            patch(
                {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "updatedEmail@microsoft.com"},
                {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
                {"op": "Replace", "path": "name.formatted", "value": "givenName updatedFamilyName"},
                {"op": "Replace", "path": "title", "value": "Assistant Principal"},
                {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "South Elementary"},
            ),
        )
    assert updated.status_code == 200, updated.content
    body = updated.json()
    assert body["emails"][0]["value"] == "updatedEmail@microsoft.com"
    assert body["name"]["familyName"] == "updatedFamilyName"
    person.refresh_from_db()
    assert (person.email, person.full_name, person.job_role, person.school) == (
        "updatedemail@microsoft.com",
        "givenName updatedFamilyName",
        "assistant_principal",
        sites["south"],
    )
    # The role change flags the teachers-only membership for the group's leads, as the HR import does.
    membership.refresh_from_db()
    assert membership.eligibility_flagged_at is not None
    assert OutboxMessage.objects.filter(recipient=person, kind="groups.welcome").count() == 1

    # 5. Disable, the way Entra's quirk mode sends it: a string boolean.
    client.force_login(person)
    assert client.get(reverse("accounts:profile")).status_code == 200
    disabled = scim.patch(f"Users/{user_id}", patch({"op": "Replace", "path": "active", "value": "False"}))
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    person.refresh_from_db()
    assert person.is_active is False
    # Their session is over: the next request is signed out.
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 302 and "login" in profile["Location"]
    assert Membership.objects.filter(pk=membership.pk).exists()  # nothing is deleted

    # 6. Enable again with a no-path replace carrying a string boolean.
    enabled = scim.patch(f"Users/{user_id}", patch({"op": "Replace", "value": {"active": "True"}}))
    assert enabled.status_code == 200 and enabled.json()["active"] is True
    assert User.objects.get(pk=user_id).is_active is True
    assert OutboxMessage.objects.filter(recipient=person, kind="groups.welcome").count() == 1


def test_it_accepts_entras_no_path_values_with_dotted_and_extension_keys(scim, sites):
    user_id = scim.post(
        "Users",
        {
            "schemas": [USER],
            "userName": "kim.lee@district.example",
            "active": True,
            "name": {"givenName": "Kim", "familyName": "Lee"},
        },
    ).json()["id"]
    response = scim.patch(
        f"Users/{user_id}",
        patch(
            {
                "op": "Replace",
                "value": {
                    "name.givenName": "Kimberly",
                    "name.formatted": "Kimberly Lee",
                    f"{ENTERPRISE}:department": "SES",
                    "title": "School Counselor",
                },
            }
        ),
    )
    assert response.status_code == 200, response.content
    person = User.objects.get(pk=user_id)
    assert (person.full_name, person.job_role, person.school) == ("Kimberly Lee", "counselor", sites["south"])


def test_it_follows_an_okta_provisioning_cycle(scim, sites, django_capture_on_commit_callbacks, client):
    lookup = scim.get("Users", {"filter": 'userName eq "test.user@okta.local"', "startIndex": "1", "count": "100"})
    assert lookup.json()["totalResults"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        created = scim.post(
            "Users",
            {
                "schemas": [USER],
                "userName": "test.user@okta.local",
                "name": {"givenName": "Test", "familyName": "User"},
                "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
                "displayName": "Test User",
                "locale": "en-US",
                "externalId": "00ujl29u0le5T6Aj10h7",
                "groups": [],
                "password": "1mz050nq",
                "active": True,
            },
        )
    assert created.status_code == 201, created.content
    body = created.json()
    assert "password" not in body
    user_id = body["id"]
    person = User.objects.get(pk=user_id)
    assert person.full_name == "Test User" and not person.has_usable_password()
    assert "password" not in ScimIdentity.objects.get(user=person).attributes
    assert OutboxMessage.objects.filter(recipient=person, kind="groups.welcome").count() == 1

    assert scim.get(f"Users/{user_id}").json()["displayName"] == "Test User"

    # Okta updates profile changes with a full PUT.
    replaced = scim.put(
        f"Users/{user_id}",
        {
            "schemas": [USER],
            "id": user_id,
            "userName": "test.user@okta.local",
            "name": {"givenName": "Another", "familyName": "User"},
            "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
            "displayName": "Another User",
            "locale": "en-US",
            "externalId": "00ujl29u0le5T6Aj10h7",
            "groups": [],
            "active": True,
            "title": "Paraprofessional",
        },
    )
    assert replaced.status_code == 200, replaced.content
    person.refresh_from_db()
    assert (person.full_name, person.job_role) == ("Another User", "paraeducator")

    # Okta deactivates with a no-path PATCH, and reactivates the same way.
    client.force_login(person)
    deactivated = scim.patch(f"Users/{user_id}", patch({"op": "replace", "value": {"active": False}}))
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert scim.get("Users", {"filter": 'userName eq "test.user@okta.local"'}).json()["totalResults"] == 1
    reactivated = scim.patch(f"Users/{user_id}", patch({"op": "replace", "value": {"active": True}}))
    assert reactivated.json()["active"] is True
    assert OutboxMessage.objects.filter(recipient=person, kind="groups.welcome").count() == 1


def test_it_links_a_person_the_hr_import_already_created(scim, staff):
    found = scim.get("Users", {"filter": f'userName eq "{staff.email}"'}).json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == str(staff.pk)
    linked = scim.patch(f"Users/{staff.pk}", patch({"op": "add", "path": "externalId", "value": "entra-123"}))
    assert linked.status_code == 200, linked.content
    assert ScimIdentity.objects.get(user=staff).external_id == "entra-123"
    assert User.objects.count() == 2  # staff and the superuser who made the token: no duplicate


def test_it_never_deactivates_a_superuser(scim, superuser):
    response = scim.patch(f"Users/{superuser.pk}", patch({"op": "replace", "path": "active", "value": False}))
    assert response.status_code == 200
    superuser.refresh_from_db()
    assert superuser.is_active is True


def test_it_welcomes_someone_created_inactive_only_when_they_are_activated(scim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_id = scim.post("Users", {"schemas": [USER], "userName": "later@district.example", "active": False}).json()[
            "id"
        ]
    person = User.objects.get(pk=user_id)
    assert not person.is_active
    assert not OutboxMessage.objects.filter(recipient=person, kind="groups.welcome").exists()
    with django_capture_on_commit_callbacks(execute=True):
        scim.patch(f"Users/{user_id}", patch({"op": "replace", "path": "active", "value": True}))
    assert OutboxMessage.objects.filter(recipient=person, kind="groups.welcome").count() == 1
