from __future__ import annotations

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.core import context
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import EmailCategory, User
from .throttle import EmailedRequestThrottle

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["preferred_name", "preferred_language"]
        help_texts = {
            "preferred_name": _("What colleagues see in group rosters. Leave empty to use your full name."),
            "preferred_language": _("Used for e-mails from Belong and for these pages."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = settings.LANGUAGES


class EmailPreferencesForm(forms.Form):
    receive = forms.MultipleChoiceField(
        label=_("Send me e-mail about"),
        choices=EmailCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Sign-in codes and replies to things you asked for are always sent."),
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> EmailPreferencesForm:
        initial = {"receive": [c for c in EmailCategory.values if c not in user.email_opt_outs]}
        return cls(data=data, initial=initial)

    def opt_outs(self) -> list[str]:
        wanted = set(self.cleaned_data["receive"])
        return [c for c in EmailCategory.values if c not in wanted]


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster CSV file"),
        help_text=_(
            "Columns: email, full_name (or first_name and last_name), job_role, school (code or name), "
            "hire_date (YYYY-MM-DD); optional: preferred_name, preferred_language."
        ),
    )
    full = forms.BooleanField(
        label=_("This file is the whole roster"),
        required=False,
        help_text=_("Active staff missing from the file are deactivated (never deleted; superusers are kept)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def _too_many_emails() -> forms.ValidationError:
    return forms.ValidationError(
        _("Too many e-mails have been asked for this address. Try again in a few minutes."), code="too_many"
    )


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's form with per-address limits in place of its per-e-mail one (see EmailedRequestThrottle)."""

    def clean_email(self) -> str:
        email = super().clean_email()
        if email and not EmailedRequestThrottle(context.request, email, kind="code").reserve():
            raise _too_many_emails()
        return email


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's form with per-address limits in place of its per-e-mail one (see EmailedRequestThrottle)."""

    def clean_email(self) -> str:
        email = super().clean_email()
        if email and not EmailedRequestThrottle(context.request, email, kind="reset").reserve():
            raise _too_many_emails()
        return email
