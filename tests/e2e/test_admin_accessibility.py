"""axe-core (WCAG 2.0-2.2 A and AA) on every admin page the equity director, HR and a superuser can reach.

The pages are not listed by hand: they are enumerated from the admin site's registry, so a new admin gets
walked the day it is registered. For each registered model and each person: its changelist, its add page,
the change page of one row the person may see, that row's history and its delete confirmation, at
1280 px and at 320 px. A screenshot of the index and of each list goes to test-artifacts/screenshots/
(git-ignored) for whoever reviews the admin's look.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import DESKTOP, NARROW, axe_violations, new_page
from .world import with_totp

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ROLES = ("director", "hr", "superuser")

# What sticks out past the window's right edge (named when a region scrolls sideways, to find the cause).
TOO_WIDE_JS = """() => [...document.querySelectorAll('#content *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-6)
  .map(el => el.tagName + '#' + el.id + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().width))"""


@pytest.fixture(scope="module")
def admin_tabs(portal, browser):
    """The portal's director tab, plus an HR officer's and a superuser's (each with the second factor the
    admin asks of staff)."""
    from django.conf import settings
    from django.contrib.auth.models import Group as PermissionGroup
    from django.test import Client

    from accounts.models import User
    from belong.models import SiteSettings
    from tests.factories import SuperuserFactory, UserFactory

    SiteSettings.objects.get_or_create(pk=1)  # the single row any page makes; made now so the walk list holds
    hr = UserFactory(full_name="Hana Human-Resources", is_staff=True)
    hr.groups.add(PermissionGroup.objects.get_or_create(name="HR")[0])
    superuser = SuperuserFactory(full_name="Sol Superuser")
    tabs = {"director": portal.tabs["director"]}
    users = {"director": User.objects.get(email=portal.world.emails["director"]), "hr": hr, "superuser": superuser}
    contexts = []
    for role, person in (("hr", hr), ("superuser", superuser)):
        with_totp(person)
        context = browser.new_context(base_url=portal.url, viewport=DESKTOP)
        contexts.append(context)
        from .conftest import axe_script

        context.add_init_script(script=axe_script())
        client = Client()
        client.force_login(person)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": portal.url}])
        tabs[role] = new_page(context)
    yield tabs, users
    for context in contexts:
        context.close()


def admin_urls(user) -> list[str]:
    """Every admin page `user` may open: per registered model its changelist, add page, and for one row it
    may see, the change page, history and delete confirmation."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse

    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        if not model_admin.has_view_or_change_permission(request):
            continue
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is None:
            continue
        for page in ("change", "history", "delete"):
            if page == "delete" and not model_admin.has_delete_permission(request, row):
                continue
            try:
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[row.pk]))
            except NoReverseMatch:
                continue
    return urls


def _screenshot(tab, role: str, url: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "admin"
    tab.screenshot(path=str(SCREENSHOTS / f"{role}-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("role", ROLES)
def test_it_has_no_accessibility_violations_on_any_admin_page(admin_tabs, role):
    tabs, users = admin_tabs
    tab = tabs[role]
    urls = admin_urls(users[role])
    if role == "superuser":
        # The pages the director or HR also reach are walked as them (same templates, same widgets); the
        # superuser walks what only a superuser reaches, which halves the slowest browser test in the suite.
        shared = set(admin_urls(users["director"])) | set(admin_urls(users["hr"]))
        urls = [url for url in urls if url not in shared or url.endswith("/admin/")]
    only = os.environ.get("BELONG_ADMIN_ONLY")  # a developer's shortcut: walk only URLs containing this
    urls = [url for url in urls if only in url] if only else urls
    assert len(urls) > 1, f"{role} reaches no admin page"
    found = {}
    for viewport in (DESKTOP, NARROW):
        tab.set_viewport_size(viewport)
        for url in urls:
            response = tab.goto(url)
            # An admin may refuse its delete confirmation outright (meetings are cancelled, not deleted).
            allowed = (200, 403) if url.endswith("/delete/") else (200,)
            assert response.status in allowed, f"{role} {url} answered {response.status}"
            assert tab.url.endswith(url), f"{role} {url} was redirected to {tab.url}"
            violations = axe_violations(tab)
            if any(v["id"] == "scrollable-region-focusable" for v in violations):
                violations.append({"id": "too-wide", "nodes": tab.evaluate(TOO_WIDE_JS)})
            if violations:
                found[f"{url} @{viewport['width']}"] = violations
            if url.count("/") <= 4:  # the index and each list: full-page shots of every form would double the walk
                _screenshot(tab, role, url, viewport["width"])
    report = "\n".join(f"{page}: {v['id']} {v['nodes']}" for page, violations in found.items() for v in violations)
    assert found == {}, report


def test_it_greets_the_director_by_name_without_truncating_or_shouting(admin_tabs):
    tabs, users = admin_tabs
    tab = tabs["director"]
    tab.set_viewport_size(DESKTOP)
    tab.goto("/admin/")
    greeting = tab.locator("#user-tools")
    assert users["director"].display_name in greeting.inner_text()
    assert greeting.evaluate("el => getComputedStyle(el).textTransform") == "none"
