"""The public comment form and receipt lookup, plus the director's overview.

The two public views run under `anonymous_page`: they never see the signed-in user or the session,
set no cookie, and log nothing about the visitor. See protection.py for why there is no CSRF cookie.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from belong.models import SiteSettings

from . import protection, receipts, selectors, services
from .access import require_reviewer
from .forms import CommentForm, ReceiptForm
from .models import BODY_MAX_LENGTH, Comment
from .protection import Refusal, TokenProblem, anonymous_page

_TOKEN_MESSAGES = {
    TokenProblem.MISSING: lambda: _("This form could not be checked. Please look over your comment and send it again."),
    TokenProblem.EXPIRED: lambda: _(
        "This page was open for a long time. Please look over your comment and send it again."
    ),
    TokenProblem.TOO_FAST: lambda: _("That was very quick. Please look over your comment and send it again."),
    TokenProblem.USED: lambda: _(
        "This form was already sent, and its receipt code was shown once after sending. "
        "To send another comment, look over the text below and send it again."
    ),
}


_REFUSAL_MESSAGES = {
    Refusal.ADDRESS: lambda: _(
        "Too many comments have been sent from here recently. Please wait an hour and try again; your text is below."
    ),
    Refusal.BUSY: lambda: _(
        "Very many comments are arriving right now, so the form is paused for a while. "
        "Please try again in an hour; your text is below."
    ),
    Refusal.UNVERIFIED: lambda: _(
        "Very many comments are arriving right now from browsers with JavaScript switched off. Please try "
        "again in an hour, or switch JavaScript on and send again; your text is below."
    ),
}


def _form_page(request, form, token: str, *, problem: str = "", status: int = 200):
    context = {
        "form": form,
        "problem": problem,
        "body_limit": BODY_MAX_LENGTH,
        "has_topics": selectors.open_topics().exists(),
        "pow": protection.read_form_token(token),
    }
    return render(request, "comments/form.html", context, status=status)


# The empty form is the same page for every visitor but for its single-use token and proof-of-work
# challenge. It is rendered once per process for each language, address, footer and set of open topics,
# with markers where those two go, and each visit fills them in: widgets and template rendering were most
# of the page's time. Kept in the process (not Redis): a deploy starts afresh with its own templates.
_TOKEN_MARK = "belong-comment-form-token-" + secrets.token_hex(8)
_CHALLENGE_MARK = "belong-comment-form-challenge-" + secrets.token_hex(8)
_DIFFICULTY_MARK = "belong-comment-form-difficulty-" + secrets.token_hex(8)
_EMPTY_FORM_PAGES: dict[tuple, str] = {}
_EMPTY_FORM_PAGES_MAX = 64


def _empty_form_page(request):
    # The footer's settings and the open topics in one round trip to Redis, and no query.
    footer, cached = SiteSettings.current_with([selectors.open_topic_names_key()])
    topics = selectors.open_topic_names(cached)
    key = (
        translation.get_language(),
        request.path,
        topics,
        footer.district_name,
        footer.non_discrimination_statement,
        footer.contact_name,
        footer.contact_email,
        footer.branding_version,
    )
    page = _EMPTY_FORM_PAGES.get(key)
    if page is None:
        form = CommentForm(initial={"form_token": _TOKEN_MARK})
        context = {
            "form": form,
            "problem": "",
            "body_limit": BODY_MAX_LENGTH,
            "has_topics": bool(topics),
            "pow": protection.FormToken(_CHALLENGE_MARK, 0, _DIFFICULTY_MARK),
        }
        page = render_to_string("comments/form.html", context, request=request)
        if len(_EMPTY_FORM_PAGES) >= _EMPTY_FORM_PAGES_MAX:
            _EMPTY_FORM_PAGES.clear()
        _EMPTY_FORM_PAGES[key] = page
    token = protection.new_form_token()
    pow_token = protection.read_form_token(token)
    html = (
        page.replace(_TOKEN_MARK, token)
        .replace(_CHALLENGE_MARK, pow_token.challenge)
        .replace(_DIFFICULTY_MARK, str(pow_token.difficulty))
    )
    return HttpResponse(html)


@anonymous_page
@require_http_methods(["GET", "POST"])
def comment_form(request):
    if request.method == "GET":
        protection.touch_windows()
        if not request.GET:
            return _empty_form_page(request)
        token = protection.new_form_token()
        return _form_page(request, CommentForm(initial={"form_token": token}), token)
    data = request.POST.copy()
    sent_token, solution = data.get("form_token", ""), data.get("pow", "")
    # Whatever happens next, a re-shown form carries what the person typed and a fresh token to solve.
    data["form_token"], data["pow"] = protection.new_form_token(), ""
    form = CommentForm(data)
    if protection.is_cross_origin(request):
        return _form_page(
            request,
            form,
            data["form_token"],
            problem=_("Comments can only be sent from this site's own form."),
            status=403,
        )
    problem, token = protection.check_form_token(sent_token)
    verified = token is not None and protection.pow_solved(token, solution)
    if refusal := protection.allow(request, protection.submission_limit(), verified=verified):
        return _form_page(request, form, data["form_token"], problem=_REFUSAL_MESSAGES[refusal](), status=429)
    if not form.is_valid() or problem:
        return _form_page(request, form, data["form_token"], problem=_TOKEN_MESSAGES[problem]() if problem else "")
    if not protection.use_form_token(token):
        return _form_page(request, form, data["form_token"], problem=_TOKEN_MESSAGES[TokenProblem.USED]())
    data = form.cleaned_data
    submitted = services.comment_submit(
        topic=data["topic"],
        body=data["body"],
        language=translation.get_language() or "",
        disclose=data["disclose"],
        name=data["name"],
        email=data["email"],
        relationship=data["relationship"],
        publish_consent=data["publish_consent"],
    )
    return render(
        request,
        "comments/sent.html",
        {
            "comment": submitted.comment,
            "receipt_code": receipts.display(submitted.receipt_code),
            "receipt_url": request.build_absolute_uri(reverse("comments:receipt")),
        },
    )


@anonymous_page
@require_http_methods(["GET", "POST"])
def receipt(request):
    # POST, not GET: a code in the URL would land in access logs, history and proxies.
    if request.method == "GET":
        return render(request, "comments/receipt.html", {"form": ReceiptForm()})
    form = ReceiptForm(request.POST)
    if protection.allow(request, protection.receipt_limit()):
        return render(request, "comments/receipt.html", {"form": form, "limited": True}, status=429)
    comment = selectors.comment_for_receipt(form.cleaned_data["code"]) if form.is_valid() else None
    return render(
        request,
        "comments/receipt.html",
        {
            "form": form,
            "comment": comment,
            "not_found": form.is_valid() and comment is None,
        },
    )


@require_GET
def review(request):
    if redirect := require_reviewer(request):
        return redirect
    return render(
        request,
        "comments/review.html",
        {
            "topics": selectors.review_summary(),
            "statuses": Comment.Status.choices,
        },
    )


@anonymous_page
@require_POST
def choose_language(request):
    """The header's language chooser on the public pages: the choice goes into the URL's language prefix
    (/es/comment/), never into a cookie, and only ever leads back to a comment page."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        code = translation.get_language()
    target = translate_url(request.POST.get("next", "").split("?", 1)[0], code)
    try:
        stays_here = resolve(target).namespace == "comments"
    except Resolver404:
        stays_here = False
    if not stays_here or not target.startswith(f"/{code}/"):
        with translation.override(code):
            target = reverse("comments:form")
    return redirect(target)
