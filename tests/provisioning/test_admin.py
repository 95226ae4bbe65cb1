from __future__ import annotations

import pytest

from belong.models import AuditLog
from provisioning.models import JobTitleMapping, ScimScope, ScimToken
from provisioning.services import hash_token, scim_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TOKENS = "/admin/provisioning/scimtoken/"


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("staff", 302), ("admin_staff", 403), ("superuser", 200)]
)
@pytest.mark.parametrize("url", [TOKENS, TOKENS + "add/"])
def test_it_shows_tokens_to_superusers_only(client, who, status, url, superuser):
    if who == "staff":
        client.force_login(UserFactory())
    elif who == "admin_staff":
        client.force_login(UserFactory(is_staff=True))
    elif who == "superuser":
        client.force_login(superuser)
    assert client.get(url).status_code == status


def test_it_creates_a_token_shows_it_once_and_keeps_its_hash(client, superuser):
    client.force_login(superuser)
    response = client.post(
        TOKENS + "add/", {"name": "Entra ID production", "scopes": [ScimScope.READ, ScimScope.WRITE]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ScimToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("belong_scim_") and secret in response.content.decode()
    assert token.key_hash == hash_token(secret) and token.created_by == superuser
    assert sorted(token.scopes) == sorted([ScimScope.READ, ScimScope.WRITE])
    # Never again: the change page and the list show only the prefix.
    for page in (TOKENS, f"{TOKENS}{token.pk}/change/"):
        assert secret not in client.get(page).content.decode()
    assert AuditLog.objects.filter(action="provisioning.scim_token_create", actor=superuser).exists()


def test_it_revokes_tokens_with_an_action_and_cannot_delete_them(client, superuser):
    token, secret = scim_token_create(name="Okta", scopes=[ScimScope.READ], by=superuser)
    client.force_login(superuser)
    response = client.post(TOKENS, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert client.post(f"{TOKENS}{token.pk}/delete/").status_code == 403
    assert AuditLog.objects.filter(action="provisioning.scim_token_revoke", object_id=str(token.pk)).exists()


def test_it_lets_the_district_edit_the_job_title_table(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/provisioning/jobtitlemapping/add/", {"title": "Dean of Students", "job_role": "assistant_principal"}
    )
    assert response.status_code == 302
    assert JobTitleMapping.objects.get(title="Dean of Students").job_role == "assistant_principal"
    assert JobTitleMapping.objects.filter(title__iexact="teacher").exists()  # seeded by the data migration


def test_it_shows_scim_identities_read_only_to_superusers(client, superuser, scim):
    scim.post("Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x@district.example"})
    client.force_login(superuser)
    listing = client.get("/admin/provisioning/scimidentity/")
    assert listing.status_code == 200 and b"x@district.example" in listing.content
    assert client.get("/admin/provisioning/scimidentity/add/").status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/provisioning/scimidentity/").status_code == 403
