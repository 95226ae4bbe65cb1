from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Group, GroupColour, GroupProposal, Membership

User = get_user_model()

MESSAGE_MAX = 2000
NOT_ON_ROSTER = _("That person is not on this group's roster (they may have left, or the link is out of date).")


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the leads (optional)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ColourForm(forms.Form):
    colour = forms.ChoiceField(label=_("Card colour"), choices=GroupColour.choices, widget=forms.RadioSelect)


class VisibilityForm(forms.Form):
    visible_to_members = forms.BooleanField(label=_("Show my name on the member list"), required=False)


class HiddenForm(forms.Form):
    """The member's own choice: shown only to the group's leads, or also to whoever manages the roster."""

    HIDDEN = "hidden"
    SHOWN = "shown"
    visibility = forms.ChoiceField(
        label=_("Who can see that you belong to this group"),
        choices=[
            (HIDDEN, _("Only the group's leads (and members, if you are on the member list)")),
            (SHOWN, _("Also the district's equity director and the roster when the group is not confidential")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who can see you."), "invalid_choice": _("Choose who can see you.")},
    )


class RosterActionForm(forms.Form):
    """One roster action on one membership of *this* group; other groups' IDs are "not on the roster"."""

    ACTIONS = [
        ("approve", _("Approve")),
        ("decline", _("Decline")),
        ("remove", _("Remove")),
        ("colead", _("Make co-lead")),
        ("keep", _("Keep as member")),
    ]

    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": NOT_ON_ROSTER, "required": NOT_ON_ROSTER, "invalid": NOT_ON_ROSTER},
    )
    action = forms.ChoiceField(
        choices=ACTIONS,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose one of the buttons."), "required": _("Choose one of the buttons.")},
    )
    message = forms.CharField(
        label=_("Message to the person (optional)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, group: Group, include_hidden: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        rows = group.memberships.select_related("user")
        # Someone who is not a lead cannot act on (or confirm the existence of) a person who joined hidden.
        self.fields["membership"].queryset = rows if include_hidden else rows.filter(hidden=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's district e-mail address"), max_length=254)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active staff member has this e-mail address."))
        self.cleaned_data["user"] = user
        return email


class GroupEmailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 10}))

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError(_("Write a subject."))
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."))
        return body


class ExportForm(forms.Form):
    purpose = forms.CharField(
        label=_("Why do you need this list?"),
        help_text=_("For example: “sign-in sheet for the March meeting”. Your answer is kept in an audit log."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"].strip()
        if len(purpose) < 5:
            raise forms.ValidationError(_("Say in a few words why you are exporting the roster."))
        return purpose


class ProposalForm(forms.ModelForm):
    class Meta:
        model = GroupProposal
        fields = ["name", "purpose", "audience", "would_lead"]
        labels = {
            "name": _("Name of the group"),
            "purpose": _("What would the group do?"),
            "audience": _("Who is it for?"),
            "would_lead": _("I would like to help lead it"),
        }
        help_texts = {
            "audience": _(
                "Groups are joined by self-identification and welcome all staff; eligibility can only depend on "
                "job role or site."
            ),
        }
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 5}),
            "audience": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 3:
            raise forms.ValidationError(_("Give the group a name of at least three characters."))
        if Group.objects.filter(name__iexact=name).exclude(status=Group.Status.ARCHIVED).exists():
            raise forms.ValidationError(_("A group with this name already exists: look for it in the directory."))
        return name

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"].strip()
        if len(purpose) < 10:
            raise forms.ValidationError(_("Tell us a little more about what the group would do."))
        return purpose
