"""Every route of the portal, for every role, → the status the route must answer.

A route added to a urls.py without an entry in MATRIX fails `test_it_has_an_entry_for_every_route`.
The admin's and allauth's own routes are theirs to protect; the admin index, allauth's login page and
admin routes whose view is our own code are entries here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import ROLES, sign_in

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to a sign-in page (the portal's or the admin's)
REDIRECT = "redirect"  # 302 somewhere that is not a sign-in page
REFUSED = {LOGIN, 403, 404}
OUR_CODE = ("belong.", "accounts.", "groups.", "meetings.", "equity_plan.", "comments.", "funding.", "impact.")


def everyone(status) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status, *, anonymous=LOGIN) -> dict:
    return {**everyone(status), "anonymous": anonymous}


def only(*allowed: str, ok=200, others=403, anonymous=LOGIN) -> dict:
    return {role: ok if role in allowed else others for role in ROLES} | {"anonymous": anonymous}


MANAGERS_OF_G = ("lead", "director", "superuser")
EDITORS = ("director", "superuser")


def _spaces(w, group=None):
    """An announcement, a thread whose opening post is the member's, and a link resource, in G (or `group`).
    None of them has a file: the download routes answer 404 to whoever may read the space."""
    from spaces import services
    from spaces.models import Resource

    group = group or w.group
    lead = w.user("lead") if group == w.group else group.memberships.filter(role="lead").first().user
    author = w.user("member") if group == w.group else lead
    announcement = services.announcement_create(group=group, title="Harbor news", body="Hello", by=lead)
    thread = services.thread_start(group=group, title="Harbor talk", body="Hi", by=author)
    resource = Resource.objects.create(group=group, title="Harbor link", url="https://example.org/", position=1)
    return announcement, thread, thread.posts.get(), resource


def _sp(name, pick=None, group=None):
    if pick is None:
        return lambda w: reverse(name, args=[(group(w) if group else w.group).slug])
    return lambda w: reverse(name, args=[w.group.slug, pick(_spaces(w, group(w) if group else None)).pk])


SPACE_READERS = ("member", "lead", *EDITORS)


@dataclass(frozen=True)
class Case:
    url: Callable
    get: dict
    # Roles allowed to POST to a POST-only route (GET answers 405 for them): everybody else is refused.
    post_only_for: tuple[str, ...] | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)


def post_only(*allowed: str, url: Callable) -> Case:
    return Case(url=url, get=signed_in(405), post_only_for=allowed or tuple(ROLES[1:]))


def _unsubscribe_token(w) -> str:
    return signing.dumps({"u": w.user("staff").pk, "c": "news"}, salt="belong.unsubscribe", compress=True)


def _feedback_link(w) -> str:
    from impact.services import feedback_token_create

    return reverse(
        "impact:feedback", args=[feedback_token_create(occurrence_id=w.occurrence.pk, user_id=w.user("member").pk)]
    )


def _g(name, **kwargs):
    return lambda w: reverse(name, kwargs={"slug": w.group.slug, **kwargs})


def _plan(name, pk=None):
    if pk is None:
        return lambda w: reverse(name, kwargs={"slug": w.plan.slug})
    return lambda w: reverse(name, kwargs={"slug": w.plan.slug, "pk": pk(w)})


def _occ(name):
    return lambda w: reverse(name, kwargs={"pk": w.occurrence.pk})


def _series(name):
    return lambda w: reverse(name, kwargs={"pk": w.meeting.pk})


def _funding(w, group=None):
    """A cycle with an approved request, a recorded expense (no receipt file) and a pending request for
    `group` (G by default), made inside the test's transaction the first time a URL needs them."""
    import datetime

    from funding import services
    from funding.models import Cycle

    group = group or w.group
    lead = w.user("lead") if group == w.group else w.user("other_lead")
    director = w.user("director")
    cycle = Cycle.objects.filter(name="Matrix cycle").first() or services.cycle_create(
        name="Matrix cycle",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2027, 6, 30),
        total_cents=100_000,
        by=director,
    )
    asked = services.request_create(
        cycle=cycle,
        group=group,
        amount_cents=5_000,
        purpose="Food",
        planned_on=datetime.date(2026, 10, 1),
        category="food",
        by=lead,
    )
    approved = services.request_decide(funding_request=asked, decision="approve", by=director)
    expense = services.expense_record(
        cycle=cycle,
        group=group,
        funding_request=approved,
        amount_cents=1_000,
        spent_on=datetime.date(2026, 10, 1),
        category="food",
        vendor="Deli",
        by=lead,
    )
    awaiting = services.expense_record(
        cycle=cycle,
        group=group,
        amount_cents=1_000,
        category="food",
        spent_on=datetime.date(2026, 10, 1),
        vendor="Deli",
        by=lead,
    )
    pending = services.request_create(
        cycle=cycle,
        group=group,
        amount_cents=5_000,
        purpose="Books",
        planned_on=datetime.date(2026, 10, 1),
        category="materials",
        by=lead,
    )
    return cycle, expense, awaiting, pending


def _fund(name, pick):
    return lambda w: reverse(name, args=[pick(_funding(w))])


MATRIX: dict[str, Case] = {
    # --- Site ---------------------------------------------------------------------------------------
    "home": Case(lambda w: "/", everyone(200)),
    "healthz": Case(lambda w: "/healthz", everyone(200)),
    "accessibility": Case(lambda w: "/accessibility/", everyone(200)),
    # Django's view changes the language on POST only; a GET just goes back.
    "set_language": Case(lambda w: "/i18n/setlang/", everyone(REDIRECT), post_only_for=tuple(ROLES)),
    "account_login": Case(lambda w: "/accounts/login/", {**everyone(REDIRECT), "anonymous": 200}),
    "admin:index": Case(lambda w: "/admin/", {**everyone(LOGIN), "director": 200, "superuser": 200}),
    # --- Admin views written here ---------------------------------------------------------------------
    "admin:accounts_user_import": Case(
        lambda w: reverse("admin:accounts_user_import"),
        {**everyone(LOGIN), "director": 403, "superuser": 200},
    ),
    "admin:accounts_user_changelist": Case(
        lambda w: reverse("admin:accounts_user_changelist"),
        {**everyone(LOGIN), "director": 403, "superuser": 200},
    ),
    "admin:comments_comment_change": Case(
        lambda w: reverse("admin:comments_comment_change", args=[w.comment.pk]),
        {**everyone(LOGIN), "director": 200, "superuser": 200},
    ),
    # Admin pages that leave confidential groups out (count only); see tests/security/test_admin_confidential.py.
    "admin:belong_auditlog_changelist": Case(
        lambda w: reverse("admin:belong_auditlog_changelist"),
        {**everyone(LOGIN), "director": 403, "superuser": 200},
    ),
    "admin:groups_membership_changelist": Case(
        lambda w: reverse("admin:groups_membership_changelist"),
        {**everyone(LOGIN), "director": 200, "superuser": 200},
    ),
    "admin:groups_group_simple_history": Case(
        lambda w: reverse(
            "admin:groups_group_simple_history", args=[w.group.pk, w.group.history.latest("history_date").history_id]
        ),
        {**everyone(LOGIN), "director": 200, "superuser": 200},
    ),
    "admin:meetings_meeting_changelist": Case(
        lambda w: reverse("admin:meetings_meeting_changelist"),
        {**everyone(LOGIN), "director": 403, "superuser": 200},
    ),
    "admin:meetings_occurrence_changelist": Case(
        lambda w: reverse("admin:meetings_occurrence_changelist"),
        {**everyone(LOGIN), "director": 403, "superuser": 200},
    ),
    "admin:meetings_rsvp_changelist": Case(
        lambda w: reverse("admin:meetings_rsvp_changelist"),
        {**everyone(LOGIN), "director": 403, "superuser": 200},
    ),
    # Read-only in the admin: cancelling is the portal's (it e-mails everyone invited).
    "admin:meetings_meeting_delete": Case(
        lambda w: reverse("admin:meetings_meeting_delete", args=[w.meeting.pk]),
        {**everyone(LOGIN), "director": 403, "superuser": 403},
    ),
    "admin:meetings_occurrence_delete": Case(
        lambda w: reverse("admin:meetings_occurrence_delete", args=[w.occurrence.pk]),
        {**everyone(LOGIN), "director": 403, "superuser": 403},
    ),
    "admin:meetings_rsvp_delete": Case(
        lambda w: reverse("admin:meetings_rsvp_delete", args=[UNKNOWN]),
        {**everyone(LOGIN), "director": 403, "superuser": 403},
    ),
    "admin:belong_outboxmessage_changelist": Case(
        lambda w: reverse("admin:belong_outboxmessage_changelist"),
        {**everyone(LOGIN), "director": 403, "superuser": 200},
    ),
    # --- E-mail delivery -----------------------------------------------------------------------------------
    "delivery:status": Case(lambda w: reverse("delivery:status"), only(*EDITORS)),
    "delivery:clear_suppression": post_only(
        *EDITORS, url=lambda w: reverse("delivery:clear_suppression", args=[UNKNOWN])
    ),
    # A relay's bounce webhook: no session, a bearer secret; with none configured it does not exist (404).
    "delivery:bounce_webhook": Case(lambda w: reverse("delivery:bounce_webhook"), everyone(405), post_only_for=()),
    # --- Accounts (/me/) ----------------------------------------------------------------------------------
    "accounts:profile": Case(lambda w: "/me/", signed_in(200)),
    "accounts:email_preferences": Case(lambda w: "/me/email/", signed_in(200)),
    # The signed token is the credential (one-click unsubscribe from a mail client): no session needed.
    "accounts:unsubscribe": Case(
        lambda w: reverse("accounts:unsubscribe", args=[_unsubscribe_token(w)]),
        everyone(200),
        post_only_for=tuple(ROLES),
    ),
    # --- Groups --------------------------------------------------------------------------------------------
    "groups:directory": Case(lambda w: "/groups/", signed_in(200)),
    "groups:propose": Case(lambda w: "/groups/propose/", signed_in(200)),
    "groups:overview": Case(lambda w: "/groups/overview/", only(*EDITORS)),
    # G publishes its schedule: a visitor is sent to its public page (name, mission, goals, schedule).
    "groups:detail": Case(_g("groups:detail"), signed_in(200, anonymous=REDIRECT)),
    # Groups that publish their schedule, for anyone (a new hire before their account exists).
    "groups:public_directory": Case(lambda w: "/groups/public/", everyone(200)),
    "groups:colour": post_only(*MANAGERS_OF_G, url=_g("groups:colour")),
    "groups:join": post_only(url=_g("groups:join")),
    "groups:leave": post_only(url=_g("groups:leave")),
    "groups:visibility": post_only(url=_g("groups:visibility")),
    # One's own membership page (who can see me, roster exports): not a member of G, no such page.
    "groups:membership": Case(_g("groups:membership"), only("member", "lead", others=404)),
    "groups:roster": Case(_g("groups:roster"), only(*MANAGERS_OF_G)),
    "groups:invite": post_only(*MANAGERS_OF_G, url=_g("groups:invite")),
    "groups:export": Case(_g("groups:export"), only(*MANAGERS_OF_G)),
    "groups:unreachable": Case(_g("groups:unreachable"), only(*MANAGERS_OF_G)),
    "groups:email": Case(_g("groups:email"), only(*MANAGERS_OF_G)),
    # --- Meetings ------------------------------------------------------------------------------------------
    "meetings:detail": Case(_occ("meetings:detail"), signed_in(200)),
    "meetings:ics": Case(_occ("meetings:ics"), signed_in(200)),
    "meetings:reply": post_only(url=_occ("meetings:reply")),
    "meetings:edit_occurrence": Case(_occ("meetings:edit_occurrence"), only(*MANAGERS_OF_G)),
    "meetings:cancel_occurrence": Case(_occ("meetings:cancel_occurrence"), only(*MANAGERS_OF_G)),
    "meetings:attendance": Case(_occ("meetings:attendance"), only(*MANAGERS_OF_G)),
    "meetings:edit_meeting": Case(_series("meetings:edit_meeting"), only(*MANAGERS_OF_G)),
    "meetings:cancel_meeting": Case(_series("meetings:cancel_meeting"), only(*MANAGERS_OF_G)),
    "meetings:mine": Case(lambda w: "/me/meetings/", signed_in(200)),
    "meetings:reset_calendar": post_only(url=lambda w: "/me/calendar/reset/"),
    # The secret token in the address is the only credential (calendar apps send no cookies).
    "meetings:feed": Case(lambda w: f"/me/calendar/{w.user('staff').calendar_token}.ics", everyone(200)),
    "meetings:new": Case(_g("meetings:new"), only(*MANAGERS_OF_G)),
    "meetings:public_schedule": Case(_g("meetings:public_schedule"), everyone(200)),
    "meetings:public_feed": Case(_g("meetings:public_feed"), everyone(200)),
    "meetings:new_event": Case(lambda w: "/events/new/", only(*EDITORS)),
    # --- Impact: check-in, feedback, participation records -----------------------------------------------
    "meetings:check_in_display": Case(_occ("meetings:check_in_display"), only(*MANAGERS_OF_G)),
    "meetings:credit_hours": post_only(*MANAGERS_OF_G, url=_series("meetings:credit_hours")),
    "meetings:check_in": Case(lambda w: "/check-in/", signed_in(200), post_only_for=tuple(ROLES[1:])),
    "meetings:check_in_code": Case(lambda w: "/check-in/ABCDEFGH/", signed_in(200)),
    # The signed link is the credential (answered from a phone's mail app without signing in).
    "impact:feedback": Case(_feedback_link, everyone(200), post_only_for=tuple(ROLES)),
    "impact:feedback_results": Case(_occ("impact:feedback_results"), only(*MANAGERS_OF_G)),
    "impact:participation": Case(lambda w: "/me/participation/", signed_in(200)),
    # Nobody in this world attended a meeting in 2026-27: a year without meetings is "not found".
    "impact:participation_record": Case(lambda w: "/me/participation/2026/", signed_in(404)),
    "impact:participation_csv": Case(lambda w: "/me/participation/2026.csv", signed_in(404)),
    "impact:you_said_we_did": Case(lambda w: "/you-said-we-did/", everyone(200)),
    "impact:report": Case(lambda w: "/impact/report/", only(*EDITORS)),
    "impact:report_csv": Case(lambda w: "/impact/report/groups.csv", only(*EDITORS)),
    # --- Equity plan -----------------------------------------------------------------------------------------
    # One published plan: readers go straight to it; editors see the list with the draft.
    "equity_plan:index": Case(lambda w: "/plan/", {**everyone(REDIRECT), "director": 200, "superuser": 200}),
    "equity_plan:plan_create": Case(lambda w: "/plan/new/", only(*EDITORS)),
    "equity_plan:csv": Case(_plan("equity_plan:csv"), everyone(200)),
    "equity_plan:plan": Case(_plan("equity_plan:plan"), everyone(200)),
    "equity_plan:plan_edit": Case(_plan("equity_plan:plan_edit"), only(*EDITORS)),
    "equity_plan:print": Case(_plan("equity_plan:print"), everyone(200)),
    "equity_plan:year_create": Case(_plan("equity_plan:year_create"), only(*EDITORS)),
    "equity_plan:year_edit": Case(_plan("equity_plan:year_edit", lambda w: w.year.pk), only(*EDITORS)),
    "equity_plan:workstream_create": Case(_plan("equity_plan:workstream_create"), only(*EDITORS)),
    "equity_plan:workstream": Case(_plan("equity_plan:workstream", lambda w: w.workstream.pk), everyone(200)),
    "equity_plan:workstream_edit": Case(
        _plan("equity_plan:workstream_edit", lambda w: w.workstream.pk), only(*EDITORS)
    ),
    "equity_plan:item_create": Case(_plan("equity_plan:item_create"), only(*EDITORS)),
    "equity_plan:item": Case(_plan("equity_plan:item", lambda w: w.item.pk), everyone(200)),
    "equity_plan:item_edit": Case(_plan("equity_plan:item_edit", lambda w: w.item.pk), only(*EDITORS)),
    "equity_plan:item_update": Case(_plan("equity_plan:item_update", lambda w: w.item.pk), only(*EDITORS)),
    "equity_plan:indicator_create": Case(_plan("equity_plan:indicator_create"), only(*EDITORS)),
    "equity_plan:indicator_edit": Case(_plan("equity_plan:indicator_edit", lambda w: w.indicator.pk), only(*EDITORS)),
    "equity_plan:measurement_create": Case(
        _plan("equity_plan:measurement_create", lambda w: w.indicator.pk), only(*EDITORS)
    ),
    # --- Public comments -------------------------------------------------------------------------------------
    "comments:form": Case(lambda w: "/comment/", everyone(200), post_only_for=tuple(ROLES)),
    "comments:receipt": Case(lambda w: "/comment/receipt/", everyone(200), post_only_for=tuple(ROLES)),
    "comments:review": Case(lambda w: "/comment/review/", only(*EDITORS)),
    # --- Funding: the director runs the program; a group's leads see and spend its budget -------------------
    "funding:index": Case(
        lambda w: "/funding/", {**only("lead", "other_lead"), "director": REDIRECT, "superuser": REDIRECT}
    ),
    "funding:cycle_new": Case(lambda w: "/funding/cycles/new/", only(*EDITORS)),
    "funding:cycle": Case(_fund("funding:cycle", lambda f: f[0].pk), only(*EDITORS)),
    "funding:allocate": post_only(*EDITORS, url=_fund("funding:allocate", lambda f: f[0].pk)),
    "funding:export": Case(_fund("funding:export", lambda f: f[0].pk), only(*EDITORS)),
    "funding:request_decide": Case(_fund("funding:request_decide", lambda f: f[3].pk), only(*EDITORS)),
    "funding:expense_decide": Case(_fund("funding:expense_decide", lambda f: f[2].pk), only(*EDITORS)),
    "funding:expense_delete": Case(_fund("funding:expense_delete", lambda f: f[1].pk), only("lead", *EDITORS)),
    # This expense has no file: the people allowed reach "not found", everybody else is refused first.
    "funding:receipt": Case(_fund("funding:receipt", lambda f: f[1].pk), only("lead", *EDITORS, ok=404)),
    "funding:group": Case(
        lambda w: _funding(w) and reverse("funding:group", args=[w.group.slug]), only("lead", *EDITORS)
    ),
    "funding:request_new": Case(_g("funding:request_new"), only("lead")),
    "funding:expense_new": Case(_g("funding:expense_new"), only("lead")),
    "funding:visibility": post_only("lead", url=_g("funding:visibility")),
    # Group spaces: members and leads take part; the director reads a normal group's space.
    "spaces:notifications": Case(lambda w: "/spaces/me/notifications/", signed_in(200)),
    "spaces:notifications_read": post_only(url=lambda w: "/spaces/me/notifications/read/"),
    "spaces:unread": Case(lambda w: "/spaces/me/notifications/unread/", signed_in(200)),
    "spaces:preferences": Case(lambda w: "/spaces/me/preferences/", signed_in(200)),
    "spaces:space": Case(_sp("spaces:space"), only(*SPACE_READERS)),
    "spaces:announcements": Case(_sp("spaces:announcements"), only(*SPACE_READERS)),
    "spaces:announce": Case(_sp("spaces:announce"), only("lead")),
    "spaces:announcement": Case(_sp("spaces:announcement", lambda o: o[0]), only(*SPACE_READERS)),
    "spaces:announcement_pin": post_only("lead", url=_sp("spaces:announcement_pin", lambda o: o[0])),
    "spaces:announcement_delete": post_only("lead", url=_sp("spaces:announcement_delete", lambda o: o[0])),
    "spaces:announcement_file": Case(_sp("spaces:announcement_file", lambda o: o[0]), only(*SPACE_READERS, ok=404)),
    "spaces:threads": Case(_sp("spaces:threads"), only(*SPACE_READERS)),
    "spaces:thread_new": Case(_sp("spaces:thread_new"), only("member", "lead")),
    "spaces:thread": Case(_sp("spaces:thread", lambda o: o[1]), only(*SPACE_READERS)),
    "spaces:reply": post_only("member", "lead", url=_sp("spaces:reply", lambda o: o[1])),
    "spaces:thread_lock": post_only("lead", url=_sp("spaces:thread_lock", lambda o: o[1])),
    "spaces:post_edit": Case(_sp("spaces:post_edit", lambda o: o[2]), only("member")),
    "spaces:post_delete": post_only("member", url=_sp("spaces:post_delete", lambda o: o[2])),
    "spaces:post_hide": Case(_sp("spaces:post_hide", lambda o: o[2]), only("lead")),
    "spaces:post_report": Case(_sp("spaces:post_report", lambda o: o[2]), only("member", "lead")),
    "spaces:resources": Case(_sp("spaces:resources"), only(*SPACE_READERS)),
    "spaces:resource_move": post_only("lead", url=_sp("spaces:resource_move", lambda o: o[3])),
    "spaces:resource_delete": post_only("lead", url=_sp("spaces:resource_delete", lambda o: o[3])),
    "spaces:resource_file": Case(_sp("spaces:resource_file", lambda o: o[3]), only(*SPACE_READERS, ok=404)),
    "spaces:search": Case(_sp("spaces:search"), only(*SPACE_READERS)),
    # SCIM answers a bearer token only: no session, however privileged, is one (tests/provisioning).
    "provisioning:scim_root": Case(lambda w: "/scim/v2/", everyone(401)),
    "provisioning:scim": Case(lambda w: "/scim/v2/Users", everyone(401)),
}

# More rows for the same routes with other objects: confidential, archived, unpublished, unknown.
UNKNOWN = 987654321
VARIANTS: dict[str, tuple[str, Case]] = {
    # A confidential space: its director sees counts on the front page and nothing else; G's people nothing.
    "spaces:space[confidential]": (
        "spaces:space",
        Case(lambda w: reverse("spaces:space", args=[w.confidential.slug]), only(*EDITORS)),
    ),
    "spaces:threads[confidential]": (
        "spaces:threads",
        Case(lambda w: reverse("spaces:threads", args=[w.confidential.slug]), only()),
    ),
    "spaces:space[archived]": (
        "spaces:space",
        Case(lambda w: reverse("spaces:space", args=[w.archived.slug]), signed_in(404)),
    ),
    # IDOR: another group's objects through G's address answer 404 to everyone, G's leads included.
    "spaces:thread[other group]": (
        "spaces:thread",
        Case(_sp("spaces:thread", lambda o: o[1], group=lambda w: w.other), only(*SPACE_READERS, ok=404)),
    ),
    "spaces:announcement_file[other group]": (
        "spaces:announcement_file",
        Case(_sp("spaces:announcement_file", lambda o: o[0], group=lambda w: w.other), only(*SPACE_READERS, ok=404)),
    ),
    "spaces:post_hide[other group]": (
        "spaces:post_hide",
        Case(_sp("spaces:post_hide", lambda o: o[2], group=lambda w: w.other), only("lead", ok=404)),
    ),
    "spaces:resource_delete[other group]": (
        "spaces:resource_delete",
        Case(_sp("spaces:resource_delete", lambda o: o[3], group=lambda w: w.other), signed_in(405)),
    ),
    "groups:detail[confidential]": (
        "groups:detail",
        Case(lambda w: reverse("groups:detail", args=[w.confidential.slug]), signed_in(200)),
    ),
    "groups:detail[archived]": (
        "groups:detail",
        Case(lambda w: reverse("groups:detail", args=[w.archived.slug]), only(*EDITORS, others=404)),
    ),
    "groups:detail[unknown]": ("groups:detail", Case(lambda w: "/groups/no-such-group/", signed_in(404))),
    # A group without a public schedule, or none at all: a visitor is asked to sign in either way.
    "groups:detail[not public]": (
        "groups:detail",
        Case(lambda w: reverse("groups:detail", args=[w.other.slug]), signed_in(200)),
    ),
    # The director manages normal groups' rosters but never sees a confidential group's names.
    "groups:colour[confidential]": (
        "groups:colour",
        Case(lambda w: reverse("groups:colour", args=[w.confidential.slug]), signed_in(405), post_only_for=()),
    ),
    "groups:roster[confidential]": (
        "groups:roster",
        Case(lambda w: reverse("groups:roster", args=[w.confidential.slug]), only()),
    ),
    "groups:export[confidential]": (
        "groups:export",
        Case(lambda w: reverse("groups:export", args=[w.confidential.slug]), only()),
    ),
    "groups:email[confidential]": (
        "groups:email",
        Case(lambda w: reverse("groups:email", args=[w.confidential.slug]), only()),
    ),
    "groups:roster[other group]": (
        "groups:roster",
        Case(lambda w: reverse("groups:roster", args=[w.other.slug]), only("other_lead", "director", "superuser")),
    ),
    "groups:roster[unknown]": ("groups:roster", Case(lambda w: "/groups/no-such-group/roster/", signed_in(404))),
    "meetings:new[confidential]": (
        "meetings:new",
        Case(lambda w: reverse("meetings:new", args=[w.confidential.slug]), only()),
    ),
    "meetings:new[unknown]": ("meetings:new", Case(lambda w: "/groups/no-such-group/meetings/new/", signed_in(404))),
    # Do not confirm that a confidential group's meeting exists.
    "meetings:detail[confidential]": (
        "meetings:detail",
        Case(
            lambda w: reverse("meetings:detail", args=[w.confidential_occurrence.pk]),
            {**signed_in(404), "director": 200, "superuser": 200},
        ),
    ),
    "meetings:ics[confidential]": (
        "meetings:ics",
        Case(
            lambda w: reverse("meetings:ics", args=[w.confidential_occurrence.pk]),
            {**signed_in(404), "director": 200, "superuser": 200},
        ),
    ),
    "impact:feedback_results[confidential]": (
        "impact:feedback_results",
        Case(lambda w: reverse("impact:feedback_results", args=[w.confidential_occurrence.pk]), only()),
    ),
    "meetings:check_in_display[confidential]": (
        "meetings:check_in_display",
        Case(lambda w: reverse("meetings:check_in_display", args=[w.confidential_occurrence.pk]), only()),
    ),
    "meetings:attendance[confidential]": (
        "meetings:attendance",
        Case(lambda w: reverse("meetings:attendance", args=[w.confidential_occurrence.pk]), only()),
    ),
    "meetings:edit_occurrence[district event]": (
        "meetings:edit_occurrence",
        Case(
            lambda w: reverse("meetings:edit_occurrence", args=[w.district_event.occurrences.first().pk]),
            only(*EDITORS),
        ),
    ),
    "meetings:detail[unknown]": ("meetings:detail", Case(lambda w: f"/meetings/{UNKNOWN}/", signed_in(404))),
    "meetings:ics[unknown]": ("meetings:ics", Case(lambda w: f"/meetings/{UNKNOWN}.ics", signed_in(404))),
    "meetings:edit_occurrence[unknown]": (
        "meetings:edit_occurrence",
        Case(lambda w: f"/meetings/{UNKNOWN}/edit/", signed_in(404)),
    ),
    "meetings:attendance[unknown]": (
        "meetings:attendance",
        Case(lambda w: f"/meetings/{UNKNOWN}/attendance/", signed_in(404)),
    ),
    "meetings:edit_meeting[unknown]": (
        "meetings:edit_meeting",
        Case(lambda w: f"/meetings/series/{UNKNOWN}/edit/", signed_in(404)),
    ),
    "meetings:feed[unknown token]": (
        "meetings:feed",
        Case(lambda w: "/me/calendar/not-a-real-token.ics", everyone(404)),
    ),
    "meetings:public_schedule[not public]": (
        "meetings:public_schedule",
        Case(lambda w: reverse("meetings:public_schedule", args=[w.confidential.slug]), everyone(404)),
    ),
    "meetings:public_feed[not public]": (
        "meetings:public_feed",
        Case(lambda w: reverse("meetings:public_feed", args=[w.other.slug]), everyone(404)),
    ),
    "accounts:unsubscribe[forged token]": (
        "accounts:unsubscribe",
        Case(lambda w: "/me/email/unsubscribe/forged-token/", everyone(400)),
    ),
    # A draft plan's existence is not revealed to readers.
    "equity_plan:plan[draft]": (
        "equity_plan:plan",
        Case(
            lambda w: reverse("equity_plan:plan", args=[w.draft_plan.slug]), only(*EDITORS, others=404, anonymous=404)
        ),
    ),
    "equity_plan:csv[draft]": (
        "equity_plan:csv",
        Case(lambda w: reverse("equity_plan:csv", args=[w.draft_plan.slug]), only(*EDITORS, others=404, anonymous=404)),
    ),
    "equity_plan:plan[unknown]": ("equity_plan:plan", Case(lambda w: "/plan/no-such-plan/", everyone(404))),
    "equity_plan:item[unknown]": (
        "equity_plan:item",
        Case(lambda w: reverse("equity_plan:item", args=[w.plan.slug, UNKNOWN]), everyone(404)),
    ),
    # An item of one plan reached through another plan's address.
    "equity_plan:item[other plan]": (
        "equity_plan:item",
        Case(
            lambda w: reverse("equity_plan:item", args=[w.draft_plan.slug, w.item.pk]),
            only(*EDITORS, ok=404, others=404, anonymous=404),
        ),
    ),
    "equity_plan:item_edit[unknown]": (
        "equity_plan:item_edit",
        Case(lambda w: reverse("equity_plan:item_edit", args=[w.plan.slug, UNKNOWN]), only(*EDITORS, ok=404)),
    ),
    "equity_plan:year_edit[unknown]": (
        "equity_plan:year_edit",
        Case(lambda w: reverse("equity_plan:year_edit", args=[w.plan.slug, UNKNOWN]), only(*EDITORS, ok=404)),
    ),
    "equity_plan:indicator_edit[unknown]": (
        "equity_plan:indicator_edit",
        Case(lambda w: reverse("equity_plan:indicator_edit", args=[w.plan.slug, UNKNOWN]), only(*EDITORS, ok=404)),
    ),
    # The director sees a confidential group's figures (never its names); its members and others see nothing.
    "funding:group[confidential]": (
        "funding:group",
        Case(lambda w: reverse("funding:group", args=[w.confidential.slug]), only(*EDITORS)),
    ),
    "funding:expense_delete[other group]": (
        "funding:expense_delete",
        Case(
            lambda w: reverse("funding:expense_delete", args=[_funding(w, w.other)[1].pk]), only("other_lead", *EDITORS)
        ),
    ),
    "funding:receipt[other group]": (
        "funding:receipt",
        Case(
            lambda w: reverse("funding:receipt", args=[_funding(w, w.other)[1].pk]),
            only("other_lead", *EDITORS, ok=404),
        ),
    ),
    "funding:cycle[unknown]": ("funding:cycle", Case(lambda w: f"/funding/cycles/{UNKNOWN}/", only(*EDITORS, ok=404))),
    "admin:comments_comment_change[unknown]": (
        "admin:comments_comment_change",
        Case(
            lambda w: reverse("admin:comments_comment_change", args=[UNKNOWN]),
            {**everyone(LOGIN), "director": REDIRECT, "superuser": REDIRECT},
        ),
    ),
}

ALL_CASES: dict[str, Case] = {**MATRIX, **{label: case for label, (_route, case) in VARIANTS.items()}}


# --- The URLconf walk ------------------------------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            )
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield prefix + str(entry.pattern), name, entry.lookup_str


def portal_routes() -> dict[str, str]:
    """{route name (or pattern when unnamed): pattern} for every route this project must vouch for."""
    routes = {}
    for pattern, name, view in _walk(get_resolver()):
        plain = pattern.lstrip("^")
        if plain.startswith("admin/"):
            if name != "admin:index" and not view.startswith(OUR_CODE):
                continue
        elif plain.startswith("accounts/") and name != "account_login":
            continue
        routes[name or pattern] = pattern
    return routes


def test_it_has_an_entry_for_every_route():
    missing = sorted(set(portal_routes()) - set(MATRIX))
    assert not missing, "\n".join(f"add {route} to the authorization matrix" for route in missing)


def test_it_has_no_entry_for_a_route_that_is_gone():
    stale = sorted(set(MATRIX) - set(portal_routes()))
    assert not stale, f"remove {stale} from the authorization matrix: no such route"
    assert all(route in MATRIX for route, _case in VARIANTS.values())


# --- The checks ------------------------------------------------------------------------------------------


def _describe(response) -> str:
    detail = f"{response.status_code}"
    if response.status_code in (301, 302):
        detail += f" → {response['Location']}"
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        detail += f" (raised {exc_info[0].__name__}: {exc_info[1]})"
    return detail


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


def assert_answers(response, expected, *, what: str) -> None:
    if expected == LOGIN:
        ok = is_login_redirect(response)
    elif expected == REDIRECT:
        ok = response.status_code == 302 and not is_login_redirect(response)
    else:
        ok = response.status_code == expected
    assert ok, f"{what}: expected {expected}, got {_describe(response)}"


def assert_refused(response, *, what: str) -> None:
    ok = response.status_code in (403, 404, 405) or is_login_redirect(response)
    assert ok, f"{what}: expected a refusal (403/404/405/login), got {_describe(response)}"


GET_CASES = [pytest.param(label, role, id=f"{label}-{role}") for label in ALL_CASES for role in ROLES]


@pytest.mark.parametrize(("label", "role"), GET_CASES)
def test_it_answers_get_by_role(browser, world, label, role):
    case = ALL_CASES[label]
    url = case.url(world)
    sign_in(browser, world, role)
    response = browser.get(url)
    assert_answers(response, case.get[role], what=f"GET {url} as {role}")


# Posting to an unknown or unpublished object says nothing new: the POST checks take the main rows and the
# rows where the object belongs to someone else.
POST_VARIANTS = ("[confidential]", "[other group]", "[district event]")


def _forbidden_post_cases():
    cases = {**MATRIX, **{label: case for label, case in ALL_CASES.items() if label.endswith(POST_VARIANTS)}}
    for label, case in cases.items():
        for role in ROLES:
            allowed = (
                case.post_only_for
                if case.post_only_for is not None
                else [who for who, status in case.get.items() if status not in REFUSED]
            )
            if role not in allowed:
                yield pytest.param(label, role, id=f"{label}-{role}")


@pytest.mark.parametrize(("label", "role"), list(_forbidden_post_cases()))
def test_it_refuses_post_by_a_forbidden_role(browser, world, label, role):
    case = ALL_CASES[label]
    url = case.url(world)
    sign_in(browser, world, role)
    response = browser.post(url, {"action": "approve", "membership": world.pending.pk, "message": "x"})
    assert_refused(response, what=f"POST {url} as {role}")


# --- The admin's second factor (ADMIN_REQUIRES_MFA is on whenever DEBUG is off) ------------------------------


@pytest.mark.parametrize("role", ["director", "superuser"])
def test_it_sends_admin_staff_without_a_second_factor_to_set_one_up(browser, world, settings, role):
    settings.ADMIN_REQUIRES_MFA = True
    sign_in(browser, world, role)
    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_it_lets_admin_staff_with_a_second_factor_in(browser, world, settings):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    settings.ADMIN_REQUIRES_MFA = True
    TOTP.activate(world.user("director"), generate_totp_secret())
    sign_in(browser, world, "director")
    assert browser.get("/admin/").status_code == 200
