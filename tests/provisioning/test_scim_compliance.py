"""scim2-tester, an independent checker of RFC 7643/7644, against a live Belong with a real token.

Every check must pass, except those listed in KNOWN_EXCEPTIONS with the reason (also in the README).
"""

from __future__ import annotations

import uuid

import pytest

from provisioning.models import ScimScope
from provisioning.services import scim_token_create

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# title of the check -> why Belong cannot pass it (kept in step with the README).
KNOWN_EXCEPTIONS: dict[str, str] = {}


class FreshAddresses:
    """Belong's accounts are e-mail addresses, which RFC 7643 §4.1.1 lets a provider require of userName;
    scim2-tester fills userName from the field's examples when there are some, so offer a new address
    each time it picks one."""

    def __len__(self) -> int:
        return 10**9

    def __getitem__(self, index: int) -> str:
        return f"{uuid.uuid4().hex}@district.example"


def test_it_passes_scim2_tester(live_server, superuser):
    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import Status, check_server

    _, secret = scim_token_create(name="scim2-tester", scopes=[ScimScope.READ, ScimScope.WRITE], by=superuser)
    http = Client(base_url=f"{live_server.url}/scim/v2", headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    client = SyncSCIMClient(http)
    client.discover()
    client.get_resource_model("User").model_fields["user_name"].examples = FreshAddresses()
    results = check_server(client)
    assert len(results) > 20, "the checker ran too few checks to mean anything"
    passed = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}
    # A skipped check is one the tester did not run (a feature Belong does not announce): listed, not hidden.
    failed = [r for r in results if r.status not in passed and r.status is not Status.SKIPPED]
    unexpected = [f"{r.resource_type or ''} {r.title}: {r.reason}" for r in failed if r.title not in KNOWN_EXCEPTIONS]
    print("\n".join(f"{r.status.name:8} {r.resource_type or '-':5} {r.title}: {r.reason}" for r in results))
    assert unexpected == []
