"""Thin views: access → form → service → redirect with a message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from groups.access import get_group_for_lead, is_lead

from . import calendar, selectors, services
from .access import (
    can_manage,
    check_in_window,
    get_group_with_public_schedule,
    get_meeting_for_manager,
    get_occurrence_for_manager,
    get_occurrence_for_viewer,
    require_equity_director,
    rsvp_refusal,
)
from .forms import (
    AttendanceForm,
    CancelForm,
    CheckInForm,
    CreditHoursForm,
    MeetingEditForm,
    MeetingForm,
    OccurrenceForm,
    suggested_start,
)
from .models import RSVP, Occurrence

# Service errors name the model's fields; the forms ask for a date and times instead.
FORM_FIELD_FOR = {"starts_at": "date", "ends_at": "end_time"}


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = FORM_FIELD_FOR.get(name, name)
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def detail(request, pk: int):
    occurrence = get_occurrence_for_viewer(request, pk)
    my_reply = RSVP.objects.filter(occurrence=occurrence, user=request.user).first()
    context = {
        "occurrence": occurrence,
        "meeting": occurrence.meeting,
        "counts": selectors.seat_counts(occurrence),
        "my_reply": my_reply,
        "refusal": rsvp_refusal(request.user, occurrence),
        "can_manage": can_manage(request.user, occurrence.meeting),
        "responses": RSVP.Response.choices,
        "other_dates": Occurrence.objects.upcoming().filter(meeting=occurrence.meeting).exclude(pk=pk)[:6],
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def reply(request, pk: int):
    occurrence = get_occurrence_for_viewer(request, pk)
    response = request.POST.get("response", "")
    if response not in RSVP.Response.values:
        messages.error(request, _("Choose going, maybe or not going."))
        return redirect(occurrence)
    try:
        answer = services.rsvp_set(occurrence=occurrence, user=request.user, response=response)
    except services.RSVPRefused as refused:
        messages.error(request, refused.reason)
        return redirect(occurrence)
    if answer.is_waitlisted:
        messages.info(
            request,
            _("Every seat is taken, so you are number %(n)s on the waitlist. We will e-mail you if a seat frees up.")
            % {"n": answer.waitlist_position},
        )
    else:
        messages.success(request, _("Thank you: your reply is saved."))
    # Replies sent from a list (the home page) go back to it.
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(occurrence)


@login_required
@require_GET
def download(request, pk: int):
    occurrence = get_occurrence_for_viewer(request, pk)
    return _calendar_response(calendar.download(occurrence), f"meeting-{occurrence.pk}.ics")


@login_required
def my_meetings(request):
    context = {
        "series": selectors.upcoming_series_for_user(request.user),
        "past": selectors.past_for_user(request.user, limit=20),
        "feed_url": request.build_absolute_uri(f"/me/calendar/{request.user.calendar_token}.ics"),
    }
    return render(request, "meetings/my_meetings.html", context)


@login_required
@require_POST
def reset_calendar(request):
    services.calendar_token_reset(user=request.user)
    messages.success(
        request,
        _("Your calendar address has changed. Subscribe again with the new address; the old one no longer works."),
    )
    return redirect("meetings:mine")


def my_calendar_feed(request, token: str):
    """A private feed: the secret token in the address is the only credential, so no session."""
    person = get_object_or_404(get_user_model(), calendar_token=token, is_active=True)
    content = calendar.calendar_for(selectors.feed_for_user(person), name=_("My Belong meetings"))
    response = _calendar_response(content, "belong.ics")
    response["Cache-Control"] = "private, max-age=900"
    return response


def _schedule(request, *, group, district_event: bool):
    form = MeetingForm(
        request.POST or None,
        district_event=district_event,
        initial=None if request.method == "POST" else suggested_start(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(by=request.user, group=group, **form.service_arguments())
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            count = meeting.occurrences.count()
            messages.success(
                request,
                ngettext(
                    "Scheduled %(count)s date. Invitations are on their way.",
                    "Scheduled %(count)s dates. Invitations are on their way.",
                    count,
                )
                % {"count": count},
            )
            return redirect(meeting.occurrences.order_by("starts_at").first())
    return render(
        request, "meetings/meeting_form.html", {"form": form, "group": group, "district_event": district_event}
    )


@login_required
def new_group_meeting(request, slug: str):
    group = get_group_for_lead(request, slug, refusal=_("Only the group's leads can schedule its meetings."))
    return _schedule(request, group=group, district_event=False)


@login_required
def new_district_event(request):
    require_equity_director(request)
    return _schedule(request, group=None, district_event=True)


@login_required
def edit_meeting(request, pk: int):
    meeting = get_meeting_for_manager(request, pk)
    form = MeetingEditForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. Everyone invited hears about the change."))
            return redirect(meeting.occurrences.upcoming().first() or meeting.occurrences.last())
    return render(request, "meetings/meeting_edit.html", {"form": form, "meeting": meeting})


@login_required
def cancel_meeting(request, pk: int):
    meeting = get_meeting_for_manager(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.meeting_cancel(meeting=meeting, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Every upcoming date is cancelled. Everyone invited hears about it."))
        return redirect(meeting.occurrences.last())
    return render(request, "meetings/cancel.html", {"form": form, "meeting": meeting, "whole_series": True})


@login_required
def edit_occurrence(request, pk: int):
    occurrence = get_occurrence_for_manager(request, pk)
    form = OccurrenceForm(request.POST or None, occurrence=occurrence)
    if request.method == "POST" and form.is_valid():
        try:
            services.occurrence_update(occurrence=occurrence, by=request.user, **form.service_arguments())
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. Everyone invited hears about the change."))
            return redirect(occurrence)
    return render(request, "meetings/occurrence_form.html", {"form": form, "occurrence": occurrence})


@login_required
def cancel_occurrence(request, pk: int):
    occurrence = get_occurrence_for_manager(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.occurrence_cancel(occurrence=occurrence, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("This meeting is cancelled. Everyone invited hears about it."))
            return redirect(occurrence)
    return render(
        request,
        "meetings/cancel.html",
        {"form": form, "meeting": occurrence.meeting, "occurrence": occurrence, "whole_series": False},
    )


@login_required
def attendance(request, pk: int):
    occurrence = get_occurrence_for_manager(request, pk)
    group = occurrence.meeting.group
    leads_sheet = group is None or is_lead(request.user, group)
    sheet = selectors.attendance_sheet(occurrence, include_hidden=leads_sheet)
    form = AttendanceForm(request.POST or None, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            came = services.attendance_mark(
                occurrence=occurrence,
                by=request.user,
                attended_user_ids=set(form.cleaned_data["attended"]),
                sheet_user_ids={reply.user_id for reply in sheet},
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Attendance saved: %(count)s attended.") % {"count": came})
            return redirect(occurrence)
    return render(request, "meetings/attendance.html", {"form": form, "occurrence": occurrence, "sheet": sheet})


# The public pages render as if signed out, whoever asks: no session read, no messages consumed,
# no CSRF token, so no cookie is set and nothing about the visitor is kept.
PUBLIC_CONTEXT = {"user": AnonymousUser(), "messages": (), "perms": None}


@require_GET
def public_schedule(request, slug: str):
    group = get_group_with_public_schedule(slug)
    context = {**PUBLIC_CONTEXT, "group": group, "occurrences": selectors.public_schedule_for(group)}
    return render(request, "meetings/public_schedule.html", context)


@require_GET
def public_feed(request, slug: str):
    group = get_group_with_public_schedule(slug)
    content = calendar.calendar_for(selectors.public_schedule_for(group), name=group.name, public=True)
    response = _calendar_response(content, f"{slugify(group.slug)}.ics")
    response["Cache-Control"] = "public, max-age=900"
    return response


def _qr_svg(data: str) -> str:
    """The QR code as inline SVG, drawn here so nothing about the meeting leaves for a QR service."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    return image.to_string(encoding="unicode")


@login_required
def check_in_display(request, pk: int):
    """The page a lead projects or prints: the QR code, the short code, the window and a count (never names)."""
    occurrence = get_occurrence_for_manager(request, pk)
    code = services.check_in_code_get_or_create(occurrence=occurrence)
    url = settings.SITE_URL + reverse("meetings:check_in_code", args=[code.code])
    opens, closes = check_in_window(occurrence)
    context = {
        "occurrence": occurrence,
        "code": code.code,
        "url": url,
        "typing_url": settings.SITE_URL + reverse("meetings:check_in"),
        "qr_svg": _qr_svg(url),
        "opens": opens,
        "closes": closes,
        "present": RSVP.objects.filter(occurrence=occurrence, attended=True).count(),
        "hours_form": CreditHoursForm(initial={"credit_hours": occurrence.meeting.credit_hours}),
    }
    return render(request, "meetings/check_in_display.html", context)


@login_required
@require_POST
def credit_hours(request, pk: int):
    meeting = get_meeting_for_manager(request, pk)
    form = CreditHoursForm(request.POST)
    if form.is_valid():
        services.meeting_set_credit_hours(meeting=meeting, hours=form.cleaned_data["credit_hours"], by=request.user)
        messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    occurrence = meeting.occurrences.upcoming().first() or meeting.occurrences.last()
    return redirect(occurrence)


@login_required
def check_in(request):
    """Type the code (or arrive from the QR code's page). Says only whether *you* are checked in."""
    form = CheckInForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            occurrence, already = services.occurrence_check_in(code=form.cleaned_data["code"], user=request.user)
        except services.CheckInRefused as refused:
            form.add_error("code", refused.reason)
        else:
            result = {"occurrence": occurrence, "already": already}
    return render(request, "meetings/check_in.html", {"form": form, "result": result})


@login_required
@require_GET
def check_in_code(request, code: str):
    """Where the QR code points: a one-button page, so a link preview or a prefetch never checks anyone in."""
    form = CheckInForm(initial={"code": code[:32]})
    return render(request, "meetings/check_in.html", {"form": form, "result": None, "scanned": True})
