from datetime import date

import pytest

from equity_plan.models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream

from ..factories import DirectorFactory, SuperuserFactory, UserFactory
from .factories import ActionItemFactory, IndicatorFactory, PlanYearFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def editing_urls(plan, year, stream, item, indicator):
    return [
        "/plan/new/",
        f"/plan/{plan.slug}/edit/",
        f"/plan/{plan.slug}/years/new/",
        f"/plan/{plan.slug}/years/{year.pk}/edit/",
        f"/plan/{plan.slug}/w/new/",
        f"/plan/{plan.slug}/w/{stream.pk}/edit/",
        f"/plan/{plan.slug}/items/new/",
        f"/plan/{plan.slug}/items/{item.pk}/edit/",
        f"/plan/{plan.slug}/items/{item.pk}/update/",
        f"/plan/{plan.slug}/indicators/new/",
        f"/plan/{plan.slug}/indicators/{indicator.pk}/edit/",
        f"/plan/{plan.slug}/indicators/{indicator.pk}/measurements/new/",
    ]


@pytest.fixture
def parts(plan):
    year = PlanYearFactory(plan=plan, number=1)
    stream = WorkstreamFactory(plan=plan, year=year)
    return plan, year, stream, ActionItemFactory(workstream=stream), IndicatorFactory(workstream=stream)


def test_it_sends_anonymous_visitors_to_sign_in(client, parts):
    for url in editing_urls(*parts):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/"), url


def test_it_forbids_staff_without_the_permission(client, parts):
    client.force_login(UserFactory(is_staff=True))
    for url in editing_urls(*parts):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x"}).status_code == 403, url
    assert not ActionItem.objects.filter(title="x").exists()


def test_it_lets_editors_open_every_form(client, parts):
    client.force_login(DirectorFactory())
    for url in editing_urls(*parts):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<form" in response.content


def test_it_gives_the_permission_to_the_equity_director_group_only():
    assert DirectorFactory().has_perm("equity_plan.edit_plan")
    assert SuperuserFactory().has_perm("equity_plan.edit_plan")
    assert not UserFactory(is_staff=True).has_perm("equity_plan.edit_plan")


def test_it_builds_a_plan_end_to_end_through_the_forms(client):
    director = DirectorFactory()
    client.force_login(director)
    response = client.post(
        "/plan/new/",
        {
            "title": "DEIB 3-Year Plan",
            "slug": "deib",
            "start_year": 2025,
            "end_year": 2028,
            "summary": "Everyone belongs.",
            "source": "The equity study's recommendations.",
            "approval_status": "approved",
            "approved_on": "2025-06-10",
            "is_published": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/plan/deib/"
    plan = Plan.objects.get(slug="deib")
    assert plan.history.get().history_user == director

    response = client.post(
        "/plan/deib/years/new/",
        {
            "number": 1,
            "title": "Laying the Groundwork",
            "theme": "Preparation.",
            "starts_on": "2025-07-01",
            "ends_on": "2026-06-30",
        },
    )
    assert response.status_code == 302
    year = PlanYear.objects.get(plan=plan)

    response = client.post(
        "/plan/deib/w/new/",
        {
            "kind": "panel",
            "code": "1.2",
            "title": "Code of Conduct Panel",
            "year": year.pk,
            "weight": 1,
            "position": 0,
        },
    )
    stream = Workstream.objects.get(plan=plan)
    assert response["Location"] == f"/plan/deib/w/{stream.pk}/"

    response = client.post(
        "/plan/deib/w/new/",
        {
            "kind": "goal",
            "code": "1.2.1",
            "title": "Restorative circles",
            "parent": stream.pk,
            "weight": 2,
            "position": 0,
        },
    )
    child = Workstream.objects.get(parent=stream)
    assert child.year == year  # inherited from the parent

    response = client.post(
        "/plan/deib/items/new/",
        {
            "workstream": stream.pk,
            "title": "Draft the code",
            "owner_body": "Code of Conduct Panel",
            "due_on": "2026-05-29",
            "status": "not_started",
            "percent_complete": 0,
            "weight": 2,
            "position": 0,
        },
    )
    item = ActionItem.objects.get(title="Draft the code")
    assert response["Location"] == f"/plan/deib/items/{item.pk}/"

    response = client.post(
        f"/plan/deib/items/{item.pk}/update/",
        {
            "reported_on": "2025-10-01",
            "text": "First sections drafted.",
            "status": "in_progress",
            "percent": 30,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.percent_complete) == ("in_progress", 30)
    assert ProgressUpdate.objects.get(item=item).author == director

    response = client.post(
        "/plan/deib/indicators/new/",
        {
            "workstream": stream.pk,
            "name": "Referrals tracked",
            "unit": "%",
            "baseline": "0",
            "target": "100",
            "direction": "increase",
        },
    )
    indicator = Indicator.objects.get()
    response = client.post(
        f"/plan/deib/indicators/{indicator.pk}/measurements/new/",
        {
            "measured_on": "2025-12-01",
            "value": "35",
        },
    )
    assert response.status_code == 302
    assert Measurement.objects.get().value == 35

    page = client.get(f"/plan/deib/items/{item.pk}/").content.decode()
    assert "Change history" in page
    assert "First sections drafted." in page
    assert "Status: Not started → In progress" in page


def test_it_records_who_changed_what_in_the_history(client, plan):
    director = DirectorFactory(full_name="Dana Whitfield")
    stream = WorkstreamFactory(plan=plan)
    item = ActionItemFactory(workstream=stream, title="Old title", weight=1)
    client.force_login(director)
    response = client.post(
        f"/plan/{plan.slug}/items/{item.pk}/edit/",
        {
            "workstream": stream.pk,
            "title": "New title",
            "owner_body": "Career Skills Panel",
            "due_on": "2026-03-31",
            "status": "in_progress",
            "percent_complete": 50,
            "weight": 1,
            "position": 0,
        },
    )
    assert response.status_code == 302
    latest = item.history.first()
    assert latest.history_user == director
    page = client.get(f"/plan/{plan.slug}/items/{item.pk}/").content.decode()
    assert "Dana Whitfield" in page
    assert "Title: Old title → New title" in page


def test_it_links_items_to_groups(client, plan):
    from groups.models import Group

    group = Group.objects.create(name="Educators of Color Network", slug="educators-of-color", summary="All welcome.")
    stream = WorkstreamFactory(plan=plan)
    client.force_login(DirectorFactory())
    client.post(
        f"/plan/{plan.slug}/items/new/",
        {
            "workstream": stream.pk,
            "title": "Launch employee resource groups",
            "due_on": "2026-05-29",
            "status": "not_started",
            "percent_complete": 0,
            "weight": 1,
            "position": 0,
            "groups": [group.pk],
        },
    )
    item = ActionItem.objects.get(title="Launch employee resource groups")
    assert list(item.groups.all()) == [group]
    client.logout()
    assert b"Educators of Color Network" in client.get(f"/plan/{plan.slug}/items/{item.pk}/").content


def test_it_lets_editors_use_the_admin_with_history(client, plan):
    director = DirectorFactory()
    stream = WorkstreamFactory(plan=plan)
    item = ActionItemFactory(workstream=stream)
    client.force_login(director)
    for url in [
        "/admin/equity_plan/plan/",
        f"/admin/equity_plan/plan/{plan.pk}/change/",
        f"/admin/equity_plan/actionitem/{item.pk}/change/",
        f"/admin/equity_plan/actionitem/{item.pk}/history/",
        "/admin/equity_plan/progressupdate/add/",
    ]:
        assert client.get(url).status_code == 200, url


def test_it_posts_an_update_through_the_admin_and_moves_the_item(client, plan, settings):
    settings.ADMIN_REQUIRES_MFA = False
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan), status="in_progress", percent_complete=10)
    client.force_login(SuperuserFactory())
    response = client.post(
        "/admin/equity_plan/progressupdate/add/",
        {
            "item": item.pk,
            "reported_on": "2026-02-01",
            "text_en": "Done.",  # one field per language in the admin; English is the district's
            "new_status": "complete",
            "new_percent": 100,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.percent_complete) == ("complete", 100)
    assert ProgressUpdate.objects.get().reported_on == date(2026, 2, 1)
