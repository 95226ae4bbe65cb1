"""Meeting forms: dates and times are typed in the district's time zone and checked here, with
messages next to the field that needs fixing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import School

from .models import MAX_CAPACITY, Audience, Meeting, Occurrence, district_zone, times_are_in
from .recurrence import Repeat, last_possible_day, rule_for

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=district_zone())


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates can render fields one by one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class SchoolChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("That school or site is not one of the district's. Choose one from the list."),
    }


class PlaceFieldsMixin(StyledForm):
    school = SchoolChoiceField(
        label=_("School or site"),
        queryset=School.objects.all(),
        required=False,
        empty_label=_("Not at a school (type an address below)"),
    )
    address = forms.CharField(
        label=_("Other address"),
        max_length=300,
        required=False,
        help_text=_("For a meeting in the community, for example a café or a library."),
    )
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Shared with the people invited, never on a public schedule."),
    )

    def clean_place(self, cleaned: dict) -> None:
        school, address, link = cleaned.get("school"), cleaned.get("address"), cleaned.get("online_url")
        if school and address:
            self.add_error("address", _("Choose a school or type another address, not both."))
        elif not (school or address or link) and not self.has_error("school") and not self.has_error("online_url"):
            self.add_error("school", _("Say where the meeting is: a school, another address or an online link."))


class WhenFieldsMixin(StyledForm):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)

    def clean_when(self, cleaned: dict, *, allow_unchanged_start: datetime | None = None) -> None:
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if not (day and start and end):
            return
        starts_at, ends_at = local_datetime(day, start), local_datetime(day, end)
        if ends_at <= starts_at:
            self.add_error("end_time", _("The meeting must end after it starts."))
        if starts_at <= timezone.now() and starts_at != allow_unchanged_start:
            # A day gone by is the date's fault; earlier today, the start time's.
            if day < timezone.localdate(timezone=district_zone()):
                self.add_error("date", _("That date and time have already passed. Choose a time in the future."))
            else:
                self.add_error("start_time", _("That time has already passed today. Choose a later time."))
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at

    def zone_sentence(self) -> str:
        """ "Times are in Eastern Time (New York).", shown above the fields."""
        return times_are_in()


class MeetingForm(WhenFieldsMixin, PlaceFieldsMixin, forms.Form):
    """Scheduling a meeting, a series or a district event."""

    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    repeat = forms.ChoiceField(label=_("Repeats"), choices=Repeat.choices, required=False)
    repeat_until = forms.DateField(
        label=_("Repeat until"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("At most a year ahead; leave empty for a year of meetings."),
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("Leave empty when there is no limit. When the seats are taken, people join a waitlist."),
        error_messages={
            "max_value": _("That is more seats than any district venue holds. Enter %(limit_value)s or fewer."),
            "min_value": _("Enter at least one seat, or leave the field empty for no limit."),
        },
    )
    audience = forms.ChoiceField(label=_("Who may attend"), choices=Audience.choices)

    field_order = [
        "title",
        "agenda",
        "date",
        "start_time",
        "end_time",
        "repeat",
        "repeat_until",
        "school",
        "address",
        "online_url",
        "capacity",
        "audience",
    ]

    def __init__(self, *args, district_event: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if district_event:
            self.fields["audience"].choices = [c for c in Audience.choices if c[0] != Audience.MEMBERS]
            self.initial.setdefault("audience", Audience.ALL_STAFF)
        else:
            self.initial.setdefault("audience", Audience.MEMBERS)

    def clean(self):
        cleaned = super().clean()
        self.clean_when(cleaned)
        self.clean_place(cleaned)
        day, until, repeat = cleaned.get("date"), cleaned.get("repeat_until"), cleaned.get("repeat") or ""
        if until and not repeat and not self.has_error("repeat"):
            # Otherwise the date would be silently ignored and one meeting scheduled.
            self.add_error("repeat", _("Choose how often the meeting repeats, or clear “Repeat until”."))
        if repeat and day and until:
            if until < day:
                self.add_error("repeat_until", _("The last meeting cannot come before the first."))
            elif until > last_possible_day(day):
                self.add_error("repeat_until", _("Schedule at most a year ahead."))
        cleaned["recurrence"] = rule_for(repeat, day) if day else ""
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title",
                "agenda",
                "starts_at",
                "ends_at",
                "school",
                "address",
                "online_url",
                "capacity",
                "audience",
                "recurrence",
                "repeat_until",
            )
        }


class MeetingEditForm(PlaceFieldsMixin, forms.Form):
    """What applies to every date of a meeting or series."""

    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    capacity = MeetingForm.base_fields["capacity"]
    audience = forms.ChoiceField(label=_("Who may attend"), choices=Audience.choices)

    field_order = ["title", "agenda", "school", "address", "online_url", "capacity", "audience"]

    def __init__(self, *args, meeting: Meeting, **kwargs):
        initial = {name: getattr(meeting, name) for name in self.field_order}
        super().__init__(*args, initial=initial, **kwargs)
        if meeting.is_district_event:
            self.fields["audience"].choices = [c for c in Audience.choices if c[0] != Audience.MEMBERS]

    def clean(self):
        cleaned = super().clean()
        self.clean_place(cleaned)
        return cleaned


class OccurrenceForm(WhenFieldsMixin, PlaceFieldsMixin, forms.Form):
    """One date of a meeting: its time, place and a note for that date."""

    note = forms.CharField(
        label=_("Note for this date"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For example: bring a copy of the reading."),
    )

    field_order = ["date", "start_time", "end_time", "school", "address", "online_url", "note"]

    def __init__(self, *args, occurrence: Occurrence, **kwargs):
        self.occurrence = occurrence
        zone = district_zone()
        start = timezone.localtime(occurrence.starts_at, zone)
        end = timezone.localtime(occurrence.ends_at, zone)
        initial = {
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "school": occurrence.school,
            "address": occurrence.address,
            "online_url": occurrence.online_url,
            "note": occurrence.note,
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        # An unchanged start may already be past (editing the note of a meeting under way).
        self.clean_when(cleaned, allow_unchanged_start=self.occurrence.starts_at)
        self.clean_place(cleaned)
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("starts_at", "ends_at", "school", "address", "online_url", "note")}


class CancelForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason (optional, included in the e-mail)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttendanceForm(StyledForm):
    attended = forms.TypedMultipleChoiceField(
        label=_("Who attended"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(reply.user_id, reply.user.display_name) for reply in sheet]
        self.initial.setdefault("attended", [reply.user_id for reply in sheet if reply.attended])


def suggested_start() -> dict:
    """Initial values for a new meeting: next week, 3:30 to 4:30 in the afternoon."""
    day = timezone.localdate() + timedelta(days=7)
    return {"date": day, "start_time": time(15, 30), "end_time": time(16, 30)}


class CheckInForm(StyledForm):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class CreditHoursForm(StyledForm):
    credit_hours = forms.DecimalField(
        label=_("Professional-learning hours per meeting"),
        required=False,
        min_value=0.25,
        max_value=12,
        max_digits=4,
        decimal_places=2,
        help_text=_("Printed on participation records. Leave empty to count each meeting's length."),
    )
