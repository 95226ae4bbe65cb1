from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services
from .forms import EmailPreferencesForm, ProfileForm
from .models import EmailCategory, User

UNSUBSCRIBE_SALT = "belong.unsubscribe"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        # The pages follow the chosen language from the next request on.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            max_age=settings.LANGUAGE_COOKIE_AGE,
        )
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request):
    form = EmailPreferencesForm.for_user(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.email_opt_outs_set(user=request.user, opt_outs=form.opt_outs())
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("accounts:email_preferences")
    return render(request, "accounts/email_preferences.html", {"form": form})


# RFC 8058 one-click: mail clients POST without a CSRF token; the signed token is the authority.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, category = int(payload["u"]), str(payload["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return render(request, "accounts/unsubscribe_invalid.html", status=400)
    if category not in EmailCategory.values:
        return render(request, "accounts/unsubscribe_invalid.html", status=400)
    user = User.objects.filter(pk=user_id).only("id", "email", "email_opt_outs").first()
    if user is None:
        return render(request, "accounts/unsubscribe_invalid.html", {"gone": True}, status=404)
    context = {"category": EmailCategory(category), "masked_email": _mask(user.email)}
    if request.method == "POST":
        services.email_unsubscribe(user_id=user.id, category=category)
        return render(request, "accounts/unsubscribe_done.html", context)
    context["already"] = category in user.email_opt_outs
    return render(request, "accounts/unsubscribe_confirm.html", context)


def _mask(email: str) -> str:
    """Enough for the reader to recognise their address; not enough to harvest it from a forwarded link."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 2)}@{domain}"


def sign_in_throttled(request, refusal) -> HttpResponse:
    """The 429 page for a throttled password sign-in (accounts/throttle.py): why, for how long, and the
    e-mailed code, which no throttle here slows down."""
    seconds = refusal.retry_after
    if seconds < 90:
        wait = ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    else:
        minutes = -(-seconds // 60)
        wait = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    response = render(request, "account/sign_in_throttled.html", {"reason": refusal.reason, "wait": wait}, status=429)
    response["Retry-After"] = str(seconds)
    return response
