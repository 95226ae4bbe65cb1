"""The plan overview is rendered once per plan version, language and kind of viewer, then served from the cache.

Plan.content_version is kept by database triggers, so every way of writing a plan's rows (services,
admin, deletes, QuerySet.update, bulk_create) shows on the very next page view.
"""

import gzip
from datetime import date

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory

from belong.models import SiteSettings
from equity_plan import selectors, services
from equity_plan.models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream

from ..factories import DirectorFactory, SuperuserFactory, UserFactory
from .factories import (
    ActionItemFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanFactory,
    PlanYearFactory,
    ProgressUpdateFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

# A warm overview reads only the plan row; an editor's adds (session and user come from the cache)
# the user's and the groups' permissions.
WARM_QUERIES = 1
WARM_EDITOR_QUERIES = 3


def page(client, plan, **headers) -> str:
    response = client.get(f"/plan/{plan.slug}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def version(plan) -> int:
    return Plan.objects.values_list("content_version", flat=True).get(pk=plan.pk)


def build_large(plan, *, objectives=10, initiatives=10, items=2000):
    """After year 1, the bench's shape: 10 objectives of 10 initiatives (110 workstreams) and 2,000 action items."""
    years = PlanYear.objects.bulk_create(
        [
            PlanYear(
                plan=plan,
                number=n + 2,
                title=f"Year {n + 2}",
                starts_on=date(2025 + n, 1, 1),
                ends_on=date(2025 + n, 12, 31),
            )
            for n in range(3)
        ]
    )
    roots = Workstream.objects.bulk_create(
        [
            Workstream(plan=plan, kind="objective", code=str(o + 1), title=f"Objective {o + 1}", position=o)
            for o in range(objectives)
        ]
    )
    leaves = Workstream.objects.bulk_create(
        [
            Workstream(
                plan=plan,
                parent=root,
                year=years[c % 3],
                kind="initiative",
                code=f"{root.code}.{c + 1}",
                title=f"Initiative {root.code}.{c + 1}",
                weight=1 + c % 3,
                position=c,
            )
            for root in roots
            for c in range(initiatives)
        ]
    )
    statuses = ["not_started", "in_progress", "at_risk", "complete", "deferred"]
    created = ActionItem.objects.bulk_create(
        [
            ActionItem(
                workstream=leaves[n % len(leaves)],
                title=f"Item {n}",
                status=statuses[n % 5],
                percent_complete=100 if statuses[n % 5] == "complete" else n % 90,
                weight=1 + n % 5,
                position=n,
            )
            for n in range(items)
        ]
    )
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                item=item,
                reported_on=date(2026, 1, 1 + n % 28),
                text=f"Update {n}",
                new_status=item.status,
                new_percent=item.percent_complete,
            )
            for n, item in enumerate(created[:300])
        ]
    )


@pytest.fixture
def small_plan(plan):
    year = PlanYearFactory(plan=plan, number=1, title="Laying the Groundwork")
    stream = WorkstreamFactory(plan=plan, year=year, title="Hiring Panel")
    item = ActionItemFactory(
        workstream=stream, title="Publish the hiring data", status="in_progress", percent_complete=40
    )
    ProgressUpdateFactory(item=item, text="The panel met in January.")
    return plan


# --- Speed: the warm page costs the same at any size ----------------------------------------------------------


@pytest.mark.parametrize("large", [False, True], ids=["small", "district-size"])
def test_it_serves_a_warm_overview_in_constant_queries(client, small_plan, django_assert_num_queries, large):
    if large:
        build_large(small_plan)
    SiteSettings.current()  # the footer's settings come from the cache
    cold = page(client, small_plan)
    with django_assert_num_queries(WARM_QUERIES):
        warm = page(client, small_plan)
    assert warm == cold


@pytest.mark.parametrize("large", [False, True], ids=["small", "district-size"])
def test_it_serves_an_editor_a_warm_overview_in_constant_queries(client, small_plan, django_assert_num_queries, large):
    if large:
        build_large(small_plan)
    client.force_login(DirectorFactory())
    SiteSettings.current()
    page(client, small_plan)
    with django_assert_num_queries(WARM_EDITOR_QUERIES):
        page(client, small_plan)


# --- The whole page for signed-out visitors --------------------------------------------------------------------


def public_page_key(plan) -> str:
    plan.refresh_from_db()
    return selectors.public_page_cache_key(plan, SiteSettings.current())


def test_it_keeps_the_whole_page_for_signed_out_visitors(client, small_plan, django_assert_num_queries):
    SiteSettings.current()
    cold = page(client, small_plan)
    assert cache.get(public_page_key(small_plan)) == cold.encode()
    with django_assert_num_queries(WARM_QUERIES):
        assert page(client, small_plan) == cold


def test_it_shows_a_new_footer_at_once(client, small_plan):
    page(client, small_plan)
    settings_row = SiteSettings.current()
    settings_row.contact_name = "Office of Belonging"
    settings_row.save()
    assert "Office of Belonging" in page(client, small_plan)


def test_it_renders_afresh_for_a_query_string(client, small_plan):
    page(client, small_plan)
    response = client.get(f"/plan/{small_plan.slug}/?from=newsletter")
    assert f'value="/plan/{small_plan.slug}/?from=newsletter"' in response.content.decode()  # language form's next
    assert "?from=newsletter" not in page(client, small_plan)


def test_it_never_swallows_a_message_waiting_for_the_visitor(client, small_plan):
    page(client, small_plan)  # the cached page has no message in it
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Thank you for your comment.")])
    assert "Thank you for your comment." in page(client, small_plan)
    assert "Thank you for your comment." not in page(client, small_plan)  # shown once, as always


def test_it_never_serves_the_visitors_page_to_someone_signed_in(client, small_plan):
    public = page(client, small_plan)
    reader = type(client)()
    reader.force_login(UserFactory(full_name="Rosa Quintero"))
    mine = page(reader, small_plan)
    assert "Rosa Quintero" in mine and "Rosa Quintero" not in public


# --- Correctness: every write path shows on the next view -------------------------------------------------------


def test_it_shows_changes_made_through_the_services(client, small_plan):
    item = ActionItem.objects.get()
    director = DirectorFactory()
    assert "40% complete" in page(client, small_plan)

    services.progress_update_post(
        item=item,
        author=director,
        reported_on=date(2026, 2, 1),
        text="Data published on the website.",
        status="complete",
        percent=None,
    )
    html = page(client, small_plan)
    assert "100% complete" in html and "Data published on the website." in html

    stream = Workstream.objects.get()
    stream.title = "Recruitment Panel"
    services.workstream_save(workstream=stream, editor=director)
    assert "Recruitment Panel" in page(client, small_plan)

    year = PlanYear.objects.get()
    year.title = "Building Trust"
    services.year_save(year=year, editor=director)
    assert "Building Trust" in page(client, small_plan)

    item.refresh_from_db()
    item.title = "Publish the hiring dashboard"
    item.status, item.percent_complete = "at_risk", 60
    services.item_save(item=item, editor=director)
    html = page(client, small_plan)
    assert "60% complete" in html and "Publish the hiring dashboard" in html  # the recent update names the item

    small_plan.refresh_from_db()
    small_plan.title = "Belonging Plan 2025-2028"
    services.plan_save(plan=small_plan, editor=director)
    assert 'aria-label="Progress: Belonging Plan 2025-2028"' in page(client, small_plan)


def test_it_shows_changes_and_deletes_made_in_the_admin(client, small_plan, settings):
    settings.ADMIN_REQUIRES_MFA = False
    stream = Workstream.objects.get()
    page(client, small_plan)
    admin = SuperuserFactory()
    admin_client = type(client)()
    admin_client.force_login(admin)

    response = admin_client.post(
        f"/admin/equity_plan/workstream/{stream.pk}/change/",
        {
            "plan": small_plan.pk,
            "year": stream.year_id,
            "parent": "",
            "kind": stream.kind,
            "code": "7.1",
            # The admin has a tab per language (django-modeltranslation): the district's is title_en.
            "title_en": "Renamed in the admin",
            "description_en": "",
            "weight": 1,
            "position": 0,
        },
    )
    assert response.status_code == 302, response.content
    html = page(client, small_plan)
    assert "Renamed in the admin" in html and "7.1" in html

    item = ActionItem.objects.get()
    response = admin_client.post(f"/admin/equity_plan/actionitem/{item.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    html = page(client, small_plan)
    assert "40% complete" not in html and "No action items yet." in html
    assert "The panel met in January." not in html  # its update went with it

    response = admin_client.post(f"/admin/equity_plan/workstream/{stream.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "Renamed in the admin" not in page(client, small_plan)


def test_it_shows_bulk_writes_that_bypass_signals(client, small_plan):
    stream = Workstream.objects.get()
    page(client, small_plan)
    ActionItem.objects.filter(workstream=stream).update(status="complete", percent_complete=100)
    assert "100% complete" in page(client, small_plan)

    ActionItem.objects.bulk_create([ActionItem(workstream=stream, title="Bulk", status="not_started")])
    assert "50% complete" in page(client, small_plan)

    Workstream.objects.filter(pk=stream.pk).delete()
    assert "Hiring Panel" not in page(client, small_plan)


def test_it_moves_the_version_for_every_table_the_plan_pages_read(plan):
    other = PlanFactory()
    seen = [version(plan)]

    def moved():
        seen.append(version(plan))
        return seen[-1] > seen[-2]

    year = PlanYearFactory(plan=plan)
    assert moved()
    stream = WorkstreamFactory(plan=plan, year=year)
    assert moved()
    item = ActionItemFactory(workstream=stream)
    assert moved()
    update = ProgressUpdateFactory(item=item)
    assert moved()
    indicator = IndicatorFactory(workstream=stream)
    assert moved()
    measurement = MeasurementFactory(indicator=indicator)
    assert moved()
    Measurement.objects.filter(pk=measurement.pk).update(note="Checked")
    assert moved()
    Indicator.objects.filter(pk=indicator.pk).update(name="Renamed")
    assert moved()
    ProgressUpdate.objects.filter(pk=update.pk).delete()
    assert moved()
    Plan.objects.filter(pk=plan.pk).update(is_published=False)
    assert moved()

    # Moving a workstream to another plan changes both plans.
    before_other = version(other)
    Workstream.objects.filter(pk=stream.pk).update(plan=other, year=None)
    assert moved() and version(other) > before_other


def test_it_never_lets_a_stale_instance_move_the_version_back(plan):
    stale = Plan.objects.get(pk=plan.pk)
    WorkstreamFactory(plan=plan)
    bumped = version(plan)
    stale.summary = "Saved from an instance read before the workstream was added."
    stale.save()
    assert version(plan) > bumped


# --- Keys: language and viewer --------------------------------------------------------------------------------


def test_it_caches_a_separate_overview_per_language(client, small_plan):
    english = page(client, small_plan)
    spanish = page(client, small_plan, HTTP_ACCEPT_LANGUAGE="es")
    assert "Progress of the whole plan" in english and "Progreso de todo el plan" not in english
    assert "Progreso de todo el plan" in spanish and "Progress of the whole plan" not in spanish
    assert page(client, small_plan) == english  # both stay cached side by side


def test_it_never_shows_editors_links_to_readers_or_hides_them_from_editors(client, small_plan):
    editor = type(client)()
    editor.force_login(DirectorFactory())
    year = PlanYear.objects.get()
    edit_link = f"/plan/{small_plan.slug}/years/{year.pk}/edit/"
    assert edit_link in page(editor, small_plan)
    assert edit_link not in page(client, small_plan)
    assert edit_link in page(editor, small_plan)


def test_it_serves_the_overview_while_the_cache_is_down(client, small_plan, settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    assert "40% complete" in page(client, small_plan)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE equity_plan_actionitem SET percent_complete = 70")
    assert "70% complete" in page(client, small_plan)


def test_it_sends_the_visitors_page_compressed_to_a_browser_that_accepts_it(client, small_plan):
    plain = client.get(f"/plan/{small_plan.slug}/")
    compressed = client.get(f"/plan/{small_plan.slug}/", headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3


def test_it_compresses_the_new_page_after_an_edit(client, small_plan):
    headers = {"accept-encoding": "gzip"}
    before = gzip.decompress(client.get(f"/plan/{small_plan.slug}/", headers=headers).content).decode()
    Workstream.objects.filter(plan=small_plan).update(title="Recruiting Panel", title_en="Recruiting Panel")
    after = gzip.decompress(client.get(f"/plan/{small_plan.slug}/", headers=headers).content).decode()
    assert "Hiring Panel" in before and "Recruiting Panel" in after and "Hiring Panel" not in after
