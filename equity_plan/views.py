from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from belong import shared_pages
from belong.csv_export import csv_response

from . import access, selectors, services
from .forms import (
    ActionItemForm,
    IndicatorForm,
    MeasurementForm,
    PlanForm,
    PlanYearForm,
    ProgressUpdateForm,
    WorkstreamForm,
)
from .models import Plan, PlanYear, Workstream

# --- Public pages ------------------------------------------------------------------------------------


def plan_index(request):
    plans = list(selectors.plans_visible_to(request.user))
    if len(plans) == 1 and not access.can_edit(request.user):
        return redirect(plans[0])
    context = {"plans": plans, "can_edit": access.can_edit(request.user)}
    return render(request, "equity_plan/plan_index.html", context)


# Fragments of plans that changed since are never read again: let Redis drop them.
OVERVIEW_CACHE_SECONDS = 24 * 60 * 60


def plan_detail(request, slug):
    plan, site_settings = access.get_plan_and_site_settings_for_reader(request, slug)
    if _is_plain_public_visit(request):
        # Parents and the community all see the same page: kept whole, under a key that moves with the
        # plan's rows, the language, the footer's settings and the release.
        # Each process keeps it with its gzip encoding (no 165 KB read from Redis per view); Redis still
        # spares the other processes the rendering.
        key = selectors.public_page_cache_key(plan, site_settings)

        def render_page() -> bytes:
            html = cache.get(key)
            if html is None:
                html = _plan_detail_page(request, plan).content
                cache.set(key, html, OVERVIEW_CACHE_SECONDS)
            return html

        return shared_pages.precompressed_page(key, render_page).response(request)
    return _plan_detail_page(request, plan)


def _is_plain_public_visit(request) -> bool:
    """Signed out, no query string and no message waiting to be shown: nothing on the page is the visitor's."""
    return not request.user.is_authenticated and not request.GET and not len(messages.get_messages(request))


def _plan_detail_page(request, plan: Plan) -> HttpResponse:
    can_edit = access.can_edit(request.user)
    key = selectors.overview_cache_key(plan, can_edit=can_edit)
    # Rolling up and rendering a district-size tree takes far longer than the rest of the page; a
    # cache outage reads as a miss (belong.cache). The cache keeps the SafeString type.
    overview_html = cache.get(key)
    if overview_html is None:
        overview_html = render_to_string(
            "equity_plan/_plan_overview.html",
            {
                "plan": plan,
                "overview": selectors.plan_overview(plan),
                "recent_updates": selectors.recent_updates(plan),
                "can_edit": can_edit,
            },
        )
        cache.set(key, overview_html, OVERVIEW_CACHE_SECONDS)
    return render(
        request,
        "equity_plan/plan_detail.html",
        {
            "plan": plan,
            "overview_html": overview_html,
        },
    )


def workstream_detail(request, slug, pk):
    plan = access.get_plan_for_reader(request, slug)
    workstream = access.get_workstream_for_reader(request, plan, pk)
    overview = selectors.plan_overview(plan, with_items=True)
    return render(
        request,
        "equity_plan/workstream_detail.html",
        {
            "plan": plan,
            "workstream": workstream,
            "node": overview.nodes[workstream.pk],
            "indicators": selectors.indicators_for(workstream),
            "can_edit": access.can_edit(request.user),
        },
    )


def item_detail(request, slug, pk):
    plan = access.get_plan_for_reader(request, slug)
    item = access.get_item_for_reader(request, plan, pk)
    can_edit = access.can_edit(request.user)
    return render(
        request,
        "equity_plan/item_detail.html",
        {
            "plan": plan,
            "item": item,
            "updates": selectors.item_updates(item),
            "groups": item.groups.all(),
            "meetings": selectors.item_meetings(item, request.user),
            "history": selectors.change_history(item) if can_edit else None,
            "can_edit": can_edit,
        },
    )


def plan_print(request, slug):
    plan = access.get_plan_for_reader(request, slug)
    overview = selectors.plan_overview(plan, with_items=True, with_indicators=True)
    return render(request, "equity_plan/plan_print.html", {"plan": plan, "overview": overview})


CSV_FIELDS = [
    "year",
    "workstream_code",
    "workstream",
    "item",
    "owner",
    "due_on",
    "status",
    "percent_complete",
    "weight",
    "workstream_percent",
]


def plan_csv(request, slug):
    plan = access.get_plan_for_reader(request, slug)
    overview = selectors.plan_overview(plan, with_items=True)
    years = {view.year.pk: view.year for view in overview.years if view.year}

    def rows():
        for node in overview.nodes.values():
            stream = node.workstream
            for item in node.items:
                year = years.get(stream.year_id)
                yield (
                    f"{year.number}: {year.title}" if year else "",
                    stream.code,
                    stream.title,
                    item.title,
                    item.owner_label,
                    item.due_on.isoformat() if item.due_on else "",
                    item.get_status_display(),
                    item.percent_complete,
                    item.weight,
                    node.progress.rounded if node.progress.rounded is not None else "",
                )

    return csv_response(f"{plan.slug}.csv", CSV_FIELDS, rows())


# --- Editing (editors only) --------------------------------------------------------------------------


def _form_page(request, *, form, save: Callable, plan: Plan | None, heading: str, cancel_url: str, done: str):
    """Validate, call the service, redirect with a message; a service's ValidationError becomes form errors."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, done)
            return redirect(saved)
    return render(
        request,
        "equity_plan/form.html",
        {
            "form": form,
            "plan": plan,
            "heading": heading,
            "cancel_url": cancel_url,
        },
    )


def _data(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    access.require_editor(request)
    form = PlanForm(_data(request))
    return _form_page(
        request,
        form=form,
        plan=None,
        heading=_("New plan"),
        cancel_url="/plan/",
        save=lambda f: services.plan_save(plan=f.save(commit=False), editor=request.user),
        done=_("The plan was created."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, slug):
    plan = access.get_plan_for_editor(request, slug)
    form = PlanForm(_data(request), instance=plan)
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Edit the plan"),
        cancel_url=plan.get_absolute_url(),
        save=lambda f: services.plan_save(plan=f.save(commit=False), editor=request.user),
        done=_("The plan was saved."),
    )


def _year_saver(request, plan):
    def save(form):
        services.year_save(year=form.save(commit=False), editor=request.user)
        return plan

    return save


@login_required
@require_http_methods(["GET", "POST"])
def year_create(request, slug):
    plan = access.get_plan_for_editor(request, slug)
    form = PlanYearForm(_data(request), instance=PlanYear(plan=plan), initial={"number": plan.years.count() + 1})
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Add a year"),
        cancel_url=plan.get_absolute_url(),
        save=_year_saver(request, plan),
        done=_("The year was added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def year_edit(request, slug, pk):
    plan = access.get_plan_for_editor(request, slug)
    form = PlanYearForm(_data(request), instance=access.get_year_for_editor(request, plan, pk))
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Edit the year"),
        cancel_url=plan.get_absolute_url(),
        save=_year_saver(request, plan),
        done=_("The year was saved."),
    )


def _workstream_saver(request, plan):
    def save(form):
        workstream = services.workstream_save(workstream=form.save(commit=False), editor=request.user)
        workstream.plan = plan
        return workstream

    return save


@login_required
@require_http_methods(["GET", "POST"])
def workstream_create(request, slug):
    plan = access.get_plan_for_editor(request, slug)
    initial = {key: request.GET[key] for key in ("year", "parent", "kind") if request.GET.get(key, "").isalnum()}
    form = WorkstreamForm(_data(request), plan=plan, instance=Workstream(plan=plan), initial=initial)
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Add a workstream"),
        cancel_url=plan.get_absolute_url(),
        save=_workstream_saver(request, plan),
        done=_("The workstream was added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def workstream_edit(request, slug, pk):
    plan = access.get_plan_for_editor(request, slug)
    workstream = access.get_workstream_for_reader(request, plan, pk)
    form = WorkstreamForm(_data(request), plan=plan, instance=workstream)
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Edit the workstream"),
        cancel_url=workstream.get_absolute_url(),
        save=_workstream_saver(request, plan),
        done=_("The workstream was saved."),
    )


def _item_saver(request, plan):
    def save(form):
        item = services.item_save(
            item=form.save(commit=False),
            editor=request.user,
            groups=form.cleaned_data["groups"],
            meetings=form.cleaned_data["meetings"],
        )
        item.workstream.plan = plan
        return item

    return save


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, slug):
    plan = access.get_plan_for_editor(request, slug)
    initial = {"workstream": request.GET["w"]} if request.GET.get("w", "").isdigit() else {}
    form = ActionItemForm(_data(request), plan=plan, initial=initial)
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Add an action item"),
        cancel_url=plan.get_absolute_url(),
        save=_item_saver(request, plan),
        done=_("The action item was added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, slug, pk):
    plan = access.get_plan_for_editor(request, slug)
    item = access.get_item_for_reader(request, plan, pk)
    form = ActionItemForm(_data(request), plan=plan, instance=item)
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Edit the action item"),
        cancel_url=item.get_absolute_url(),
        save=_item_saver(request, plan),
        done=_("The action item was saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_update(request, slug, pk):
    plan = access.get_plan_for_editor(request, slug)
    item = access.get_item_for_reader(request, plan, pk)
    form = ProgressUpdateForm(
        _data(request),
        initial={
            "reported_on": timezone.localdate(),
            "status": item.status,
            "percent": item.percent_complete,
        },
    )

    def save(form):
        data = form.cleaned_data
        services.progress_update_post(
            item=item,
            author=request.user,
            reported_on=data["reported_on"],
            text=data["text"],
            status=data["status"],
            percent=data["percent"],
        )
        return item

    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Post a progress update: %(item)s") % {"item": item},
        cancel_url=item.get_absolute_url(),
        save=save,
        done=_("The update was posted."),
    )


def _indicator_saver(request, plan):
    def save(form):
        indicator = services.indicator_save(indicator=form.save(commit=False), editor=request.user)
        indicator.workstream.plan = plan
        return indicator.workstream

    return save


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request, slug):
    plan = access.get_plan_for_editor(request, slug)
    initial = {"workstream": request.GET["w"]} if request.GET.get("w", "").isdigit() else {}
    form = IndicatorForm(_data(request), plan=plan, initial=initial)
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Add an indicator"),
        cancel_url=plan.get_absolute_url(),
        save=_indicator_saver(request, plan),
        done=_("The indicator was added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, slug, pk):
    plan = access.get_plan_for_editor(request, slug)
    indicator = access.get_indicator_for_editor(request, plan, pk)
    form = IndicatorForm(_data(request), plan=plan, instance=indicator)
    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Edit the indicator"),
        cancel_url=indicator.workstream.get_absolute_url(),
        save=_indicator_saver(request, plan),
        done=_("The indicator was saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_create(request, slug, pk):
    plan = access.get_plan_for_editor(request, slug)
    indicator = access.get_indicator_for_editor(request, plan, pk)
    form = MeasurementForm(_data(request), indicator=indicator, initial={"measured_on": timezone.localdate()})

    def save(form):
        data = form.cleaned_data
        services.measurement_add(
            indicator=indicator,
            editor=request.user,
            measured_on=data["measured_on"],
            value=data["value"],
            note=data["note"],
        )
        return indicator.workstream

    return _form_page(
        request,
        form=form,
        plan=plan,
        heading=_("Add a measurement: %(indicator)s") % {"indicator": indicator},
        cancel_url=indicator.workstream.get_absolute_url(),
        save=save,
        done=_("The measurement was added."),
    )
