from __future__ import annotations

import logging
import sys
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.signals import got_request_exception
from django.db import DataError, InterfaceError, OperationalError
from django.db.models import fields as django_fields
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from belong import cache as cache_module
from belong.logging import ROUTE_KEY, SKIP_KEY, is_anonymous_request, route_of

log = logging.getLogger(__name__)


class ReadAheadMiddleware:
    """For a signed-in request, the cache entries every page of theirs needs come in one round trip after the
    session's (belong.cache: their user, the site settings, the unread count), once the session is loaded.

    Never for the anonymous pages (the comment form, its receipts): they must not so much as read a
    signed-in person's session or user, whose idle time in Redis would then date their visit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            cache_module.end_read_ahead()

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not is_anonymous_request(request):
            cache_module.read_ahead_once_session_loaded(request.session)
        return None


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


class LogRouteMiddleware:
    """Leaves the request's route and whether it may be logged in the WSGI environ for gunicorn.

    The access log is written by gunicorn after Django answered, from the same environ dict
    (request.META): it logs `belong.route` instead of the path a person typed, and nothing at all
    when `belong.log_skip` is set. Outermost, so redirects by the middleware below it are covered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            request.META[ROUTE_KEY] = route_of(request)
            request.META[SKIP_KEY] = is_anonymous_request(request)
        except Exception:
            log.warning("Could not work out the route of a request.", exc_info=True)
        return response


# C0 control characters: PostgreSQL refuses NUL in text, and none of them belongs in an address or
# a form field; tab and line breaks do in a text area.
_CONTROL = frozenset(chr(code) for code in range(32))
_CONTROL_IN_BODIES = _CONTROL - {"\t", "\r", "\n"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_FIELDS_MODULE = str(Path(django_fields.__file__).parent)


def _has_any(text: str, characters: frozenset[str]) -> bool:
    return not characters.isdisjoint(text)


def _is_unconfigured_sign_in_provider(exception: Exception) -> bool:
    from allauth.socialaccount.models import SocialApp

    return isinstance(exception, SocialApp.DoesNotExist)


def _is_lookup_conversion_error(exception: Exception) -> bool:
    """A value that a model field could not turn into its type for a query (`history/abc/` where
    the history ID is a number): raised from the field's get_prep_value/to_python, not by our code."""
    if not isinstance(exception, ValueError | TypeError | ValidationError):
        return False
    trace = exception.__traceback__
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_name in ("get_prep_value", "to_python") and _FIELDS_MODULE in code.co_filename:
            return True
        trace = trace.tb_next
    return False


def bad_request(request) -> HttpResponse:
    """The 400 page in the portal's layout, for input no page can use."""
    try:
        return HttpResponseBadRequest(render_to_string("400.html", request=request))
    except Exception:
        log.warning("The 400 page could not be rendered with its layout.", exc_info=True)
        return HttpResponseBadRequest(render_to_string("400.html"))


class BadInputMiddleware:
    """Answers 400, not 500, to input that no view could use, once for every view.

    - NUL and other C0 control characters in the path, the query string (names and values) or the
      fields of a urlencoded or multipart form (tab, CR and LF are allowed in form fields; forms of
      the namespaces in settings.CONTROL_CHARACTERS_CLEANED_BY_NAMESPACES clean them themselves);
    - a PostgreSQL DataError raised while answering a GET or HEAD: there the database was only
      asked a question a person typed (an admin filter such as `?name__regex=(`, a value out of
      range), so the question was bad, not the site. The same for a value a model field could not
      convert for a lookup (`/admin/groups/group/1/history/abc/`). On other methods these are a
      form that lacks validation and stay a 500 so that it is fixed;
    - and a 404, not a 500, for the sign-in page of a provider this deployment has not configured.

    Innermost, so the 400 page has the full layout and every other middleware's headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._address_has_control_characters(request):
            return bad_request(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Forms are checked once the view is known: a page whose form removes control characters
        # itself (the anonymous comment form keeps what a person pasted) is left to do so.
        exempt = set(settings.CONTROL_CHARACTERS_CLEANED_BY_NAMESPACES)
        if exempt & set(request.resolver_match.namespaces):
            return None
        if self._form_has_control_characters(request):
            return bad_request(request)
        return None

    def process_exception(self, request, exception):
        if _is_unconfigured_sign_in_provider(exception):
            # /accounts/google/login/ exists for every installed provider, configured or not.
            return HttpResponseNotFound(render_to_string("404.html", request=request))
        if request.method in ("GET", "HEAD") and (
            isinstance(exception, DataError) or _is_lookup_conversion_error(exception)
        ):
            # The route, not the path: the path is what a person typed (belong/logging.py).
            log.warning(
                "Bad request: the database refused a lookup on %s (%s).", route_of(request), type(exception).__name__
            )
            return bad_request(request)
        return None

    @staticmethod
    def _address_has_control_characters(request) -> bool:
        if _has_any(request.path_info, _CONTROL) or _has_any(request.path, _CONTROL):
            return True
        for key, values in request.GET.lists():
            if _has_any(key, _CONTROL) or any(_has_any(value, _CONTROL) for value in values):
                return True
        return False

    @staticmethod
    def _form_has_control_characters(request) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS") or not request.content_type.startswith(_FORM_TYPES):
            return False
        for key, values in request.POST.lists():
            if _has_any(key, _CONTROL) or any(_has_any(value, _CONTROL_IN_BODIES) for value in values):
                return True
        return False
