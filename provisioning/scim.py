"""The SCIM 2.0 service provider (RFC 7643/7644) over Belong's staff.

The protocol — parsing, validation, PATCH, filters, discovery documents, errors — is scim2-server's
`ScimService` with scim2-models; this module is the storage it calls, which reads people from the
accounts app and writes them only through `accounts.services.staff_upsert`, the HR import's effects.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    External,
    Filter,
    InvalidValueException,
    NotFoundException,
    Patch,
    Reference,
    Resource,
    ResourceType,
    ResponseParameters,
    ScimFilter,
    ScimProvider,
    SearchRequest,
    ServiceProviderConfig,
    Sort,
    UniquenessException,
)
from scim2_models.path import CompareOperator, Comparison
from scim2_server.applications.base import BaseApplication
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService
from scim2_server.storage import ScimStorage, SearchPage
from scim2_server.utils import load_default_resource_types, load_default_schemas

from accounts import services as account_services
from accounts.models import User

from . import mapping
from .models import ScimIdentity

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 200

BEARER = AuthenticationScheme(
    type=AuthenticationScheme.Type.oauthbearertoken,
    name="Bearer token",
    description="A token a Belong superuser creates in the admin (SCIM tokens).",
    spec_uri=Reference[External]("https://datatracker.ietf.org/doc/html/rfc6750"),
    primary=True,
)


@functools.cache
def provider() -> ScimProvider:
    schemas = load_default_schemas()
    config = ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[BEARER],
    )
    return ScimProvider.from_discovery(
        [schemas[USER_URN], schemas[ENTERPRISE_URN]], [load_default_resource_types()["User"]], config=config
    )


# --- Reading people as SCIM Users -------------------------------------------------------------------


def _people():
    """Everyone SCIM can see: people the identity provider has not DELETEd (HR-imported people included,
    so a provider that matches by userName before creating finds them)."""
    return (
        User.objects.select_related("school", "scim")
        .filter(Q(scim__isnull=True) | Q(scim__removed_at__isnull=True))
        .order_by("pk")
    )


def user_document(user: User) -> dict[str, Any]:
    identity: ScimIdentity | None = getattr(user, "scim", None)
    if identity is not None:
        document = dict(identity.attributes)
        created, modified, version = identity.created_at, identity.updated_at, identity.version
    else:
        # Known from the HR import or a sign-in only: describe what Belong holds.
        document = {
            "schemas": [USER_URN, ENTERPRISE_URN],
            "name": {"formatted": user.full_name} if user.full_name else None,
            "displayName": user.display_name,
            "emails": [{"value": user.email, "type": "work", "primary": True}],
            "title": user.get_job_role_display() if user.job_role else None,
            ENTERPRISE_URN: {"department": user.school.name} if user.school_id else None,
        }
        document = {key: value for key, value in document.items() if value is not None}
        created, modified, version = user.date_joined, user.imported_at or user.date_joined, 0
    # A provider that never sent `active` (or removed it) reads it back absent while the person is active.
    if identity is None or "active" in document or not user.is_active:
        document["active"] = user.is_active
    document.update(
        id=str(user.pk),
        userName=identity.user_name if identity else user.email,
        meta={
            "resourceType": "User",
            "created": created.isoformat(),
            "lastModified": modified.isoformat(),
            "version": f'W/"{user.pk}-{version}"',
        },
    )
    if identity is not None and identity.external_id:
        document["externalId"] = identity.external_id
    return document


def current_document(path: str) -> dict[str, Any] | None:
    """The SCIM document of the person a /Users/<id> path names, or None."""
    segments = path.strip("/").split("/")
    if len(segments) != 2 or segments[0] != "Users" or not segments[1].isdigit() or len(segments[1]) > 18:
        return None
    person = _people().filter(pk=int(segments[1])).first()
    return user_document(person) if person is not None else None


def _resource(model: type[Resource[Any]], user: User) -> Resource[Any]:
    return model.model_validate(user_document(user))


def _equality(scim_filter: ScimFilter[Any] | None) -> tuple[str, str] | None:
    """(attribute, value) when the filter is one `attr eq "string"`: the lookups identity providers make."""
    if scim_filter is None:
        return None
    node = scim_filter.ast
    if not isinstance(node, Comparison) or node.op != CompareOperator.eq or not isinstance(node.value, str):
        return None
    attribute = str(node.attr_path).removeprefix(USER_URN + ":").lower()
    return attribute, node.value


class StaffStorage(ScimStorage):
    """Users read from and written to Belong's staff accounts; one database transaction per operation."""

    def __init__(self, *, token=None) -> None:
        self.token = token

    def operation(self):
        return transaction.atomic()

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        return _resource(provider().model_for(resource_type), self._person(resource_id))

    def _person(self, resource_id: str, *, lock: bool = False) -> User:
        if not resource_id.isdigit() or len(resource_id) > 18:
            raise NotFoundException(detail="No such user.")
        people = _people()
        if lock:
            people = people.select_for_update(of=("self",))
        person = people.filter(pk=int(resource_id)).first()
        if person is None:
            raise NotFoundException(detail="No such user.")
        return person

    def search(
        self, resource_types: list[ResourceType], search_request: SearchRequest[Any], *, position: Any = None
    ) -> SearchPage:
        model = provider().model_for(resource_types[0])
        people = _people()
        scim_filter = search_request.filter
        equality = _equality(scim_filter)
        start = search_request.start_index_0 or 0
        count = search_request.count if search_request.count is not None else MAX_RESULTS
        fast = {
            "username": lambda v: Q(scim__user_name__iexact=v) | Q(scim__isnull=True, email__iexact=v),
            "externalid": lambda v: Q(scim__external_id=v),
            "id": lambda v: Q(pk=int(v)) if v.isdigit() and len(v) < 18 else Q(pk__in=[]),
        }
        if scim_filter is None or (equality and equality[0] in fast):
            if equality:
                people = people.filter(fast[equality[0]](equality[1]))
            total = people.count()
            page = list(people[start : start + count]) if count else []
            return SearchPage(total, [_resource(model, person) for person in page])
        # Any other filter is evaluated on the documents themselves, as the RFC defines it. A district's
        # staff fit in memory; identity providers only ever search by userName or externalId.
        bound = ScimFilter[model](str(scim_filter)) if not scim_filter.models else scim_filter
        found = [
            resource for person in people.iterator(chunk_size=1000) if bound.match(resource := _resource(model, person))
        ]
        return SearchPage(len(found), found[start : start + count] if count else [])

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        # Someone already here — from the HR import, or removed by an earlier DELETE — is linked, not doubled.
        email = _email_of(resource)
        existing = User.objects.select_related("scim").filter(email__iexact=email).first()
        if existing is not None and getattr(existing, "scim", None) and existing.scim.removed_at is None:
            raise UniquenessException(detail="A user with this userName or e-mail already exists.")
        self._check_user_name(resource, exclude_user=existing)
        person = self._write(existing, resource, email)
        return _resource(provider().model_for(resource_type), person)

    def update(
        self, resource_type: ResourceType, resource: Resource[Any], *, expected_version: str | None = None
    ) -> Resource[Any]:
        person = self._person(str(resource.id), lock=True)
        self._check_user_name(resource, exclude_user=person)
        person = self._write(person, resource, _email_of(resource))
        return _resource(provider().model_for(resource_type), person)

    def delete(self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None) -> None:
        """Never deletes data: the person is deactivated and hidden from SCIM."""
        person = self._person(resource_id, lock=True)
        change = account_services.staff_upsert(
            user=person, email=person.email, full_name=person.full_name, is_active=False, source=self._source()
        )
        ScimIdentity.objects.update_or_create(
            user=change.user,
            defaults={"removed_at": timezone.now()},
            create_defaults={"user_name": person.email, "removed_at": timezone.now()},
        )

    # --- writing ---------------------------------------------------------------------------------

    def _source(self) -> str:
        return f"SCIM ({self.token.name})" if self.token is not None else "SCIM"

    def _check_user_name(self, resource: Resource[Any], *, exclude_user: User | None) -> None:
        taken = ScimIdentity.objects.filter(user_name__iexact=resource.user_name, removed_at__isnull=True)
        if exclude_user is not None:
            taken = taken.exclude(user=exclude_user)
        if taken.exists():
            raise UniquenessException(detail="userName is already taken.")

    def _write(self, person: User | None, resource: Resource[Any], email: str) -> User:
        enterprise = resource[EnterpriseUser]
        role = mapping.job_role_for_title(resource.title)
        school_id = mapping.school_for(
            getattr(enterprise, "department", None), getattr(enterprise, "organization", None)
        )
        try:
            change = account_services.staff_upsert(
                user=person,
                email=email,
                full_name=_full_name_of(resource, email),
                job_role=role if role is not None else account_services._KEEP,
                school_id=school_id if school_id is not None else account_services._KEEP,
                is_active=resource.active is not False,
                source=self._source(),
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "unique":
                raise UniquenessException(detail=" ".join(error.messages)) from None
            raise InvalidValueException(detail=" ".join(error.messages)) from None
        document = resource.model_dump(mode="json")
        for private in ("id", "meta", "password", "userName", "externalId"):
            document.pop(private, None)
        identity, created = ScimIdentity.objects.get_or_create(
            user=change.user,
            defaults={
                "user_name": resource.user_name,
                "external_id": resource.external_id or "",
                "attributes": document,
            },
        )
        if not created:
            identity.user_name = resource.user_name
            identity.external_id = resource.external_id or ""
            identity.attributes = document
            identity.removed_at = None
            identity.version += 1
            identity.save()
        return _people().get(pk=change.user.pk)


def _email_of(resource: Resource[Any]) -> str:
    """The person's address: userName when it is one (Entra, Okta), else their primary or work e-mail."""
    candidates = [resource.user_name or ""]
    emails = sorted(resource.emails or [], key=lambda e: (not e.primary, str(e.type or "") != "work"))
    candidates += [str(e.value or "") for e in emails]
    for candidate in candidates:
        try:
            validate_email(candidate.strip())
        except ValidationError:
            continue
        return candidate.strip().lower()
    raise InvalidValueException(detail="userName or one of the emails must be an e-mail address.")


def _full_name_of(resource: Resource[Any], email: str) -> str:
    name = resource.name
    if name is not None:
        if name.formatted:
            return name.formatted.strip()
        parts = [name.given_name, name.middle_name, name.family_name]
        if any(parts):
            return " ".join(p.strip() for p in parts if p)
    return (resource.display_name or email.split("@", 1)[0]).strip()


# --- The application --------------------------------------------------------------------------------


class StaffScimService(ScimService):
    def patch_response(self, base_url, resource, response_parameters) -> ScimResponse:
        # Okta expects the changed user back, not RFC 7644's optional 204; Entra ID accepts either.
        published = self.publish(base_url, resource)
        return self.resource_response(published, Context.RESOURCE_REPLACEMENT_RESPONSE, response_parameters)


@functools.cache
def service() -> ScimService:
    return StaffScimService(provider())


class StaffScimApplication(BaseApplication):
    """Serves one request with one storage; authentication is the view's."""

    def __init__(self, storage: StaffStorage) -> None:
        super().__init__(provider(), service())
        self.handler = ScimHandler(self.service, storage)

    def serve(self, request: ScimRequest) -> ScimResponse:
        try:
            response = self.handler.handle(request)
        except Exception as exception:
            response = self.handle_exception(request, exception)
        return self.finalize_response(request, response)
