"""Real headless Chromium (Debian's package) driven by Playwright against a live Django server.

Two ways to get a server:
- `page` (journeys): pytest-django's `live_server`, a transactional database flushed after each test.
- `portal` (scans): a module-wide server over one district built once (tests/e2e/world.py), with one
  signed-in browser tab per role, so scanning a page costs a navigation and an axe run, not a flush.
"""

from __future__ import annotations

import functools
import os
import shutil
import time
from dataclasses import dataclass, field

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright beside live_server

CHROMIUM = os.environ.get("BELONG_BROWSER") or shutil.which("chromium") or shutil.which("chromium-browser")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}

# The focused element, named as a person hears it, and whether it draws a visible focus indicator
# (an outline or a box-shadow ring).
FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = Boolean(s.boxShadow) && s.boxShadow !== 'none';
  const label = el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].innerText) || '';
  const name = (label || el.innerText || el.value || el.getAttribute('placeholder') || '').trim().replace(/\\s+/g, ' ');
  return {tag: el.tagName.toLowerCase(), type: el.type || '', name: name.slice(0, 80), outline, shadow,
          visible: outline || shadow};
}"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def new_page(context):
    """A tab that remembers the console errors (CSP refusals among them) it sees."""
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
    return tab


def csp_refusals(tab) -> list[str]:
    return [e for e in tab.console_errors if "Refused to" in e]


@pytest.fixture
def page(browser, live_server, settings):
    # The live server speaks plain HTTP; cookies marked Secure would be dropped by the browser.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, accept_downloads=True)
    tab = new_page(context)
    yield tab
    refused = csp_refusals(tab)
    context.close()
    assert refused == []


@functools.cache
def axe_script() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def axe_violations(page) -> list[dict]:
    """Run axe-core (bundled by axe-playwright-python) for WCAG 2.0-2.2 A/AA; return the violations."""
    if page.evaluate("typeof window.axe === 'undefined'"):
        page.evaluate(axe_script())
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    violations = page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]


def focus_state(page) -> dict | None:
    return page.evaluate(FOCUS_STYLE_JS)


def tab_to(page, name: str, *, backwards: bool = False, limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the element whose name starts with `name` has focus.

    At every stop the focused element must show a focus indicator: that is what a keyboard user follows.
    """
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = focus_state(page)
        assert state is not None, f"focus left the page while looking for {name!r}"
        assert state["visible"], f"no visible focus indicator on {state}"
        if state["name"].casefold().startswith(name.casefold()):  # the admin upper-cases some links
            return state
    raise AssertionError(f"{name!r} is not reachable with the keyboard within {limit} presses")


def press_to_navigate(page, key: str = "Enter") -> None:
    """Press a key that follows a link or sends a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def wait_for_mail(smtp, to: str, subject: str, timeout: float = 20.0):
    """The first message to `to` whose subject contains `subject`, waiting for it to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp.wait_for(len(smtp.messages) + 1, timeout=0.5) or smtp.messages:
            if to in message["To"] and subject in message["Subject"]:
                return message
    arrived = [(m["To"], m["Subject"]) for m in smtp.messages]
    raise AssertionError(f"no e-mail to {to} about {subject!r}; arrived: {arrived}")


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain", "html")).get_content()


@pytest.fixture
def visit(page, live_server):
    """Open another person's browser (own cookies); closed at the end of the test."""
    contexts = []

    def open_browser():
        context = page.context.browser.new_context(
            base_url=live_server.url, viewport=page.viewport_size, accept_downloads=True
        )
        contexts.append(context)
        return new_page(context)

    yield open_browser
    refused = [error for context in contexts for tab in context.pages for error in csp_refusals(tab)]
    for context in contexts:
        context.close()
    assert refused == []


@dataclass
class Portal:
    url: str
    world: object
    tabs: dict = field(default_factory=dict)

    def tab(self, role: str, viewport: dict = DESKTOP):
        tab = self.tabs[role]
        if tab.viewport_size != viewport:
            tab.set_viewport_size(viewport)
        tab.console_errors.clear()
        return tab


@pytest.fixture(scope="module")
def portal(browser, django_db_setup, django_db_blocker):
    """A live server over one district, and a tab signed in (through the real sign-in form) per role."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    from accounts.models import User
    from tests.conftest import reapply_data_migrations

    from . import world as district

    overrides = override_settings(
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
        COMMENT_FORM_MIN_SECONDS=0,
        ALLOWED_HOSTS=["localhost", "127.0.0.1", "testserver"],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    overrides.enable()
    # The server thread reads the database while tests (which hold no database fixture) drive the browser.
    unblocked = django_db_blocker.unblock()
    unblocked.__enter__()
    server = LiveServer("localhost")
    contexts = []
    try:
        call_command("flush", interactive=False, verbosity=0)
        built = district.build()
        portal = Portal(url=server.url, world=built)
        for role in ("visitor", *district.PEOPLE):
            context = browser.new_context(base_url=server.url, viewport=DESKTOP)
            contexts.append(context)
            # Loaded with every page (init scripts are not subject to the page's CSP): a scan is one call.
            context.add_init_script(script=axe_script())
            if role != "visitor":  # the journeys sign in through the forms; the scans only need a session
                client = Client()
                client.force_login(User.objects.get(email=built.emails[role]))
                session = client.cookies[settings.SESSION_COOKIE_NAME].value
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server.url}])
            portal.tabs[role] = new_page(context)
        yield portal
    finally:
        for context in contexts:
            context.close()
        server.stop()
        call_command("flush", interactive=False, verbosity=0)
        reapply_data_migrations()
        unblocked.__exit__(None, None, None)
        overrides.disable()
