from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IMPROVEMENT_MAX_LENGTH

RATINGS = [(n, str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was this meeting for you? (1 = not at all, 5 = very)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    improvement = forms.CharField(
        label=_("What would make it better?"),
        required=False,
        max_length=IMPROVEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportRangeForm(forms.Form):
    """A school year by default; any range of dates (start included, end excluded) on request."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(
        label=_("To (not included)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end <= start:
                raise forms.ValidationError(_("The end must come after the start."))
            if (end - start).days > 366 * 5:
                raise forms.ValidationError(_("Choose at most five years."))
        return cleaned
