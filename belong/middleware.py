from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.contrib import messages
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AdminMFARequiredMiddleware:
    """Staff who can reach the admin must have set up a second factor before they use it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.ADMIN_REQUIRES_MFA
            and request.path.startswith("/admin/")
            and request.user.is_authenticated
            and request.user.is_staff
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(request.user):
                messages.warning(
                    request,
                    _("Set up an authenticator app before using the administration site."),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


def _note_database_error(sender, request=None, **kwargs) -> None:
    """Remember on the request that a database error became a 500 response further in.

    Django turns an exception raised inside a middleware into a 500 response before the middleware
    around it sees it, so a failure while a later middleware loads the session or the user (the
    admin's MFA check, for one) never reaches DatabaseUnavailableMiddleware as an exception. Django
    sends this signal from within its `except` block, so the error is still in sys.exc_info().
    """
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, OperationalError | InterfaceError):
        request._database_error = error


got_request_exception.connect(_note_database_error, dispatch_uid="belong.middleware.database_error")


class DatabaseUnavailableMiddleware:
    """A friendly 503 page when PostgreSQL cannot be reached; the next request simply tries again.

    Sits near the top of MIDDLEWARE so that a failure while loading the session or the user is
    caught too: errors from the view arrive in process_exception, errors from the middleware
    below it as a 500 response marked by `_note_database_error`. The page is rendered without
    context processors: they would query the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            return self._unavailable(error)
        error = getattr(request, "_database_error", None)
        if error is not None and response.status_code >= 500:
            return self._unavailable(error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return self._unavailable(exception)
        return None

    def _unavailable(self, error: Exception) -> HttpResponse:
        log.error("Database unavailable: %s", type(error).__name__)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
