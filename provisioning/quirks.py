"""What identity providers send that RFC 7644 does not say, made standard before the service reads it.

Microsoft Entra ID (documented in "Known issues and resolutions with SCIM 2.0 compliance"): capitalised
operations ("Replace", "Add"), booleans as strings ("False") for `active`, and a no-path value whose keys
are sub-attribute paths like "name.givenName". Okta sends `{"op": "replace", "value": {"active": false}}`.
"""

from __future__ import annotations

import json
import re
from typing import Any

# emails[type eq "work"].value — Entra sets a sub-attribute of the element of one type.
TYPED_PATH = re.compile(r'^\s*(\w+)\[\s*type\s+eq\s+"([^"]*)"\s*\]\.(\w+)\s*$', re.IGNORECASE)

ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def _boolean(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return value


def normalise_patch(body: bytes, current: dict[str, Any] | None = None) -> bytes:
    """`current`: the user as SCIM shows them now, to tell whether a typed element exists yet."""
    try:
        document = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return body  # the service answers invalidSyntax
    if not isinstance(document, dict) or not isinstance(document.get("Operations"), list):
        return body
    created: dict[tuple[str, str], dict[str, Any]] = {}
    operations = []
    for operation in document["Operations"]:
        if not isinstance(operation, dict):
            operations.append(operation)
            continue
        if isinstance(operation.get("op"), str):
            operation["op"] = operation["op"].lower()
        typed = TYPED_PATH.match(operation["path"]) if isinstance(operation.get("path"), str) else None
        if typed and operation.get("op") in {"add", "replace"} and current is not None:
            # Entra sets emails[type eq "work"].value on someone with no work e-mail yet, which RFC 7644
            # answers with noTarget: the element is added instead, once, with every field set this way.
            attribute, kind, field = typed.groups()
            value = _boolean(operation.get("value")) if field.lower() == "primary" else operation.get("value")
            existing = [
                item
                for item in current.get(attribute) or []
                if isinstance(item, dict) and str(item.get("type", "")).lower() == kind.lower()
            ]
            if not existing:
                key = (attribute.lower(), kind.lower())
                if key in created:
                    created[key][field] = value
                    continue
                created[key] = {"type": kind, field: value}
                operation = {"op": "add", "path": attribute, "value": [created[key]]}
        operations.append(operation)
    document["Operations"] = operations
    for operation in operations:
        if not isinstance(operation, dict):
            continue
        path = operation.get("path")
        if isinstance(path, str) and path.strip().lower() == "active":
            operation["value"] = _boolean(operation.get("value"))
        value = operation.get("value")
        if path is None and isinstance(value, dict):
            operation["value"] = _expand(value)
    return json.dumps(document).encode()


def _expand(value: dict[str, Any]) -> dict[str, Any]:
    """{"name.givenName": "A", "active": "False"} becomes {"name": {"givenName": "A"}, "active": false}."""
    expanded: dict[str, Any] = {}
    for key, item in value.items():
        if key.lower() == "active":
            item = _boolean(item)
        if "." in key and not key.startswith("urn:") and "[" not in key:
            head, tail = key.split(".", 1)
            expanded.setdefault(head, {})
            if isinstance(expanded[head], dict):
                expanded[head][tail] = item
                continue
        if key.startswith(ENTERPRISE_URN + ":"):
            # "urn:…:enterprise:2.0:User:department" names an attribute of the extension.
            expanded.setdefault(ENTERPRISE_URN, {})
            if isinstance(expanded[ENTERPRISE_URN], dict):
                expanded[ENTERPRISE_URN][key[len(ENTERPRISE_URN) + 1 :]] = item
                continue
        expanded[key] = item
    return expanded
