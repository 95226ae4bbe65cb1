"""The director's delivery page and the relays' bounce webhook."""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import delivery
from .models import SuppressedAddress

log = logging.getLogger(__name__)


def _require_director(request) -> None:
    """The delivery page is the equity director's (and superusers'): 403 for everyone else."""
    if not request.user.is_equity_director:
        raise PermissionDenied


@login_required
@require_GET
def status(request):
    _require_director(request)
    counts, resent = delivery.delivery_counts()
    return render(
        request,
        "delivery/status.html",
        {
            "counts": counts,
            "resent": resent,
            "total": sum(n for _value, _label, n in counts),
            "failing": delivery.failing_messages(),
            "suppressed": delivery.suppressed_addresses(),
        },
    )


@login_required
@require_POST
def clear_suppression(request, pk: int):
    _require_director(request)
    entry = get_object_or_404(SuppressedAddress, pk=pk)
    delivery.suppression_clear(suppressed=entry, by=request.user)
    messages.success(
        request,
        _("%(address)s is off the suppression list: e-mail to it will be tried again.") % {"address": entry.email},
    )
    return redirect("delivery:status")


# A mail relay posts here: no session, no CSRF token; the shared secret is the authority.
@csrf_exempt
@require_POST
def bounce_webhook(request):
    secret = settings.OUTBOX_BOUNCE_WEBHOOK_SECRET
    if not secret:
        raise Http404  # not set up: the endpoint does not exist
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode()):
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        payload = json.loads(request.body)
        bounces = delivery.webhook_bounces(payload)
    except RequestDataTooBig:
        return JsonResponse({"error": "too large"}, status=413)
    except (ValueError, TypeError, RecursionError):  # json's errors are ValueErrors (UnicodeDecodeError too)
        return JsonResponse({"error": "expected JSON events with recipient and status"}, status=400)
    applied = sum(1 for bounce in bounces if delivery.bounce_apply(bounce=bounce, source="webhook"))
    return JsonResponse({"received": len(bounces), "applied": applied})
