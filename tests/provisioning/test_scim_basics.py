from __future__ import annotations

import pytest

from accounts.models import User
from belong.models import AuditLog
from provisioning.models import ScimIdentity, ScimScope, ScimToken
from provisioning.services import scim_token_create, scim_token_revoke

from .conftest import ScimClient

pytestmark = pytest.mark.django_db
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def new_user(email="ada.lovelace@district.example", **extra):
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "externalId": "ext-" + email,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": email, "type": "work", "primary": True}],
        "title": "Classroom Teacher",
        "active": True,
        ENTERPRISE: {"department": "North High", "employeeNumber": "701984"},
        **extra,
    }


def test_it_creates_reads_and_finds_a_user(scim, school):
    school.name = "North High"
    school.save()
    created = scim.post("Users", new_user())
    assert created.status_code == 201, created.content
    body = created.json()
    person = User.objects.get(email="ada.lovelace@district.example")
    assert body["id"] == str(person.pk)
    assert (person.full_name, person.job_role, person.school_id, person.is_active) == (
        "Ada Lovelace",
        "teacher",
        school.pk,
        True,
    )
    assert body[ENTERPRISE]["employeeNumber"] == "701984"
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{person.pk}")

    read = scim.get(f"Users/{person.pk}")
    assert read.status_code == 200
    assert read.json()["userName"] == "ada.lovelace@district.example"

    found = scim.get("Users", {"filter": 'userName eq "ADA.lovelace@district.example"'}).json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == str(person.pk)
    by_external = scim.get("Users", {"filter": 'externalId eq "ext-ada.lovelace@district.example"'}).json()
    assert by_external["totalResults"] == 1
    nobody = scim.get("Users", {"filter": 'userName eq "nobody@district.example"'}).json()
    assert nobody["totalResults"] == 0 and nobody.get("Resources", []) == []


def test_it_pages_the_list(scim, django_user_model):
    for n in range(5):
        django_user_model.objects.create_user(f"p{n}@district.example")
    first = scim.get("Users", {"startIndex": 1, "count": 2}).json()
    second = scim.get("Users", {"startIndex": 3, "count": 2}).json()
    total = django_user_model.objects.count()
    assert first["totalResults"] == second["totalResults"] == total
    assert first["itemsPerPage"] == 2 and second["startIndex"] == 3
    assert {r["id"] for r in first["Resources"]}.isdisjoint({r["id"] for r in second["Resources"]})


def test_it_serves_discovery(scim):
    config = scim.get("ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True and config["bulk"]["supported"] is False
    types = scim.get("ResourceTypes").json()
    assert [t["id"] for t in types["Resources"]] == ["User"]
    schemas = {s["id"] for s in scim.get("Schemas").json()["Resources"]}
    assert schemas == {USER, ENTERPRISE}


def test_it_refuses_requests_without_a_valid_token(client, scim_secret, superuser):
    assert ScimClient(client, None).get("Users").status_code == 401
    assert ScimClient(client, "belong_scim_guessed").get("Users").status_code == 401
    token = ScimToken.objects.get()
    scim_token_revoke(token=token, by=superuser)
    assert ScimClient(client, scim_secret).get("Users").status_code == 401


def test_it_lets_a_read_only_token_read_but_not_write(client, superuser):
    _, secret = scim_token_create(name="Audit", scopes=[ScimScope.READ], by=superuser)
    reader = ScimClient(client, secret)
    assert reader.get("Users").status_code == 200
    assert reader.post("Users", new_user()).status_code == 403
    assert not User.objects.filter(email="ada.lovelace@district.example").exists()


def test_it_keeps_only_a_hash_and_audits_every_call_without_the_token(scim, scim_secret):
    token = ScimToken.objects.get()
    assert scim_secret not in (token.key_hash, token.prefix) and len(token.key_hash) == 64
    scim.get("Users")
    scim.post("Users", new_user())
    calls = AuditLog.objects.filter(action="provisioning.scim_call").order_by("created_at")
    assert [(c.detail["method"], c.detail["status"], c.purpose) for c in calls] == [
        ("GET", 200, "Entra ID"),
        ("POST", 201, "Entra ID"),
    ]
    assert calls[1].object_id == str(User.objects.get(email="ada.lovelace@district.example").pk)
    every_row = " ".join(str(row) for row in AuditLog.objects.values_list("detail", "purpose", "object_id"))
    assert scim_secret not in every_row


def test_it_deletes_nothing_on_delete(scim):
    person_id = scim.post("Users", new_user()).json()["id"]
    assert scim.delete(f"Users/{person_id}").status_code == 204
    assert scim.get(f"Users/{person_id}").status_code == 404
    person = User.objects.get(pk=person_id)
    assert person.is_active is False
    assert ScimIdentity.objects.get(user=person).removed_at is not None
    # Provisioned again later: the same account comes back.
    again = scim.post("Users", new_user())
    assert again.status_code == 201 and again.json()["id"] == person_id
    assert User.objects.get(pk=person_id).is_active


def test_it_answers_errors_in_scim_not_500(scim):
    assert scim.get("Users/not-a-number").status_code == 404
    assert scim.get("Users/99999999999999999999999").status_code == 404
    assert scim.get("Users", {"filter": 'userName eq "unterminated'}).status_code == 400
    bad = scim.post("Users", {"schemas": [USER], "userName": "not an address"})
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidValue"
    assert scim.post("Users", "just a string").status_code == 400
    assert scim.get("Groups").status_code == 404
    scim.post("Users", new_user())
    assert scim.post("Users", new_user()).status_code == 409
