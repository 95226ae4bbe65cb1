from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Group

from . import receipts
from .models import Category, FundingRequest
from .money import to_cents

# Larger than any group budget a district sets; anything bigger is a typing slip.
MAX_AMOUNT = Decimal("10000000")


def amount_field(label, *, required=True, minimum=Decimal("0.01"), help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=minimum,
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class Styled:
    """Bootstrap classes on every widget, so templates render {{ field }} with its label and errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CycleForm(Styled, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    total = amount_field(_("Program budget"), minimum=Decimal("0"))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("A cycle must end after it starts."))
        if "total" in data:
            data["total_cents"] = to_cents(data.pop("total"))
        return data


class AllocationForm(Styled, forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())
    amount = amount_field(_("Amount"), minimum=Decimal("0"))
    reason = forms.CharField(label=_("Reason (required when changing an allocation)"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.exclude(status=Group.Status.ARCHIVED).only("id", "name")

    def clean(self):
        data = super().clean()
        if "amount" in data:
            data["amount_cents"] = to_cents(data.pop("amount"))
        return data


class RequestForm(Styled, forms.Form):
    amount = amount_field(_("Amount"))
    purpose = forms.CharField(label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    planned_on = forms.DateField(label=_("Planned date"), widget=DateInput())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    meeting = forms.ModelChoiceField(label=_("Meeting (optional)"), queryset=None, required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings

    def clean(self):
        data = super().clean()
        if "amount" in data:
            data["amount_cents"] = to_cents(data.pop("amount"))
        return data


class ExpenseForm(Styled, forms.Form):
    funding_request = forms.ModelChoiceField(
        label=_("Approved request it draws on"),
        queryset=None,
        required=False,
        help_text=_("Without one, or beyond what remains of it, the expense waits for the director's approval."),
    )
    spent_on = forms.DateField(label=_("Date"), widget=DateInput())
    amount = amount_field(_("Amount"))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    vendor = forms.CharField(label=_("Vendor"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    meeting = forms.ModelChoiceField(label=_("Meeting (optional)"), queryset=None, required=False)
    receipt = forms.FileField(
        label=_("Receipt (PDF, JPEG or PNG, up to 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, requests, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_request"].queryset = requests
        self.fields["funding_request"].label_from_instance = self._request_label
        self.fields["meeting"].queryset = meetings

    @staticmethod
    def _request_label(funding_request: FundingRequest) -> str:
        from .money import display

        return (
            f"{funding_request.reference} · {funding_request.purpose[:60]} · {display(funding_request.approved_cents)}"
        )

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            receipts.sniff(receipt)
        return receipt

    def clean(self):
        data = super().clean()
        if "amount" in data:
            data["amount_cents"] = to_cents(data.pop("amount"))
        return data


class RequestDecisionForm(Styled, forms.Form):
    DECISIONS = [("approve", _("Approve in full")), ("partly", _("Approve in part")), ("decline", _("Decline"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    approved = amount_field(_("Amount approved (for a partial approval)"), required=False)
    message = forms.CharField(
        label=_("Message to the leads"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "partly" and not data.get("approved"):
            self.add_error("approved", _("Enter the amount approved."))
        data["approved_cents"] = to_cents(data.pop("approved")) if data.get("approved") else None
        return data


class ExpenseDecisionForm(Styled, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message to the leads"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DeleteExpenseForm(Styled, forms.Form):
    reason = forms.CharField(label=_("Why is it deleted?"), max_length=300)


class VisibilityForm(forms.Form):
    visible = forms.BooleanField(required=False)
