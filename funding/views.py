from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import is_director
from groups import access as group_access

from . import access, exports, selectors, services
from .forms import (
    AllocationForm,
    CycleForm,
    DeleteExpenseForm,
    ExpenseDecisionForm,
    ExpenseForm,
    RequestDecisionForm,
    RequestForm,
    VisibilityForm,
)
from .models import Cycle


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


def _cycle_from_query(request) -> Cycle | None:
    """?cycle=<id>, else the current cycle; None when the director has opened none yet."""
    raw = request.GET.get("cycle", "")
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            raise Http404
        return get_object_or_404(Cycle, pk=int(raw))
    return selectors.current_cycle()


def _no_cycle(request, group):
    return render(request, "funding/no_cycle.html", {"group": group})


@login_required
def index(request):
    """The director goes to the current cycle; a lead sees the groups they lead."""
    if is_director(request.user):
        cycle = selectors.current_cycle()
        if cycle is None:
            return redirect("funding:cycle_new")
        return redirect(cycle)
    groups = selectors.lead_groups(request.user)
    if not groups:
        raise PermissionDenied
    return render(request, "funding/index.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request):
    access.require_director(request)
    name, starts, ends = services.default_cycle()
    form = CycleForm(request.POST or None, initial={"name": name, "starts_on": starts, "ends_on": ends, "total": 0})
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("The cycle is open. Allocate to the groups below."))
            return redirect(cycle)
    return render(request, "funding/cycle_form.html", {"form": form}, status=_status(request))


@login_required
def cycle(request, pk):
    cycle = access.get_cycle_for_director(request, pk)
    return _program_page(request, cycle)


def _program_page(request, cycle, *, form=None, status=200):
    return render(
        request,
        "funding/program.html",
        {
            "program": selectors.program(cycle),
            "allocation_form": form or AllocationForm(),
        },
        status=status,
    )


@login_required
@require_POST
def allocate(request, pk):
    cycle = access.get_cycle_for_director(request, pk)
    form = AllocationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.allocation_set(
                cycle=cycle,
                group=data["group"],
                amount_cents=data["amount_cents"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("reason", error.messages[0])
    if not form.is_valid():
        return _program_page(request, cycle, form=form, status=400)
    messages.success(request, _("Allocation saved for %(group)s.") % {"group": form.cleaned_data["group"].name})
    return redirect(cycle)


@login_required
def export(request, pk):
    cycle = access.get_cycle_for_director(request, pk)
    response = StreamingHttpResponse(
        exports.cycle_csv(cycle=cycle, by=request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="funding-cycle-{cycle.pk}-expenses.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def group_budget(request, slug):
    group, scope = access.get_group_for_budget(request, slug)
    cycle = _cycle_from_query(request)
    if cycle is None:
        if scope == "totals":
            raise PermissionDenied
        return _no_cycle(request, group)
    if scope == "totals":
        allocation, totals = selectors.group_totals(group, cycle)
        if allocation is None or not allocation.totals_visible_to_members:
            raise PermissionDenied
        return render(request, "funding/group_totals.html", {"group": group, "cycle": cycle, "totals": totals})
    return render(
        request,
        "funding/group.html",
        {
            "budget": selectors.group_budget(group, cycle),
            "is_lead": group_access.is_lead(request.user, group),
            "is_director": is_director(request.user),
        },
    )


def _request_form(request, group, cycle):
    return RequestForm(request.POST or None, meetings=selectors.group_meetings(group))


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request, slug):
    group = access.get_group_for_lead(request, slug)
    cycle = _cycle_from_query(request)
    if cycle is None:
        return _no_cycle(request, group)
    form = _request_form(request, group, cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_create(cycle=cycle, group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Your request was sent to the equity director."))
            return redirect(f"{group_url(group)}?cycle={cycle.pk}")
    return render(
        request, "funding/request_form.html", {"form": form, "group": group, "cycle": cycle}, status=_status(request)
    )


def group_url(group) -> str:
    from django.urls import reverse

    return reverse("funding:group", args=[group.slug])


@login_required
@require_http_methods(["GET", "POST"])
def expense_new(request, slug):
    group = access.get_group_for_lead(request, slug)
    cycle = _cycle_from_query(request)
    if cycle is None:
        return _no_cycle(request, group)
    form = ExpenseForm(
        request.POST or None,
        request.FILES or None,
        requests=selectors.approved_requests(group, cycle),
        meetings=selectors.group_meetings(group),
    )
    if request.method == "POST" and form.is_valid():
        try:
            expense = services.expense_record(cycle=cycle, group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            if expense.status == expense.Status.AWAITING:
                messages.warning(
                    request,
                    _(
                        "This expense is beyond what is approved and remaining: it was sent to the equity director "
                        "for approval, and you will get an e-mail with the decision."
                    ),
                )
            else:
                messages.success(request, _("Expense recorded."))
            return redirect(f"{group_url(group)}?cycle={cycle.pk}")
    return render(
        request, "funding/expense_form.html", {"form": form, "group": group, "cycle": cycle}, status=_status(request)
    )


@login_required
@require_POST
def visibility(request, slug):
    group = access.get_group_for_lead(request, slug)
    cycle = _cycle_from_query(request)
    if cycle is None:
        return _no_cycle(request, group)
    form = VisibilityForm(request.POST)
    form.is_valid()
    try:
        services.totals_visibility_set(
            cycle=cycle, group=group, visible=form.cleaned_data.get("visible", False), by=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Saved."))
    return redirect(f"{group_url(group)}?cycle={cycle.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def request_decide(request, pk):
    funding_request = access.get_request_for_director(request, pk)
    form = RequestDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_decide(
                funding_request=funding_request,
                decision=data["decision"],
                approved_cents=data["approved_cents"],
                message=data["message"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Decision saved; the group's leads have been told by e-mail."))
            return redirect(funding_request.cycle)
    return render(
        request,
        "funding/request_decide.html",
        {"item": funding_request, "form": form, "history": selectors.history_of(funding_request)},
        status=_status(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def expense_decide(request, pk):
    expense = access.get_expense_for_director(request, pk)
    form = ExpenseDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_decide(
                expense=expense,
                approve=form.cleaned_data["decision"] == "approve",
                message=form.cleaned_data["message"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Decision saved; the group's leads have been told by e-mail."))
            return redirect(expense.cycle)
    return render(
        request,
        "funding/expense_decide.html",
        {"item": expense, "form": form, "history": selectors.history_of(expense)},
        status=_status(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def expense_delete(request, pk):
    expense = access.get_expense_for_manager(request, pk)
    if expense.deleted_at:
        raise Http404
    form = DeleteExpenseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_delete(expense=expense, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Expense deleted. It stays in the audit record."))
            return redirect(f"{group_url(expense.group)}?cycle={expense.cycle_id}")
    return render(request, "funding/expense_delete.html", {"item": expense, "form": form}, status=_status(request))


@login_required
def receipt(request, pk):
    """The receipt file, only to the director and the group's leads; always downloaded, never rendered."""
    expense = access.get_expense_for_manager(request, pk)
    if not expense.receipt:
        raise Http404
    extension = expense.receipt.name.rsplit(".", 1)[-1]
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:
        # The row outlived its file (a restore without the receipts volume): say so, do not fail.
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"receipt-{expense.reference}.{extension}",
        content_type=expense.receipt_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
