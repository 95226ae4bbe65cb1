"""The SCIM endpoint: Django in, scim2-server's service in the middle, Django out."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import ForbiddenException, InvalidValueException, UnauthorizedException
from scim2_server.requests import ScimRequest
from scim2_server.routing import Operation

from . import access, quirks, selectors, services
from .scim import StaffScimApplication, StaffStorage, current_document


@csrf_exempt  # a bearer token, never a cookie, authenticates these requests
def scim(request: HttpRequest, path: str = "") -> HttpResponse:
    raw = request.headers.get("Authorization", "")
    scheme, _, secret = raw.partition(" ")
    token = selectors.scim_token_for(secret.strip()) if scheme.lower() == "bearer" else None
    application = StaffScimApplication(StaffStorage(token=token))
    body = request.body
    if request.method == "PATCH" and token is not None:
        body = quirks.normalise_patch(body, current=current_document(path))
    scim_request = ScimRequest(
        method=request.method,
        base_url=request.build_absolute_uri(reverse("provisioning:scim_root")).rstrip("/"),
        path="/" + path,
        query=request.GET.dict(),
        headers=dict(request.headers),
        body=body,
        subject=token,
    )
    try:
        public = application.service.match(scim_request).operation is Operation.service_provider_config
    except Exception:  # an unknown path: the service answers 404 below, once authenticated
        public = False
    if _has_nul(body, request.GET):
        # PostgreSQL stores no NUL character in text or jsonb: refused here rather than failing there.
        response = application.finalize_response(
            scim_request,
            application.service.error_response(
                InvalidValueException(detail="Values may not contain the NUL character.")
            ),
        )
    elif token is None and not public:
        response = application.finalize_response(
            scim_request,
            application.service.error_response(UnauthorizedException(detail="A valid bearer token is required.")),
        )
    elif token is not None and not access.scim_token_may(token, request.method, path):
        response = application.finalize_response(
            scim_request,
            application.service.error_response(ForbiddenException(detail="This token may not make changes.")),
        )
    else:
        response = application.serve(scim_request)
    user_id = ""
    segments = path.strip("/").split("/")
    if len(segments) >= 2 and segments[0] == "Users":
        user_id = segments[1][:80]
    elif response.body and request.method == "POST" and isinstance(response.body.get("id"), str):
        user_id = response.body["id"]
    services.scim_call_record(
        token=token, method=request.method, path=request.path, status=int(response.status), user_id=user_id
    )
    answer = HttpResponse(
        b"" if response.body is None else json.dumps(response.body).encode(), status=int(response.status)
    )
    for name, value in response.headers.items():
        answer[name] = value
    return answer


def _has_nul(body: bytes, query) -> bool:
    return b"\x00" in body or b"\\u0000" in body.lower() or any("\x00" in v for v in query.values())
