from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, selectors, services
from .forms import (
    AnnouncementForm,
    EditForm,
    PreferencesForm,
    ReasonForm,
    ReplyForm,
    ReportForm,
    ResourceForm,
    ThreadForm,
)
from .models import DEFAULT_DELIVERY, NotificationPreference


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def _data(request):
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _is_fetch(request) -> bool:
    # The page's script asks for a fragment; without JavaScript every action is a normal form post.
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
@require_GET
def space(request, slug):
    space = access.space_for_viewer(request, slug)
    return render(request, "spaces/space.html", {"space": space, "group": space.group, **selectors.space_page(space)})


# --- Announcements ----------------------------------------------------------------------------------------


@login_required
@require_GET
def announcements(request, slug):
    space = access.space_for_reader(request, slug)
    page = selectors.announcements_page(space, request.GET.get("page"))
    return render(request, "spaces/announcements.html", {"space": space, "group": space.group, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def announce(request, slug):
    space = access.space_for_lead(request, slug)
    form = AnnouncementForm(_data(request), _files(request))
    if request.method == "POST" and form.is_valid():
        announcement = services.announcement_create(
            group=space.group,
            by=request.user,
            upload=form.cleaned_data["attachment"],
            **{key: form.cleaned_data[key] for key in ("title", "body", "pinned")},
        )
        messages.success(request, _("Your announcement is posted and on its way to the members."))
        return redirect("spaces:announcement", slug=slug, pk=announcement.pk)
    return render(
        request,
        "spaces/announce.html",
        {"space": space, "group": space.group, "form": form},
        status=_status(request, form),
    )


@login_required
@require_GET
def announcement(request, slug, pk):
    space = access.space_for_reader(request, slug)
    item = access.get_announcement(space, pk)
    return render(request, "spaces/announcement.html", {"space": space, "group": space.group, "announcement": item})


@login_required
@require_POST
def announcement_pin(request, slug, pk):
    space = access.space_for_lead(request, slug)
    item = access.get_announcement(space, pk)
    services.announcement_set_pinned(announcement=item, pinned=not item.pinned, by=request.user)
    return redirect("spaces:announcement", slug=slug, pk=pk)


@login_required
@require_POST
def announcement_delete(request, slug, pk):
    space = access.space_for_lead(request, slug)
    services.announcement_delete(announcement=access.get_announcement(space, pk), by=request.user)
    messages.success(request, _("The announcement is deleted."))
    return redirect("spaces:space", slug=slug)


def _download(item, prefix: str):
    """A stored file, always as a download, never rendered by the browser, never cached on the way."""
    if not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = item.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{prefix}-{item.pk}.{extension}",
        content_type=item.file_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def announcement_file(request, slug, pk):
    space = access.space_for_reader(request, slug)
    return _download(access.get_announcement(space, pk), "announcement")


# --- Discussion -------------------------------------------------------------------------------------------


@login_required
@require_GET
def threads(request, slug):
    space = access.space_for_reader(request, slug)
    page = selectors.threads_page(space, request.GET.get("page"))
    return render(request, "spaces/threads.html", {"space": space, "group": space.group, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request, slug):
    space = access.space_for_member(request, slug)
    initial = {"anonymous": bool(space.membership and space.membership.hidden)}
    form = ThreadForm(_data(request), initial=initial, allow_anonymous=space.may_post_anonymously)
    if request.method == "POST" and form.is_valid():
        thread = services.thread_start(
            group=space.group,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            anonymous=form.cleaned_data.get("anonymous", False),
            by=request.user,
        )
        return redirect("spaces:thread", slug=slug, pk=thread.pk)
    return render(
        request,
        "spaces/thread_new.html",
        {"space": space, "group": space.group, "form": form},
        status=_status(request, form),
    )


def _reply_form(space, data=None):
    initial = {"anonymous": bool(space.membership and space.membership.hidden)}
    return ReplyForm(data, initial=initial, allow_anonymous=space.may_post_anonymously)


@login_required
@require_GET
def thread(request, slug, pk):
    space = access.space_for_reader(request, slug)
    item = access.get_thread(space, pk)
    page = selectors.thread_posts(space, item, request.GET.get("page"))
    return render(
        request,
        "spaces/thread.html",
        {
            "space": space,
            "group": space.group,
            "thread": item,
            "page": page,
            "form": _reply_form(space) if space.is_member and not item.locked else None,
        },
    )


@login_required
@require_POST
def reply(request, slug, pk):
    space = access.space_for_member(request, slug)
    item = access.get_thread(space, pk)
    form = _reply_form(space, request.POST)
    if form.is_valid():
        try:
            post = services.post_reply(
                thread=item,
                body=form.cleaned_data["body"],
                anonymous=form.cleaned_data.get("anonymous", False),
                by=request.user,
            )
        except services.SpaceError:
            messages.error(request, _("This discussion is locked."))
            return redirect("spaces:thread", slug=slug, pk=pk)
        if _is_fetch(request):
            return render(
                request, "spaces/_post.html", {"space": space, "group": space.group, "thread": item, "post": post}
            )
        return redirect(f"{reverse('spaces:thread', args=[slug, pk])}?page=last#post-{post.pk}")
    if _is_fetch(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    page = selectors.thread_posts(space, item, "last")
    return render(
        request,
        "spaces/thread.html",
        {"space": space, "group": space.group, "thread": item, "page": page, "form": form},
        status=400,
    )


@login_required
@require_POST
def thread_lock(request, slug, pk):
    space = access.space_for_lead(request, slug)
    item = access.get_thread(space, pk)
    services.thread_set_locked(thread=item, locked=not item.locked, by=request.user)
    return redirect("spaces:thread", slug=slug, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, slug, pk):
    space = access.space_for_member(request, slug)
    post = access.get_post_for_author(space, pk, request.user, editing=True)
    form = EditForm(_data(request), initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        services.post_edit(post=post, body=form.cleaned_data["body"], by=request.user)
        return redirect(f"{reverse('spaces:thread', args=[slug, post.thread_id])}#post-{post.pk}")
    return render(
        request,
        "spaces/post_form.html",
        {"space": space, "group": space.group, "post": post, "form": form, "action": "edit"},
        status=_status(request, form),
    )


@login_required
@require_POST
def post_delete(request, slug, pk):
    space = access.space_for_member(request, slug)
    post = access.get_post_for_author(space, pk, request.user, editing=False)
    services.post_delete(post=post, by=request.user)
    messages.success(request, _("Your post is deleted."))
    return redirect("spaces:thread", slug=slug, pk=post.thread_id)


@login_required
@require_http_methods(["GET", "POST"])
def post_hide(request, slug, pk):
    space = access.space_for_lead(request, slug)
    post = access.get_post(space, pk)
    if post.hidden_at:
        if request.method == "POST":
            services.post_unhide(post=post, by=request.user)
        return redirect(f"{reverse('spaces:thread', args=[slug, post.thread_id])}#post-{post.pk}")
    form = ReasonForm(_data(request))
    if request.method == "POST" and form.is_valid():
        services.post_hide(post=post, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("The post is hidden."))
        return redirect(f"{reverse('spaces:thread', args=[slug, post.thread_id])}#post-{post.pk}")
    return render(
        request,
        "spaces/post_form.html",
        {"space": space, "group": space.group, "post": post, "form": form, "action": "hide"},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request, slug, pk):
    space = access.space_for_member(request, slug)
    post = access.get_post(space, pk)
    form = ReportForm(_data(request))
    if request.method == "POST" and form.is_valid():
        services.post_report(post=post, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("Thank you. The group's leads will look at this post."))
        return redirect(f"{reverse('spaces:thread', args=[slug, post.thread_id])}#post-{post.pk}")
    return render(
        request,
        "spaces/post_form.html",
        {"space": space, "group": space.group, "post": post, "form": form, "action": "report"},
        status=_status(request, form),
    )


# --- Resources --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def resources(request, slug):
    space = access.space_for_reader(request, slug)
    form = None
    if space.is_lead:
        form = ResourceForm(_data(request), _files(request))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            services.resource_add(
                group=space.group,
                title=data["title"],
                url=data["url"],
                description=data["description"],
                upload=data["upload"],
                by=request.user,
            )
            messages.success(request, _("The resource is added."))
            return redirect("spaces:resources", slug=slug)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "spaces/resources.html",
        {"space": space, "group": space.group, "resources": selectors.resources(space), "form": form},
        status=_status(request, form) if form else 200,
    )


@login_required
@require_POST
def resource_move(request, slug, pk):
    space = access.space_for_lead(request, slug)
    services.resource_move(
        resource=access.get_resource(space, pk), up=request.POST.get("direction") != "down", by=request.user
    )
    return redirect("spaces:resources", slug=slug)


@login_required
@require_POST
def resource_delete(request, slug, pk):
    space = access.space_for_lead(request, slug)
    services.resource_delete(resource=access.get_resource(space, pk), by=request.user)
    return redirect("spaces:resources", slug=slug)


@login_required
@require_GET
def resource_file(request, slug, pk):
    space = access.space_for_reader(request, slug)
    return _download(access.get_resource(space, pk), "resource")


# --- Search -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def search(request, slug):
    space = access.space_for_reader(request, slug)
    text = request.GET.get("q", "")
    hits = selectors.search(space, text, request.user.preferred_language or get_language())
    return render(request, "spaces/search.html", {"space": space, "group": space.group, "q": text[:200], "hits": hits})


# --- Notifications ----------------------------------------------------------------------------------------


@login_required
@require_GET
def notifications(request):
    page = selectors.notifications_page(request.user, request.GET.get("page"))
    return render(request, "spaces/notifications.html", {"page": page, "unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def notifications_read(request):
    services.notification_mark_read(user=request.user)
    return redirect("spaces:notifications")


@login_required
@require_GET
def unread(request):
    return JsonResponse({"unread": selectors.unread_count(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = {kind.value: delivery.value for kind, delivery in DEFAULT_DELIVERY.items()}
    current.update(dict(NotificationPreference.objects.filter(user=request.user).values_list("kind", "delivery")))
    form = PreferencesForm(_data(request), current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, choices=form.cleaned_data, by=request.user)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("spaces:preferences")
    return render(request, "spaces/preferences.html", {"form": form}, status=_status(request, form))
