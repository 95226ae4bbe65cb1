from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from groups.models import Group
from meetings.models import Meeting

from .models import ActionItem, Indicator, Measurement, Plan, PlanYear, Workstream


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "slug",
            "start_year",
            "end_year",
            "summary",
            "source",
            "approval_status",
            "approved_on",
            "is_published",
        ]
        widgets = {
            "approved_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "source": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's 2000-2100 validators run only after clean(); checking them on the form fields
        # keeps an impossible year (987654321) out of the date lookups below.
        for name in ("start_year", "end_year"):
            self.fields[name].min_value = 2000
            self.fields[name].max_value = 2100
            self.fields[name].validators += [MinValueValidator(2000), MaxValueValidator(2100)]
            self.fields[name].widget.attrs.update({"min": 2000, "max": 2100})

    def clean(self):
        cleaned = super().clean()
        plan = self.instance
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if plan.pk and start and end and end >= start:
            # Existing dates must stay inside a changed period.
            outside = ActionItem.objects.filter(workstream__plan=plan, due_on__isnull=False).exclude(
                due_on__year__gte=start, due_on__year__lte=end
            )
            years_outside = plan.years.exclude(starts_on__year__gte=start, ends_on__year__lte=end)
            if outside.exists() or years_outside.exists():
                self.add_error(
                    "end_year",
                    _("Some years or action items have dates outside %(start)s to %(end)s; change them first.")
                    % {"start": start, "end": end},
                )
        return cleaned


class PlanYearForm(forms.ModelForm):
    class Meta:
        model = PlanYear
        fields = ["number", "title", "theme", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "theme": forms.Textarea(attrs={"rows": 3})}

    def clean_number(self):
        number = self.cleaned_data["number"]
        others = PlanYear.objects.filter(plan_id=self.instance.plan_id, number=number).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This plan already has a year with that number."))
        return number


class WorkstreamForm(forms.ModelForm):
    class Meta:
        model = Workstream
        fields = ["kind", "code", "title", "description", "year", "parent", "weight", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["year"].queryset = plan.years.all()
        # Every workstream of the plan is offered, so choosing an impossible parent gets a clear message.
        self.fields["parent"].queryset = plan.workstreams.all()

    def clean(self):
        cleaned = super().clean()
        parent, year = cleaned.get("parent"), cleaned.get("year")
        if parent and year and parent.year_id and parent.year_id != year.pk:
            self.add_error("year", _("A part of a workstream belongs to the same year as the workstream."))
        return cleaned


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = [
            "workstream",
            "title",
            "description",
            "owner",
            "owner_body",
            "due_on",
            "status",
            "percent_complete",
            "weight",
            "position",
            "groups",
            "meetings",
        ]
        widgets = {
            "due_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].queryset = plan.workstreams.all()
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("full_name")
        self.fields["groups"].queryset = Group.objects.exclude(status=Group.Status.ARCHIVED)
        self.fields["meetings"].queryset = Meeting.objects.select_related("group").order_by("-starts_at")
        self.fields["meetings"].label_from_instance = _meeting_label
        self.fields["meetings"].help_text = _("Hold Ctrl (Cmd on a Mac) to choose more than one.")


def _meeting_label(meeting: Meeting) -> str:
    where = meeting.group.name if meeting.group_id else _("District event")
    return f"{meeting.title} · {where} · {date_format(localtime(meeting.starts_at), 'DATE_FORMAT')}"


class ProgressUpdateForm(forms.Form):
    reported_on = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    status = forms.ChoiceField(label=_("New status"), choices=ActionItem.Status.choices)
    percent = forms.IntegerField(
        label=_("New percent complete"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("A whole number from 0 to 100. Leave empty to keep the current value (100 when complete)."),
    )

    def clean_reported_on(self):
        reported_on = self.cleaned_data["reported_on"]
        if reported_on > timezone.localdate():
            raise forms.ValidationError(_("An update cannot be dated in the future."))
        return reported_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ActionItem.Status.COMPLETE and cleaned.get("percent") not in (None, 100):
            self.add_error(
                "percent", _("A complete item is fully done: set the percentage to 100 or choose another status.")
            )
        return cleaned


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["workstream", "name", "unit", "baseline", "baseline_on", "target", "target_on", "direction"]
        widgets = {"baseline_on": DateInput(), "target_on": DateInput()}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].queryset = plan.workstreams.all()


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": DateInput()}

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_measured_on(self):
        measured_on = self.cleaned_data["measured_on"]
        if self.indicator.measurements.filter(measured_on=measured_on).exists():
            raise forms.ValidationError(_("This indicator already has a measurement on that date."))
        return measured_on
