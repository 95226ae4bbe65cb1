"""The public comment form and receipt lookup, plus the director's overview.

The two public views run under `anonymous_page`: they never see the signed-in user or the session,
set no cookie, and log nothing about the visitor. See protection.py for why there is no CSRF cookie.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import protection, receipts, selectors, services
from .access import require_reviewer
from .forms import CommentForm, ReceiptForm
from .models import BODY_MAX_LENGTH, Comment
from .protection import TokenProblem, anonymous_page

_TOKEN_MESSAGES = {
    TokenProblem.MISSING: lambda: _(
        "This form could not be checked. Please look over your comment and send it again."
    ),
    TokenProblem.EXPIRED: lambda: _(
        "This page was open for a long time. Please look over your comment and send it again."
    ),
    TokenProblem.TOO_FAST: lambda: _("That was very quick. Please look over your comment and send it again."),
    TokenProblem.USED: lambda: _(
        "This form was already sent, and its receipt code was shown once after sending. "
        "To send another comment, look over the text below and send it again."
    ),
}


def _form_page(request, form, *, problem: str = "", status: int = 200):
    context = {
        "form": form,
        "problem": problem,
        "body_limit": BODY_MAX_LENGTH,
        "has_topics": selectors.open_topics().exists(),
    }
    return render(request, "comments/form.html", context, status=status)


@anonymous_page
@require_http_methods(["GET", "POST"])
def comment_form(request):
    if request.method == "GET":
        return _form_page(request, CommentForm(initial={"form_token": protection.new_form_token()}))
    data = request.POST.copy()
    token = data.get("form_token", "")
    # Whatever happens next, a re-shown form carries what the person typed and a fresh token.
    data["form_token"] = protection.new_form_token()
    form = CommentForm(data)
    if protection.is_cross_origin(request):
        return _form_page(request, form, problem=_("Comments can only be sent from this site's own form."), status=403)
    if not protection.allow(request, protection.submission_limit()):
        problem = _("Too many comments have been sent from here recently. "
                    "Please wait an hour and try again; your text is below.")
        return _form_page(request, form, problem=problem, status=429)
    problem, nonce = protection.check_form_token(token)
    if not form.is_valid() or problem:
        return _form_page(request, form, problem=_TOKEN_MESSAGES[problem]() if problem else "")
    if not protection.use_form_token(nonce):
        return _form_page(request, form, problem=_TOKEN_MESSAGES[TokenProblem.USED]())
    data = form.cleaned_data
    submitted = services.submit_comment(
        topic=data["topic"], body=data["body"], language=translation.get_language() or "",
        disclose=data["disclose"], name=data["name"], email=data["email"], relationship=data["relationship"],
    )
    return render(request, "comments/sent.html", {
        "comment": submitted.comment,
        "receipt_code": receipts.display(submitted.receipt_code),
        "receipt_url": request.build_absolute_uri(reverse("comments:receipt")),
    })


@anonymous_page
@require_http_methods(["GET", "POST"])
def receipt(request):
    # POST, not GET: a code in the URL would land in access logs, history and proxies.
    if request.method == "GET":
        return render(request, "comments/receipt.html", {"form": ReceiptForm()})
    form = ReceiptForm(request.POST)
    if not protection.allow(request, protection.receipt_limit()):
        return render(request, "comments/receipt.html", {"form": form, "limited": True}, status=429)
    comment = selectors.comment_for_receipt(form.cleaned_data["code"]) if form.is_valid() else None
    return render(request, "comments/receipt.html", {
        "form": form,
        "comment": comment,
        "not_found": form.is_valid() and comment is None,
    })


@require_GET
def review(request):
    if redirect := require_reviewer(request):
        return redirect
    return render(request, "comments/review.html", {
        "topics": selectors.review_summary(), "statuses": Comment.Status.choices,
    })
