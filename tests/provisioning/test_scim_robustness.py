"""What a misconfigured or hostile client can send: SCIM errors, never a 500; a bounded number of queries."""

from __future__ import annotations

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"


@pytest.fixture
def person_id(scim):
    return scim.post("Users", {"schemas": [USER], "userName": "r@district.example"}).json()["id"]


def test_it_adds_a_work_email_through_a_path_filter_to_someone_without_emails(scim, person_id):
    response = scim.patch(
        f"Users/{person_id}",
        {
            "schemas": [PATCH_OP],
            "Operations": [
                {"op": "Add", "path": 'emails[type eq "work"].value', "value": "r.work@district.example"},
                {"op": "Add", "path": 'emails[type eq "work"].primary', "value": "True"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["emails"] == [{"type": "work", "value": "r.work@district.example", "primary": True}]
    # Set again, it changes the element it made rather than adding another.
    again = scim.patch(
        f"Users/{person_id}",
        {
            "schemas": [PATCH_OP],
            "Operations": [
                {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "r.new@district.example"}
            ],
        },
    )
    assert [e["value"] for e in again.json()["emails"]] == ["r.new@district.example"]


@pytest.mark.parametrize(
    "params",
    [
        {"filter": "userName eq"},
        {"filter": 'nosuchattribute eq "x"'},
        {"filter": 'emails.value co "district"'},
        {"filter": 'name.familyName sw "A" and active eq true'},
        {"startIndex": "-5", "count": "-1"},
        {"startIndex": "abc"},
        {"count": "999999999999"},
        {"sortBy": "userName"},
        {"attributes": "userName,emails.value"},
        {"excludedAttributes": "emails"},
    ],
)
def test_it_never_answers_500_to_a_query(scim, person_id, params):
    status = scim.get("Users", params).status_code
    assert status < 500 or status == 501  # 501: sorting, which the configuration says is not offered


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"schemas": [PATCH_OP]},
        {"schemas": [PATCH_OP], "Operations": "replace"},
        {"schemas": [PATCH_OP], "Operations": [{"op": "explode", "path": "userName"}]},
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "id", "value": "1"}]},
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "userName", "value": "not an address"}]},
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": "maybe"}]},
        {"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": "userName"}]},
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "emails[type eq", "value": "x"}]},
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": ["a", "list"]}]},
    ],
)
def test_it_never_answers_500_to_a_patch(scim, person_id, body):
    response = scim.patch(f"Users/{person_id}", body)
    assert response.status_code < 500, response.content
    assert User.objects.get(pk=person_id).is_active


def test_it_never_answers_500_to_a_malformed_body(client, scim, scim_secret, person_id):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {scim_secret}"}
    for method in ("post", "put", "patch"):
        path = "/scim/v2/Users" if method == "post" else f"/scim/v2/Users/{person_id}"
        for body, content_type in [
            (b"{not json", "application/scim+json"),
            (b"\xff\xfe", "application/json"),
            (b"null", "application/scim+json"),
            (b"{}", "text/plain"),
        ]:
            response = getattr(client, method)(path, data=body, content_type=content_type, **headers)
            assert response.status_code < 500, (method, body, response.content)


def test_it_lists_users_in_a_fixed_number_of_queries(scim, django_assert_num_queries, django_user_model):
    for n in range(30):
        django_user_model.objects.create_user(f"many{n}@district.example")
    # token, savepoint, count, page, release, audit row, token last-used: the same for 30 people or 30,000
    with django_assert_num_queries(7):
        response = scim.get("Users", {"count": "25"})
    assert len(response.json()["Resources"]) == 25


def test_it_refuses_nul_characters_anywhere(client, scim, scim_secret, person_id):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {scim_secret}"}
    body = b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "n\\u0000@district.example"}'
    assert client.post("/scim/v2/Users", data=body, content_type="application/scim+json", **headers).status_code == 400
    named = scim.patch(
        f"Users/{person_id}",
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "displayName", "value": "A\x00B"}]},
    )
    assert named.status_code == 400 and named.json()["scimType"] == "invalidValue"
    assert scim.get("Users", {"filter": 'userName eq "a\x00b"'}).status_code == 400
