"""Thin views for feedback, participation records and the annual report."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from belong.csv_export import csv_response

from . import report, selectors, services
from .access import get_feedback_target, get_occurrence_for_feedback_results, require_equity_director
from .forms import FeedbackForm, ReportRangeForm
from .models import CertificateSettings


def feedback(request, token: str):
    """The two-question form behind the e-mailed link. The signed link is the credential, so no sign-in:
    the person answers from their phone's mail app."""
    occurrence, user_id = get_feedback_target(token)
    form = FeedbackForm(request.POST or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.feedback_submit(
                occurrence_id=occurrence.pk,
                user_id=user_id,
                rating=form.cleaned_data["rating"],
                improvement=form.cleaned_data["improvement"],
            )
        except services.FeedbackRefused as refused:
            form.add_error(None, refused.reason)
        else:
            outcome = "saved" if saved else "already"
    return render(request, "impact/feedback.html", {"form": form, "occurrence": occurrence, "outcome": outcome})


@login_required
@require_GET
def feedback_results(request, pk: int):
    occurrence = get_occurrence_for_feedback_results(request, pk)
    summary = selectors.feedback_summary(occurrence)
    return render(request, "impact/feedback_results.html", {"occurrence": occurrence, "summary": summary})


@login_required
@require_GET
def participation(request):
    return render(request, "impact/participation.html", {"years": selectors.participation(request.user)})


def _year_for(request, year: int) -> selectors.SchoolYear:
    for school_year in selectors.participation(request.user):
        if school_year.year == year:
            return school_year
    raise Http404


def _record_meetings(request, school_year):
    """A record the person hands to their principal leaves out confidential groups unless they ask."""
    include_confidential = request.GET.get("confidential") == "1"
    meetings = [entry for entry in school_year.meetings if include_confidential or not entry.confidential]
    left_out = len(school_year.meetings) - len(meetings)
    return meetings, left_out, include_confidential


@login_required
@require_GET
def participation_record(request, year: int):
    school_year = _year_for(request, year)
    meetings, left_out, include_confidential = _record_meetings(request, school_year)
    context = {
        "school_year": school_year,
        "meetings": meetings,
        "left_out": left_out,
        "include_confidential": include_confidential,
        "hours": sum(entry.hours for entry in meetings),
        "certificate": CertificateSettings.current(),
        "today": timezone.localdate(),
    }
    return render(request, "impact/participation_record.html", context)


@login_required
@require_GET
def participation_csv(request, year: int):
    school_year = _year_for(request, year)
    meetings, _left_out, _include = _record_meetings(request, school_year)
    rows = (
        [
            timezone.localtime(entry.occurrence.starts_at).date().isoformat(),
            entry.occurrence.meeting.title,
            entry.occurrence.meeting.group.name if entry.occurrence.meeting.group else "",
            entry.hours,
        ]
        for entry in meetings
    )
    return csv_response(f"participation-{school_year.year}.csv", ["date", "meeting", "group", "hours"], rows)


def _report_range(request):
    start, end = report.current_school_year_bounds()
    form = ReportRangeForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


@login_required
@require_GET
def annual_report(request):
    require_equity_director(request)
    form, start, end = _report_range(request)
    tables = report.build(start, end)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "tables": tables,
        "query": urlencode({"start": start.isoformat(), "end": end.isoformat()}),
    }
    return render(request, "impact/report.html", context)


@login_required
@require_GET
def annual_report_csv(request, table: str):
    require_equity_director(request)
    _form, start, end = _report_range(request)
    for found in report.build(start, end):
        if found.key == table:
            header = ["", *[column.label for column in found.columns]]
            rows = [
                [label, *[str(value) if value is report.SUPPRESSED else value for value in values]]
                for label, values in found.rows
            ]
            if found.total is not None:
                rows.append(
                    [
                        _("District total"),
                        *[str(value) if value is report.SUPPRESSED else value for value in found.total],
                    ]
                )
            return csv_response(f"report-{table}-{start.isoformat()}-{end.isoformat()}.csv", header, rows)
    raise Http404


@require_GET
def you_said_we_did(request):
    """Public, in every language: replies the director chose to publish, with the writers' consent."""
    labels, rows = selectors.comments_by_topic_and_quarter()
    context = {"entries": selectors.you_said_we_did(), "quarters": labels, "topic_rows": rows}
    return render(request, "impact/you_said_we_did.html", context)
