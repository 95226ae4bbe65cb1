from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from belong import mail
from belong.net import client_address


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
        """Too many failed sign-ins answer 429 Too Many Requests rather than a form error: clients, proxies
        and monitoring recognise the status, and the form stays closed until the window passes."""
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from error
            raise

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
