from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from belong import shared_pages
from belong.csv_export import csv_streaming_response
from belong.pagination import paginate

from . import access, eligibility, fragments, selectors, services
from .eligibility import Outcome
from .filters import GroupFilter
from .forms import (
    ColourForm,
    ExportForm,
    GroupEmailForm,
    HiddenForm,
    InviteForm,
    JoinForm,
    ProposalForm,
    RosterActionForm,
    VisibilityForm,
)
from .models import Group, GroupColour, Membership

DIRECTORY_PAGE_SIZE = 30


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("Something in the form was not right; please try again.")


# The directory as most people open it (no search, no "my groups"): the same page for every viewer but
# for the header's account links and each card's footer, so it is rendered once per listing version and
# shared (belong.shared_pages). A search or a viewer's own filter takes the ordinary path below.
SHARED_DIRECTORY_PARAMETERS = frozenset({"page", "focus", "status"})


@login_required
def directory(request):
    if all(name in SHARED_DIRECTORY_PARAMETERS and len(request.GET.getlist(name)) == 1 for name in request.GET):
        return _shared_directory(request)
    filterset = GroupFilter(request.GET, queryset=selectors.directory_queryset(request.user), request=request)
    page = paginate(filterset.qs, request.GET.get("page"), DIRECTORY_PAGE_SIZE)
    for group in page.object_list:
        group.decision = eligibility.check(request.user, group)
        group.card_body = fragments.card_body(group)  # shared; the footer with the viewer's standing is not
    fragments.card_footers(request, page.object_list)
    return render(request, "groups/directory.html", {"filter": filterset, "page": page, "groups": page.object_list})


def _shared_directory(request):
    def build() -> shared_pages.SharedContent:
        filterset = GroupFilter(request.GET, queryset=selectors.directory_listing())
        page = paginate(filterset.qs, request.GET.get("page"), DIRECTORY_PAGE_SIZE)
        for group in page.object_list:
            group.card_body = fragments.card_body(group)
            group.card_footer = shared_pages.slot(fragments.footer_slot(group.pk))
        context = {"filter": filterset, "page": page, "groups": page.object_list}
        return shared_pages.SharedContent(context, data=[fragments.card_facts(group) for group in page.object_list])

    version, standing = selectors.listing_version_and_standing(request.user)
    page = shared_pages.lookup(request, "groups/directory.html", ("groups.directory", version), build)
    footers = fragments.card_footer_slots(request, page.data, standing)
    return shared_pages.finish(request, page, footers)


def public_directory(request):
    """Groups anyone may read about before signing in (a new hire before their account exists)."""
    context = {"user": AnonymousUser(), "messages": (), "groups": selectors.public_groups()}
    return render(request, "groups/public_directory.html", context)


def detail(request, slug):
    if not request.user.is_authenticated:
        # A group that publishes its schedule has a public page; for anything else (a group that does not,
        # or no group at all) the visitor is asked to sign in, so the answer confirms nothing.
        if Group.objects.listed().filter(slug=slug, public_schedule=True).exists():
            return redirect(reverse("meetings:public_schedule", args=[slug]))
        return redirect_to_login(request.get_full_path())
    # The schools' ids ride on the group's query: enough to decide the viewer's standing; their names are
    # read by the page itself (once per version when the page is shared).
    group = access.get_group_for_viewer(request, slug, schools=False)
    if not group.is_confidential and all(name == "page" for name in request.GET):
        return _shared_group_page(request, group)
    context = selectors.group_page(request.user, group, members_page=request.GET.get("page"))
    context.update(
        decision=eligibility.check(request.user, group),
        join_form=JoinForm(),
        upcoming_meetings=selectors.upcoming_meetings_for_group(group, limit=5),
        colour_choices=GroupColour.choices,
        about_html=fragments.about(group, context["eligible_schools"]),
    )
    return render(request, "groups/detail.html", context)


def _shared_group_page(request, group: Group):
    """A group's page rendered once for everyone with the same standing in it, per version of the group.

    Only for groups that are not confidential: the page of a confidential group names its members to its
    members, and those names never sit in memory shared between requests. The key names everything on the
    page that differs between viewers (their membership's status, role and choices, what they may do and
    see, the requests waiting for a lead); the rest of the page is the group's, and its content_version
    moves with every change to it, its members, their names and its meetings.
    """
    user = request.user
    membership = access.membership_of(user, group)
    decision = eligibility.check(user, group)
    can_manage_roster = access.can_manage_roster(user, group)
    standing = (
        (membership.status, membership.role, membership.visible_to_members, membership.hidden) if membership else None
    )
    pending_count = selectors.pending_count(user, group) if can_manage_roster else 0
    # Whether they lead or are an active member is in `standing`.
    viewer = (
        standing,
        (decision.outcome, decision.reason),
        can_manage_roster,
        access.can_see_member_names(user, group),
        access.can_see_leads(user, group),
        pending_count,
    )

    def build() -> shared_pages.SharedContent:
        context = selectors.group_page(user, group, members_page=request.GET.get("page"))
        upcoming = selectors.upcoming_meetings_for_group(group, limit=5)
        context.update(
            membership=shared_pages.Keyed(
                "membership",
                status=standing[0],
                role=standing[1],
                is_lead=standing[0] == Membership.Status.ACTIVE and standing[1] == Membership.Role.LEAD,
                visible_to_members=standing[2],
                hidden=standing[3],
            )
            if standing
            else None,
            pending_count=pending_count,
            decision=decision,
            join_form=JoinForm(),
            upcoming_meetings=upcoming,
            colour_choices=GroupColour.choices,
            about_html=fragments.about(group, context["eligible_schools"]),
        )
        # The list changes by itself when its first meeting ends (selectors list meetings not yet over).
        expires_at = min((meeting.ends_at for meeting in upcoming), default=None)
        return shared_pages.SharedContent(context, expires_at=expires_at)

    key = ("groups.detail", group.pk, group.content_version, viewer)
    return shared_pages.finish(request, shared_pages.lookup(request, "groups/detail.html", key, build))


def _back(request, group):
    """Where a form sent from a card (the directory, the home page) returns: that page, else the group's."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(group)


@login_required
@require_POST
def join(request, slug):
    group = access.get_group_for_viewer(request, slug, schools=False)
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(request, group)
    result = services.group_join(group=group, user=request.user, message=form.cleaned_data["message"])
    pending = result.membership is not None and result.membership.status == result.membership.Status.PENDING
    if result.decision.outcome == Outcome.REFUSE:
        messages.error(request, result.decision.reason)
    elif result.already:
        messages.info(
            request,
            _("Your request is already waiting for a lead's approval.")
            if pending
            else _("You are already a member of this group."),
        )
    elif pending:
        messages.success(
            request, _("Your request was sent to the group's leads. You will get an e-mail when they decide.")
        )
    else:
        messages.success(request, _("Welcome! You are now a member of %(group)s.") % {"group": group.name})
    return _back(request, group)


@login_required
@require_POST
def colour(request, slug):
    group = access.get_group_for_lead(request, slug)
    form = ColourForm(request.POST)
    if form.is_valid():
        services.group_set_colour(group=group, colour=form.cleaned_data["colour"], by=request.user)
        messages.success(request, _("Saved: the group's card now shows its new colour."))
    else:
        messages.error(request, _("Choose one of the colours shown."))
    return redirect(group)


@login_required
@require_POST
def leave(request, slug):
    group = access.get_group_for_viewer(request, slug, schools=False)
    if services.group_leave(group=group, user=request.user):
        messages.success(request, _("You left %(group)s.") % {"group": group.name})
    else:
        messages.info(request, _("You were not a member of this group."))
    return redirect(group)


@login_required
@require_POST
def visibility(request, slug):
    group = access.get_group_for_viewer(request, slug, schools=False)
    membership = access.get_membership_for_self(request, group)
    form = VisibilityForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" means hidden
    services.membership_set_visibility(
        membership=membership, visible=form.cleaned_data.get("visible_to_members", False)
    )
    if membership.visible_to_members:
        messages.success(request, _("Other members can now see your name on the member list."))
    else:
        messages.success(request, _("Your name is hidden from the member list."))
    return redirect(group)


@login_required
@require_http_methods(["GET", "POST"])
def my_membership(request, slug):
    """The member's own page for one group: who can see them, and who exported the roster with their name."""
    group = access.get_group_for_viewer(request, slug)
    membership = access.get_membership_for_self(request, group)
    form = HiddenForm(
        request.POST if request.method == "POST" else None,
        initial={"visibility": HiddenForm.HIDDEN if membership.hidden else HiddenForm.SHOWN},
    )
    if request.method == "POST" and form.is_valid():
        hidden = form.cleaned_data["visibility"] == HiddenForm.HIDDEN
        services.membership_set_hidden(membership=membership, hidden=hidden, by=request.user)
        messages.success(
            request,
            _("Only the group's leads can see that you belong to it.")
            if hidden
            else _("You are now shown on the roster to whoever manages it."),
        )
        return redirect("groups:membership", slug=group.slug)
    context = {
        "group": group,
        "membership": membership,
        "form": form,
        "exports": selectors.roster_exports(group) if membership.status == membership.Status.ACTIVE else [],
    }
    return render(request, "groups/membership.html", context, status=400 if request.method == "POST" else 200)


def _shared_roster_page(request, group: Group):
    """The roster as a lead opens it (no search, no form coming back with errors), rendered once per version
    of the group and per viewer, the same way as the group page: the group's content_version moves with
    every membership and every member's name, role and site. Only for groups that are not confidential.
    Per viewer because a lead's own row carries no actions; each view is still recorded with who looked."""
    include_hidden = access.sees_hidden_members(request.user, group)

    def build() -> shared_pages.SharedContent:
        roster = selectors.roster_for(group, page=request.GET.get("page") or 1, include_hidden=include_hidden)
        shown = (
            [*roster.leads, *roster.members.object_list] if roster.members.number == 1 else roster.members.object_list
        )
        token = shared_pages.slot("csrf")
        context = {
            "group": group,
            "roster": roster,
            "roster_rows": fragments.roster_rows(request, group, shown, csrf_token=token),
            "roster_requests": fragments.roster_requests(request, group, roster.pending, csrf_token=token),
            "action_form": None,
            "invite_form": InviteForm(),
            "is_lead": access.is_lead(request.user, group),
        }
        return shared_pages.SharedContent(context, data=(roster.rows_shown, roster.members.number))

    key = ("groups.roster", group.pk, group.content_version, request.user.pk, include_hidden)
    page = shared_pages.lookup(request, "groups/roster.html", key, build)
    rows, number = page.data
    # Every page of names shown is on the record: who, when, which group, how many people.
    services.roster_record_view(group=group, by=request.user, rows=rows, page=number)
    return shared_pages.finish(request, page)


def _roster_page(request, group, *, action_form=None, invite_form=None, status=200):
    as_opened = action_form is None and invite_form is None and all(name == "page" for name in request.GET)
    if as_opened and not group.is_confidential:
        return _shared_roster_page(request, group)
    roster = selectors.roster_for(
        group,
        search=request.GET.get("q", "")[:200],
        page=request.GET.get("page") or 1,
        include_hidden=access.sees_hidden_members(request.user, group),
    )
    # Every page of names shown is on the record: who, when, which group, how many people.
    services.roster_record_view(group=group, by=request.user, rows=roster.rows_shown, page=roster.members.number)
    shown = [*roster.leads, *roster.members.object_list] if roster.members.number == 1 else roster.members.object_list
    context = {
        "group": group,
        "roster": roster,
        # Rows and request cards are rendered once per version and shared between leads (not for a
        # confidential group); each request writes its own form token in.
        "roster_rows": fragments.roster_rows(request, group, shown),
        "roster_requests": fragments.roster_requests(request, group, roster.pending, action_form),
        "action_form": action_form,
        "invite_form": invite_form or InviteForm(),
        "is_lead": access.is_lead(request.user, group),
    }
    return render(request, "groups/roster.html", context, status=status)


ROSTER_ACTIONS = {
    "approve": (services.request_approve, gettext_lazy("Request approved; they have been told by e-mail.")),
    "decline": (services.request_decline, gettext_lazy("Request declined; they have been told by e-mail.")),
    "remove": (services.member_remove, gettext_lazy("Removed from the group.")),
    "colead": (services.member_make_colead, gettext_lazy("They now co-lead the group.")),
    "keep": (services.member_keep_flagged, gettext_lazy("Kept as a member; the flag is cleared.")),
}


@login_required
@require_http_methods(["GET", "POST"])
def roster(request, slug):
    group = access.get_group_for_lead(request, slug)
    if request.method == "GET":
        return _roster_page(request, group)
    form = RosterActionForm(request.POST, group=group, include_hidden=access.sees_hidden_members(request.user, group))
    if not form.is_valid():
        return _roster_page(request, group, action_form=form, status=400)
    action, done = ROSTER_ACTIONS[form.cleaned_data["action"]]
    kwargs = {"group": group, "membership": form.cleaned_data["membership"], "by": request.user}
    if action in (services.request_approve, services.request_decline):
        kwargs["message"] = form.cleaned_data["message"]
    try:
        action(**kwargs)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return redirect("groups:roster", slug=group.slug)


@login_required
@require_POST
def invite(request, slug):
    group = access.get_group_for_lead(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.member_invite(group=group, user=form.cleaned_data["user"], by=request.user)
        except ValidationError as error:
            form.add_error("email", error.messages[0])
    if not form.is_valid():
        return _roster_page(request, group, invite_form=form, status=400)
    messages.success(request, _("Invitation sent."))
    return redirect("groups:roster", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def email_group(request, slug):
    group = access.get_group_for_lead(request, slug)
    form = GroupEmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        count = services.group_email(group=group, sender=request.user, **form.cleaned_data)
        messages.success(
            request,
            ngettext(
                "Your message is on its way to %(count)s member.",
                "Your message is on its way to %(count)s members.",
                count,
            )
            % {"count": count},
        )
        return redirect("groups:roster", slug=group.slug)
    return render(
        request, "groups/email.html", {"group": group, "form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_roster(request, slug):
    group = access.get_group_for_lead(request, slug)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        export = services.roster_export_csv(
            group=group,
            by=request.user,
            purpose=form.cleaned_data["purpose"],
            include_hidden=access.sees_hidden_members(request.user, group),
        )
        return csv_streaming_response(
            f"{group.slug}-roster-{timezone.localdate().isoformat()}.csv", export.header, export.rows
        )
    return render(
        request,
        "groups/export.html",
        {"group": group, "form": form, "is_lead": access.is_lead(request.user, group)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request):
    form = ProposalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.group_propose(proposer=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you! The equity director will review your idea and reply by e-mail."))
        return redirect("groups:directory")
    return render(request, "groups/propose.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def overview(request):
    if not request.user.is_equity_director:
        raise PermissionDenied
    return render(request, "groups/overview.html", selectors.overview())
