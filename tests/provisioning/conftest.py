from __future__ import annotations

import importlib
import json

import pytest

from provisioning.models import ScimScope
from provisioning.services import scim_token_create

SCIM_JSON = "application/scim+json"


class ScimClient:
    """Django's test client speaking SCIM with a bearer token."""

    def __init__(self, client, secret: str | None):
        self.client = client
        self.secret = secret

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"} if self.secret else {}

    def get(self, path, params=None):
        return self.client.get("/scim/v2/" + path, params or {}, **self._headers())

    def _send(self, method, path, body):
        return getattr(self.client, method)(
            "/scim/v2/" + path, data=json.dumps(body), content_type=SCIM_JSON, **self._headers()
        )

    def post(self, path, body):
        return self._send("post", path, body)

    def put(self, path, body):
        return self._send("put", path, body)

    def patch(self, path, body):
        return self._send("patch", path, body)

    def delete(self, path):
        return self.client.delete("/scim/v2/" + path, **self._headers())


@pytest.fixture(autouse=True)
def _job_titles(db):
    """The seeded job-title table: another app's transactional test may have flushed it from the reused
    test database."""
    from django.apps import apps

    importlib.import_module("provisioning.migrations.0002_default_job_titles").seed(apps, None)


@pytest.fixture
def scim_secret(superuser):
    _, secret = scim_token_create(name="Entra ID", scopes=[ScimScope.READ, ScimScope.WRITE], by=superuser)
    return secret


@pytest.fixture
def scim(client, scim_secret):
    return ScimClient(client, scim_secret)
