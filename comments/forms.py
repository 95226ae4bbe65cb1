from __future__ import annotations

import re

from django import forms
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from belong.fallbacks import TranslatedSelect

from . import receipts
from .models import BODY_MAX_LENGTH, NAME_MAX_LENGTH, Relationship, Topic

# C0/C1 control characters and DEL, except tab and newline (kept in comments).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?")
_WHITESPACE_BREAKS = re.compile(r"[\t\n\r]+")


def _body_help() -> str:
    return gettext("Up to %(limit)s characters.") % {"limit": number_format(BODY_MAX_LENGTH, force_grouping=True)}


class PlainTextField(forms.CharField):
    """Text with invisible control characters removed before validation.

    People paste from word processors and PDFs, which carry form feeds, vertical tabs and the like that
    they cannot see and so could not remove themselves; we drop them rather than reject the comment.
    """

    def __init__(self, *, single_line: bool = False, **kwargs):
        self.single_line = single_line
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            if self.single_line:
                value = _CONTROL.sub("", _WHITESPACE_BREAKS.sub(" ", value))
            else:
                value = _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))
        return super().to_python(value)


class CommentForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.filter(is_open=True),
        empty_label=_("Choose a topic"),
        widget=TranslatedSelect,  # a topic not yet translated says it is in English (lang="en")
        error_messages={
            "required": _("Choose the topic your comment is about."),
            "invalid_choice": _("That topic is not open for comments. Choose one from the list."),
        },
    )
    body = PlainTextField(
        label=_("Your comment"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=lazy(_body_help, str)(),
        error_messages={
            "required": _("Write your comment before sending it."),
            "max_length": _(
                "Your comment is %(show_value)s characters long; the limit is %(limit_value)s. "
                "Please shorten it; your text is still below."
            ),
        },
    )
    disclose = forms.BooleanField(
        label=_("I want to disclose my identity with this comment"),
        required=False,
        help_text=_("Leave this unticked to stay anonymous."),
    )
    publish_consent = forms.BooleanField(
        label=_("The district may quote this comment, without my name, on its “You said, we did” page"),
        required=False,
    )
    name = PlainTextField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        single_line=True,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        # Django has no Haitian Creole catalog: every message a visitor can meet is the form's own.
        error_messages={"max_length": _("Shorten your name to %(limit_value)s characters or fewer.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        max_length=254,
        help_text=_("If you give one, the district's reply is also sent to this address."),
        error_messages={
            "invalid": _("Enter a complete e-mail address, like name@example.com, or leave it empty."),
            "max_length": _("Shorten the e-mail address to %(limit_value)s characters or fewer, or leave it empty."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    relationship = forms.ChoiceField(
        label=_("You are a"),
        required=False,
        choices=[("", _("Prefer not to say")), *Relationship.choices],
        error_messages={"invalid_choice": _("Choose one of the options in the list.")},
    )
    # The honeypot: hidden from people by CSS and from assistive technology by aria-hidden.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Filled in by static/js/comments-pow.js; checked in the view, never stored.
    pow = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not widget.is_hidden:
                widget.attrs.setdefault("class", "form-control")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        identity_given = any(data.get(field) for field in ("name", "email", "relationship"))
        if data.get("disclose"):
            if not (data.get("name") or data.get("email")) and not self.has_error("email"):
                self.add_error(
                    "disclose",
                    _(
                        "To disclose your identity, give your name or e-mail address; "
                        "or untick the box to stay anonymous."
                    ),
                )
        elif identity_given:
            self.add_error(
                "disclose",
                _(
                    "You filled in who you are but did not tick this box. Tick it to disclose your identity, "
                    "or clear your name, e-mail and relationship to stay anonymous."
                ),
            )
        if data.get("website"):
            self.add_error(
                None, _("Your comment could not be sent. Leave the field marked “Leave this field empty” empty.")
            )
        return data


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        help_text=_("The 16 digits you were shown after sending your comment, like 1234-5678-9012-3456."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "form-control receipt-input",
            }
        ),
        error_messages={
            "required": _("Enter your receipt code."),
            "max_length": _("A receipt code has 16 digits. Check the code and try again."),
        },
    )

    def clean_code(self) -> str:
        digits = receipts.normalise(self.cleaned_data["code"])
        if digits is None:
            raise forms.ValidationError(_("A receipt code has 16 digits. Check the code and try again."))
        return digits
