"""Hypothesis posts generated input to every form of the portal: the answer is never a 500.

Each target names the form's address, the role that may use it and the page the form is on. The
field names (and the values of its choices) are read from that page's HTML, so a field added to a
form is fuzzed without a change here; `fields` is the fallback when the page has no such form.
Submissions carry a valid CSRF token (the client enforces CSRF) unless the view is csrf-exempt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.security.conftest import sign_in

pytestmark = pytest.mark.django_db

UNKNOWN = 987654321


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Rate limits would turn most examples into 429s before they reach the form.
    settings.COMMENT_RATE_LIMIT_COUNT = 1_000_000
    settings.COMMENT_RECEIPT_RATE_LIMIT_COUNT = 1_000_000
    settings.ACCOUNT_RATE_LIMITS = False


@dataclass(frozen=True)
class Target:
    label: str
    role: str
    url: Callable
    page: Callable | None = None  # where the form is shown; the url itself when None
    fields: tuple[str, ...] = ()
    method: str = "post"
    csrf_exempt: bool = False
    valid: Callable | None = None  # a valid submission, mutated by the examples; the page's values otherwise


def _g(name):
    return lambda w: reverse(name, args=[w.group.slug])


def _plan(name, pk=None):
    return lambda w: reverse(name, args=[w.plan.slug] + ([pk(w)] if pk else []))


def _occ(name):
    return lambda w: reverse(name, args=[w.occurrence.pk])


def _unsubscribe(w):
    from django.core import signing

    token = signing.dumps({"u": w.user("staff").pk, "c": "news"}, salt="belong.unsubscribe", compress=True)
    return reverse("accounts:unsubscribe", args=[token])


G_PAGE = _g("groups:detail")
ROSTER_PAGE = _g("groups:roster")
MEETING_PAGE = _occ("meetings:detail")
ONLINE = "https://meet.district.example/gathering"


def _meeting(audience):
    def valid(w):
        from datetime import timedelta

        from django.utils import timezone

        day = (timezone.localdate() + timedelta(days=10)).isoformat()
        return {
            "title": "Fuzz gathering",
            "audience": audience,
            "date": day,
            "start_time": "15:30",
            "end_time": "16:30",
            "online_url": ONLINE,
        }

    return valid


def _plan_item(w):
    from equity_plan.models import ActionItem

    return {
        "workstream": str(w.workstream.pk),
        "title": "New action",
        "status": ActionItem.Status.IN_PROGRESS,
        "percent_complete": "10",
        "weight": "1",
    }


def _indicator(w):
    from equity_plan.models import Indicator

    return {
        "workstream": str(w.workstream.pk),
        "name": "Attendance",
        "unit": "%",
        "baseline": "10",
        "target": "20",
        "direction": Indicator.Direction.INCREASE,
    }


def _progress(w):
    from django.utils import timezone

    from equity_plan.models import ActionItem

    return {
        "reported_on": timezone.localdate().isoformat(),
        "text": "The panel met.",
        "status": ActionItem.Status.IN_PROGRESS,
        "percent": "60",
    }


MEETING_FIELDS = (
    "title",
    "agenda",
    "audience",
    "date",
    "start_time",
    "end_time",
    "school",
    "address",
    "online_url",
    "capacity",
    "recurrence",
    "repeat_until",
    "invite",
)


def _fund(name, pick=None):
    """A funding URL whose cycle, requests and expenses are made for the test (tests/security's matrix helper)."""
    from tests.security.test_authorization_matrix import _funding

    def url(w):
        made = _funding(w)
        return reverse(name, args=[pick(made)] if pick else [w.group.slug])

    return url


TARGETS = [
    Target(
        "set_language", "anonymous", lambda w: "/i18n/setlang/", lambda w: "/", ("language", "next"), csrf_exempt=True
    ),
    Target("account_login", "anonymous", lambda w: "/accounts/login/", fields=("login", "password", "remember")),
    Target("accounts:profile", "staff", lambda w: "/me/", fields=("preferred_name", "preferred_language")),
    Target("accounts:email_preferences", "staff", lambda w: "/me/email/", fields=("receive",)),
    Target("accounts:unsubscribe", "anonymous", _unsubscribe, csrf_exempt=True),
    Target(
        "groups:directory",
        "staff",
        lambda w: "/groups/",
        fields=("q", "focus", "status", "mine", "can_join"),
        method="get",
    ),
    Target(
        "groups:propose",
        "staff",
        lambda w: "/groups/propose/",
        fields=("name", "purpose", "audience", "would_lead"),
        valid=lambda w: {"name": "Book Circle", "purpose": "Staff who read together every month and talk."},
    ),
    Target("groups:join", "staff", _g("groups:join"), G_PAGE, ("message",)),
    Target("groups:leave", "member", _g("groups:leave"), G_PAGE),
    Target("groups:visibility", "member", _g("groups:visibility"), G_PAGE, ("visible_to_members",)),
    Target(
        "groups:roster",
        "lead",
        ROSTER_PAGE,
        fields=("action", "membership", "message"),
        valid=lambda w: {"action": "approve", "membership": str(w.pending.pk)},
    ),
    Target(
        "groups:invite",
        "lead",
        _g("groups:invite"),
        ROSTER_PAGE,
        ("email",),
        valid=lambda w: {"email": w.user("staff").email},
    ),
    Target(
        "groups:export",
        "lead",
        _g("groups:export"),
        fields=("purpose",),
        valid=lambda w: {"purpose": "sign-in sheet for March"},
    ),
    Target(
        "groups:email",
        "lead",
        _g("groups:email"),
        fields=("subject", "body"),
        valid=lambda w: {"subject": "Hello", "body": "See you on Thursday."},
    ),
    Target(
        "meetings:reply",
        "member",
        _occ("meetings:reply"),
        MEETING_PAGE,
        ("response",),
        valid=lambda w: {"response": "going"},
    ),
    Target(
        "meetings:edit_occurrence",
        "lead",
        _occ("meetings:edit_occurrence"),
        fields=("date", "start_time", "end_time", "school", "address", "online_url", "note"),
        valid=lambda w: {"online_url": ONLINE},
    ),
    Target("meetings:cancel_occurrence", "lead", _occ("meetings:cancel_occurrence"), fields=("reason",)),
    Target("meetings:attendance", "lead", _occ("meetings:attendance"), fields=("attended",)),
    Target(
        "meetings:edit_meeting",
        "lead",
        lambda w: reverse("meetings:edit_meeting", args=[w.meeting.pk]),
        fields=("title", "agenda", "school", "address", "online_url", "capacity"),
        valid=lambda w: {"online_url": ONLINE},
    ),
    Target(
        "meetings:cancel_meeting",
        "lead",
        lambda w: reverse("meetings:cancel_meeting", args=[w.meeting.pk]),
        fields=("reason",),
    ),
    Target("meetings:reset_calendar", "member", lambda w: "/me/calendar/reset/", lambda w: "/me/meetings/"),
    Target("meetings:new", "lead", _g("meetings:new"), fields=MEETING_FIELDS, valid=_meeting("members")),
    Target(
        "meetings:new_event", "director", lambda w: "/events/new/", fields=MEETING_FIELDS, valid=_meeting("all_staff")
    ),
    Target(
        "equity_plan:plan_create",
        "director",
        lambda w: "/plan/new/",
        fields=(
            "title",
            "slug",
            "start_year",
            "end_year",
            "summary",
            "source",
            "approval_status",
            "approved_on",
            "is_published",
        ),
        valid=lambda w: {
            "title": "Fuzz Plan",
            "slug": "fuzz-plan",
            "start_year": "2026",
            "end_year": "2029",
            "summary": "A plan.",
            "source": "A study.",
        },
    ),
    Target("equity_plan:plan_edit", "director", _plan("equity_plan:plan_edit")),
    Target(
        "equity_plan:year_create",
        "director",
        _plan("equity_plan:year_create"),
        fields=("number", "title", "theme", "starts_on", "ends_on"),
        valid=lambda w: {"number": "2", "title": "Phase 2", "starts_on": "2026-07-01", "ends_on": "2027-06-30"},
    ),
    Target("equity_plan:year_edit", "director", _plan("equity_plan:year_edit", lambda w: w.year.pk)),
    Target(
        "equity_plan:workstream_create",
        "director",
        _plan("equity_plan:workstream_create"),
        fields=("year", "parent", "kind", "code", "title", "description"),
        valid=lambda w: {"year": str(w.year.pk), "code": "2.1", "title": "New panel"},
    ),
    Target(
        "equity_plan:workstream_create[query]",
        "director",
        _plan("equity_plan:workstream_create"),
        fields=("year", "parent", "kind"),
        method="get",
    ),
    Target("equity_plan:workstream_edit", "director", _plan("equity_plan:workstream_edit", lambda w: w.workstream.pk)),
    Target(
        "equity_plan:item_create",
        "director",
        _plan("equity_plan:item_create"),
        fields=(
            "workstream",
            "title",
            "owner",
            "owner_body",
            "due_on",
            "status",
            "percent_complete",
            "weight",
            "groups",
            "meetings",
        ),
        valid=_plan_item,
    ),
    Target("equity_plan:item_create[query]", "director", _plan("equity_plan:item_create"), fields=("w",), method="get"),
    Target("equity_plan:item_edit", "director", _plan("equity_plan:item_edit", lambda w: w.item.pk)),
    Target(
        "equity_plan:item_update",
        "director",
        _plan("equity_plan:item_update", lambda w: w.item.pk),
        fields=("reported_on", "text", "status", "percent"),
        valid=_progress,
    ),
    Target(
        "equity_plan:indicator_create",
        "director",
        _plan("equity_plan:indicator_create"),
        fields=("workstream", "name", "unit", "baseline", "target", "direction"),
        valid=_indicator,
    ),
    Target("equity_plan:indicator_edit", "director", _plan("equity_plan:indicator_edit", lambda w: w.indicator.pk)),
    Target(
        "equity_plan:measurement_create",
        "director",
        _plan("equity_plan:measurement_create", lambda w: w.indicator.pk),
        fields=("measured_on", "value", "note"),
        valid=lambda w: {"measured_on": "2026-02-01", "value": "12"},
    ),
    Target(
        "comments:form",
        "anonymous",
        lambda w: "/comment/",
        fields=("topic", "body", "disclose", "name", "email", "relationship", "form_token", "website"),
        csrf_exempt=True,
        valid=lambda w: {"topic": str(w.topic.pk), "body": "Please publish progress."},
    ),
    Target(
        "comments:receipt",
        "anonymous",
        lambda w: "/comment/receipt/",
        fields=("code",),
        csrf_exempt=True,
        valid=lambda w: {"code": w.receipt_code},
    ),
    Target(
        "funding:cycle_new",
        "director",
        lambda w: "/funding/cycles/new/",
        fields=("name", "starts_on", "ends_on", "total"),
        valid=lambda w: {"name": "Fuzz cycle", "starts_on": "2026-07-01", "ends_on": "2027-06-30", "total": "10"},
    ),
    Target(
        "funding:allocate",
        "director",
        _fund("funding:allocate", lambda f: f[0].pk),
        fields=("group", "amount", "reason"),
        valid=lambda w: {"group": str(w.group.pk), "amount": "12.50", "reason": "More"},
    ),
    Target(
        "funding:request_new",
        "lead",
        _fund("funding:request_new"),
        fields=("amount", "purpose", "planned_on", "category", "meeting"),
        valid=lambda w: {"amount": "20", "purpose": "Food", "planned_on": "2026-10-01", "category": "food"},
    ),
    Target(
        "funding:expense_new",
        "lead",
        _fund("funding:expense_new"),
        fields=("funding_request", "spent_on", "amount", "category", "vendor", "note", "meeting"),
        valid=lambda w: {"spent_on": "2026-10-01", "amount": "5", "category": "food", "vendor": "Deli"},
    ),
    Target("funding:visibility", "lead", _fund("funding:visibility"), fields=("visible",)),
    Target(
        "funding:request_decide",
        "director",
        _fund("funding:request_decide", lambda f: f[3].pk),
        fields=("decision", "approved", "message"),
        valid=lambda w: {"decision": "partly", "approved": "10"},
    ),
    Target(
        "funding:expense_decide",
        "director",
        _fund("funding:expense_decide", lambda f: f[2].pk),
        fields=("decision", "message"),
        valid=lambda w: {"decision": "approve"},
    ),
    Target(
        "funding:expense_delete",
        "lead",
        _fund("funding:expense_delete", lambda f: f[1].pk),
        fields=("reason",),
        valid=lambda w: {"reason": "Entered twice"},
    ),
    Target(
        "admin:comments_comment_change",
        "director",
        lambda w: reverse("admin:comments_comment_change", args=[w.comment.pk]),
        fields=("status", "tags", "reply", "_save"),
    ),
]


# --- Reading forms from a page ----------------------------------------------------------------------------


@dataclass
class Form:
    offered: dict[str, list[str]]  # field name → every value the page offers (options, hidden values)
    current: dict[str, str | list[str]]  # what a browser would send unchanged


class _FormReader(HTMLParser):
    """Every form on a page, by (method, action path)."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[tuple[str, str], Form] = {}
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def _keep(self, name: str, value: str) -> None:
        current = self._form.current
        if name in current:
            previous = current[name]
            current[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            current[name] = value

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page_path).path or self.page_path
            method = (attrs.get("method") or "get").lower()
            self._form = self.forms.setdefault((method, action), Form({}, {}))
            return
        if self._form is None:
            return
        if tag in ("input", "select", "textarea", "button"):
            name = attrs.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            values = self._form.offered.setdefault(name, [])
            value = attrs.get("value")
            if value not in (None, ""):
                values.append(value)
            kind = (attrs.get("type") or "text").lower()
            if tag == "select":
                self._select = name
            elif tag == "textarea":
                self._textarea = name
                self._form.current.setdefault(name, "")
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._keep(name, value or "on")
            elif kind not in ("submit", "button", "reset", "file") and name not in self._form.current:
                self._form.current[name] = value or ""
        elif tag == "option" and self._select:
            value = attrs.get("value")
            if value:
                self._form.offered[self._select].append(value)
                if "selected" in attrs:
                    self._keep(self._select, value)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.current[self._textarea] = str(self._form.current.get(self._textarea, "")) + data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read_form(client: Client, page: str, action: str, method: str) -> Form | None:
    response = client.get(page)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    reader = _FormReader(urlsplit(page).path)
    reader.feed(response.content.decode(errors="replace"))
    return reader.forms.get((method, urlsplit(action).path))


# --- Generated input ----------------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "99999999999999999999999999",
    "-2147483649",
    "2024-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "25:61",
    "24:00",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\u202e\u200b\ufeff",
    "\uff21\uff22\uff23\uff11\uff12\uff13",
    "مرحبا",
    "😀" * 10,
    "javascript:alert(1)",
    "http://",
    "https://ex ample.org",
    "not-an-email",
    "a@b",
    "FREQ=DAILY;COUNT=100000",
    "FREQ=SECONDLY",
    "RRULE:FREQ=WEEKLY;BYDAY=XX",
    str(UNKNOWN),
    str(2**63),
    str(-(2**63) - 1),
]


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.builds(
            lambda char, size: char * size,
            st.sampled_from(["a", "é", "\x00", "字", " "]),
            st.sampled_from([255, 256, 1001, 10_001, 100_000]),
        ),
    )


def _value(offered: list[str]) -> st.SearchStrategy:
    single = st.one_of(_text(), st.sampled_from(offered)) if offered else _text()
    return st.one_of(single, single, st.lists(single, min_size=0, max_size=4))


MISSING = object()


def _mutated(base: dict, changes: dict) -> dict:
    data = {**base, **changes}
    return {name: value for name, value in data.items() if value is not MISSING}


def _payload(form: Form) -> st.SearchStrategy[dict]:
    """Mostly a valid submission with one to three fields changed or dropped; sometimes all random."""
    extra = st.dictionaries(
        st.sampled_from(["id", "pk", "user", "group", "extra", "__proto__"]), _value([]), max_size=2
    )
    anything = st.builds(
        lambda known, unknown: {**unknown, **known},
        st.fixed_dictionaries({}, optional={name: _value(offered) for name, offered in form.offered.items()}),
        extra,
    )
    names = sorted(set(form.offered) | set(form.current))
    if not names:
        return anything
    changes = st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True).flatmap(
        lambda picked: st.fixed_dictionaries(
            {name: st.one_of(st.just(MISSING), _value(form.offered.get(name, []))) for name in picked}
        )
    )
    mutated = st.builds(_mutated, st.just(form.current), changes)
    return st.one_of(mutated, mutated, mutated, st.just(dict(form.current)), anything)


FRESH_TOKEN = "<a fresh comment form token>"


@pytest.fixture
def prepared():
    """Per test (not per example): the signed-in client and the form's fields, read once."""
    return {}


def _prepare(prepared: dict, world, target: Target):
    if not prepared:
        client = Client(enforce_csrf_checks=not target.csrf_exempt, raise_request_exception=False)
        sign_in(client, world, target.role)
        url = target.url(world)
        form = read_form(client, (target.page or target.url)(world), url, target.method)
        form = form or Form(offered={name: [] for name in target.fields}, current={})
        if target.valid is not None:
            form.current.update(target.valid(world))
        for name, values in form.offered.items():
            # The page may offer a value (a membership ID, a choice) only in its current values.
            value = form.current.get(name)
            values.extend(v for v in (value if isinstance(value, list) else [value]) if v and v not in values)
        if "form_token" in form.current or "form_token" in form.offered:
            form.offered["form_token"] = [FRESH_TOKEN]
            form.current["form_token"] = FRESH_TOKEN
        if target.method == "post" and not target.csrf_exempt and "csrftoken" not in client.cookies:
            client.get("/me/" if target.role != "anonymous" else "/accounts/login/")  # sets the CSRF cookie
        prepared.update(client=client, url=url, form=form)
    return prepared["client"], prepared["url"], prepared["form"]


def _send(client: Client, target: Target, url: str, data: dict):
    from comments.protection import new_form_token

    data = {key: new_form_token() if value == FRESH_TOKEN else value for key, value in data.items()}
    if target.method == "get":
        return client.get(url, data)
    token = client.cookies.get("csrftoken")
    if token is not None and not target.csrf_exempt:
        data["csrfmiddlewaretoken"] = token.value
    return client.post(url, data)


@pytest.mark.parametrize("target", TARGETS, ids=[target.label for target in TARGETS])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_it_never_answers_500(world, prepared, target, data):
    client, url, form = _prepare(prepared, world, target)
    payload = data.draw(_payload(form), label="payload")
    note(f"{target.method.upper()} {url} as {target.role}")
    response = _send(client, target, url, payload)
    exc_info = getattr(response, "exc_info", None)
    raised = f" ({exc_info[0].__name__}: {exc_info[1]})" if exc_info else ""
    assert response.status_code < 500, f"{target.label}: {response.status_code}{raised} for {payload!r}"
    assert not (response.status_code == 403 and b"CSRF" in response.content), "the CSRF token was refused"
