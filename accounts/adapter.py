from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from belong import mail
from belong.net import client_address

from .throttle import SignInThrottle, remember_sign_in


def is_district_address(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return domain in settings.DISTRICT_EMAIL_DOMAINS


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not is_district_address(email):
            raise forms.ValidationError(
                _("Sign up with your district e-mail address (%(domains)s).")
                % {"domains": ", ".join("@" + d for d in settings.DISTRICT_EMAIL_DOMAINS)}
            )
        return email.lower()

    def get_client_ip(self, request) -> str:
        """allauth's per-address rate limits (sign-up, reset, codes) see the same client as the rest of
        Belong: TRUSTED_PROXY_COUNT decides, and a short X-Forwarded-For falls back instead of a 500."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_authenticate(self, request, **credentials) -> None:
        """Replaces allauth's per-e-mail `login_failed` limit, which let anyone lock anyone out (see
        accounts/throttle.py). A refusal answers 429 Too Many Requests with a Retry-After header: clients,
        proxies and monitoring recognise the status, and the page says how long and offers the e-mailed code."""
        from .views import sign_in_throttled

        login = credentials.get("email") or credentials.get("username") or ""
        self._sign_in_throttle = SignInThrottle(request, str(login))
        refusal = self._sign_in_throttle.reserve()
        if refusal is not None:
            raise ImmediateHttpResponse(sign_in_throttled(request, refusal))

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            self._sign_in_throttle.succeeded()
        return user

    def authentication_failed(self, request, **credentials) -> None:
        super().authentication_failed(request, **credentials)
        self._sign_in_throttle.failed()

    def post_login(self, request, user, **kwargs):
        # Every complete sign-in (after the second factor, by code, by single sign-on) ends here.
        response = super().post_login(request, user, **kwargs)
        remember_sign_in(request, response, [user.email])
        return response

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # allauth calls this after a password reset by e-mail: the owner has proven the mailbox.
        super()._delete_login_attempts_cached_email(request, **credentials)
        SignInThrottle(request, str(credentials.get("email") or "")).forgive()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's messages (codes, verification links) go through the outbox like every other."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
            "",
        )
        mail.enqueue(
            kind="account.message",
            to=email,
            context={"subject": str(message.subject), "text": message.body, "html": html},
        )
