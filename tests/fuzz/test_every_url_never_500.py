"""Every URL pattern of the project, with control characters and odd lookups, never answers 500.

The patterns are read from the URLconf (belong/urls.py and everything it includes: allauth, the
admin, each app), so a page added later is walked too. Each is filled with sample values that reach
real objects of the security tests' district, then requested as a signed-out visitor, a staff
member and the equity director with NUL and other control characters in the path, the query string
and a posted form, and with printable but hostile lookups (an invalid regular expression in an
admin filter, a page number past any integer).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from belong.logging import route_template
from tests.security.conftest import sign_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "staff", "director")
CONTROL_QUERY = "?q=%00&page=%01&o=%1b&name__icontains=a%00b&%00=1"
HOSTILE_QUERY = "?q=%28%27&page=99999999999999999999999&o=-9&p=-1&name__regex=%28&id__gt=x&all=%ff"
CONTROL_FORM = {"q": "\x00", "name": "a\x1bb", "body": "text\x00"}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.COMMENT_RATE_LIMIT_COUNT = 1_000_000
    settings.COMMENT_RECEIPT_RATE_LIMIT_COUNT = 1_000_000
    settings.ACCOUNT_RATE_LIMITS = False


def routes(patterns=None, prefix: str = ""):
    """(route template, pattern) for every view in the URLconf, e.g. ("/groups/<slug>/roster/", ...)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield route_template(prefix + str(pattern.pattern)), pattern


def sample(name: str, route: str, w) -> str:
    """A value for the parameter `name` of `route` that reaches a real object where there is one."""
    if name == "slug":
        return w.plan.slug if route.startswith("/plan/") else w.group.slug
    if name == "pk":
        for part, obj in (
            ("/years/", w.year),
            ("/w/", w.workstream),
            ("/items/", w.item),
            ("/indicators/", w.indicator),
            ("/series/", w.meeting),
            ("/meetings/", w.occurrence),
        ):
            if part in route:
                return str(obj.pk)
        return "1"
    if name == "token":
        if "unsubscribe" in route:
            return signing.dumps({"u": w.user("staff").pk, "c": "news"}, salt="belong.unsubscribe", compress=True)
        return w.user("staff").calendar_token
    return {
        "app_label": "groups",
        "object_id": str(w.group.pk),
        "content_type_id": "1",
        "uidb36": "1",
        "key": "set-password",
        "url": "groups/group/",
        "year": "2026",
        "code": "ABCDEFGH",
    }.get(name, "x")


def fill(route: str, w) -> tuple[str, list[str]]:
    """The path for `route`, and the same path with a control character in each parameter in turn."""
    values = {name: quote(sample(name, route, w), safe=":") for name in re.findall(r"<(\w+)>", route)}

    def path(broken: int | None = None) -> str:
        count = iter(range(len(route)))
        return re.sub(r"<(\w+)>", lambda m: values[m.group(1)] + ("%00" if next(count) == broken else ""), route)

    return path(), [path(index) for index in range(route.count("<"))]


def all_paths(w) -> list[tuple[str, list[str]]]:
    seen, found = set(), []
    for route, _pattern in routes():
        if route in seen:
            continue
        seen.add(route)
        found.append(fill(route, w))
    return found


def test_it_walks_every_page_of_the_urlconf(world):
    paths = [path for path, _broken in all_paths(world)]

    for expected in (
        "/",
        "/comment/",
        "/comment/receipt/",
        "/me/calendar/reset/",
        "/accounts/password/reset/key/1-set-password/",
        f"/groups/{world.group.slug}/roster/",
        "/admin/groups/group/",
        f"/admin/groups/group/{world.group.pk}/change/",
    ):
        assert expected in paths, expected
    assert len(paths) > 100


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_it_never_answers_500_to_control_characters_or_hostile_lookups(world, role):
    browser = Client(raise_request_exception=False)
    sign_in(browser, world, role)
    problems = []

    def check(method: str, path: str, expect_400: bool = False, **kwargs) -> None:
        response = getattr(browser, method)(path, **kwargs)
        status = response.status_code
        exc_info = getattr(response, "exc_info", None)
        if status >= 500 and not (path.startswith("/healthz") and status == 503):
            problems.append(f"{method.upper()} {path!r} as {role}: {status} {exc_info and exc_info[1]!r}")
        elif expect_400 and status != 400:
            problems.append(f"{method.upper()} {path!r} as {role}: {status}, expected 400")

    for path, broken in all_paths(world):
        check("get", path + CONTROL_QUERY, expect_400=True)
        check("get", path + HOSTILE_QUERY)
        check("get", path.rstrip("/") + "/%00")
        check("post", path, data=CONTROL_FORM)
        for each in broken:
            check("get", each)
    # The language-prefixed and unmatched forms of an anonymous page.
    for path in ("/es/comment/%00", "/%00", "/comment/%00/receipt/", "/comment/receipt/?code=%00"):
        check("get", path)

    assert not problems, "\n".join(problems)
