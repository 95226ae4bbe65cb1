from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import health
from .models import SiteSettings

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


# The district's brand (belong/branding.py). Both answers are the same for everyone and their URLs carry
# `branding_version`, so browsers may keep them; a new colour or logo gets a new URL.
BRAND_MAX_AGE = 60 * 60 * 24 * 365


def branding_css(request):
    """One custom property, --belong-primary, that belong.css paints the header and primary buttons with.
    A stylesheet rather than inline style: the CSP allows styles only from this site."""
    color = SiteSettings.current().primary_color
    response = HttpResponse(f":root {{ --belong-primary: {color}; }}\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={BRAND_MAX_AGE}, immutable"
    return response


def logo(request):
    """The uploaded logo, as the raster image it was recognised as; never rendered as anything else."""
    row = SiteSettings.objects.filter(pk=1).only("logo", "logo_content_type").first()
    if row is None or not row.logo:
        raise Http404
    response = HttpResponse(bytes(row.logo), content_type=row.logo_content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={BRAND_MAX_AGE}, immutable"
    return response
