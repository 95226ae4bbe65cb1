from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import health

# Choosing a language changes nothing but a display preference, so it needs no CSRF token; that
# keeps the footer's chooser from setting a CSRF cookie on public pages that promise to set none.
set_language = csrf_exempt(i18n.set_language)


def accessibility(request):
    return render(request, "belong/accessibility.html")


@never_cache
def healthz(request):
    checks = health.run_checks(settings.HEALTHZ_CHECK_TIMEOUT_SECONDS)
    healthy = all(ok for ok, _detail in checks.values())
    body = {
        "status": "ok" if healthy else "unhealthy",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
