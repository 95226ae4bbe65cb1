"""Bad input gets a clear message next to the field and never a 500; the database backs the rules up."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from equity_plan.models import ActionItem, Plan, Workstream

from ..factories import DirectorFactory
from .factories import ActionItemFactory, PlanYearFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(DirectorFactory())
    return client


def item_data(stream, **overrides):
    data = {
        "workstream": stream.pk,
        "title": "Draft the code",
        "due_on": "2026-05-29",
        "status": "in_progress",
        "percent_complete": 50,
        "weight": 1,
        "position": 0,
    }
    return {**data, **overrides}


@pytest.mark.parametrize("percent", [-1, 101, 250])
def test_it_rejects_a_percent_outside_0_to_100_on_an_item(editor_client, plan, percent):
    stream = WorkstreamFactory(plan=plan)
    response = editor_client.post(f"/plan/{plan.slug}/items/new/", item_data(stream, percent_complete=percent))
    assert response.status_code == 200
    assert response.context["form"].errors["percent_complete"]
    assert b'value="Draft the code"' in response.content  # what the person typed is kept
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("percent", [-5, 101])
def test_it_rejects_a_percent_outside_0_to_100_on_an_update(editor_client, plan, percent):
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan))
    response = editor_client.post(
        f"/plan/{plan.slug}/items/{item.pk}/update/",
        {
            "reported_on": "2026-01-10",
            "text": "Progress.",
            "status": "in_progress",
            "percent": percent,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["percent"]
    assert not item.updates.exists()


def test_it_refuses_a_percent_above_100_in_the_database(plan):
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan))
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(percent_complete=101)


@pytest.mark.parametrize("due_on", ["2024-12-31", "2029-01-01"])
def test_it_rejects_a_due_date_outside_the_plan_period(editor_client, plan, due_on):
    stream = WorkstreamFactory(plan=plan)
    response = editor_client.post(f"/plan/{plan.slug}/items/new/", item_data(stream, due_on=due_on))
    assert response.status_code == 200
    assert "within the plan period (2025-01-01 to 2028-12-31)" in response.context["form"].errors["due_on"][0]


def test_it_rejects_a_year_outside_the_plan_period_and_ending_before_it_starts(editor_client, plan):
    response = editor_client.post(
        f"/plan/{plan.slug}/years/new/",
        {
            "number": 1,
            "title": "Year One",
            "starts_on": "2030-07-01",
            "ends_on": "2030-06-30",
        },
    )
    errors = response.context["form"].errors
    assert "ends_on" in errors and "starts_on" in errors


def test_it_rejects_a_duplicate_year_number(editor_client, plan):
    PlanYearFactory(plan=plan, number=1)
    response = editor_client.post(
        f"/plan/{plan.slug}/years/new/",
        {
            "number": 1,
            "title": "Again",
            "starts_on": "2025-07-01",
            "ends_on": "2026-06-30",
        },
    )
    assert response.context["form"].errors["number"] == ["This plan already has a year with that number."]


def test_it_rejects_a_workstream_nested_under_itself(editor_client, plan):
    stream = WorkstreamFactory(plan=plan)
    response = editor_client.post(
        f"/plan/{plan.slug}/w/{stream.pk}/edit/",
        {
            "kind": "panel",
            "title": stream.title,
            "parent": stream.pk,
            "weight": 1,
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "cannot be placed under itself" in response.context["form"].errors["parent"][0]
    stream.refresh_from_db()
    assert stream.parent is None


def test_it_rejects_a_workstream_nested_under_its_own_descendant(editor_client, plan):
    objective = WorkstreamFactory(plan=plan, kind="objective")
    initiative = WorkstreamFactory(plan=plan, parent=objective)
    grandchild = WorkstreamFactory(plan=plan, parent=initiative)
    response = editor_client.post(
        f"/plan/{plan.slug}/w/{objective.pk}/edit/",
        {
            "kind": "objective",
            "title": objective.title,
            "parent": grandchild.pk,
            "weight": 1,
            "position": 0,
        },
    )
    assert "cannot be placed under itself" in response.context["form"].errors["parent"][0]


def test_it_refuses_a_self_parent_in_the_database(plan):
    stream = WorkstreamFactory(plan=plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Workstream.objects.filter(pk=stream.pk).update(parent=stream)


def test_it_rejects_an_end_year_before_the_start_year(editor_client):
    response = editor_client.post(
        "/plan/new/",
        {
            "title": "Backwards",
            "slug": "backwards",
            "start_year": 2028,
            "end_year": 2025,
            "approval_status": "in_preparation",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_year"] == ["The last year cannot be before the first year."]
    assert not Plan.objects.filter(slug="backwards").exists()


def test_it_refuses_an_end_year_before_the_start_year_in_the_database(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(end_year=2020)


def test_it_asks_for_the_board_approval_date_and_refuses_reserved_slugs(editor_client):
    response = editor_client.post(
        "/plan/new/",
        {
            "title": "New",
            "slug": "new",
            "start_year": 2025,
            "end_year": 2026,
            "approval_status": "approved",
        },
    )
    errors = response.context["form"].errors
    assert errors["approved_on"] and errors["slug"]


def test_it_refuses_to_shrink_the_period_around_existing_dates(editor_client, plan):
    ActionItemFactory(workstream=WorkstreamFactory(plan=plan), due_on=date(2027, 3, 1))
    response = editor_client.post(
        f"/plan/{plan.slug}/edit/",
        {
            "title": plan.title,
            "slug": plan.slug,
            "start_year": 2025,
            "end_year": 2026,
            "approval_status": "approved",
            "approved_on": "2025-06-10",
        },
    )
    assert "change them first" in response.context["form"].errors["end_year"][0]


def test_it_rejects_a_future_update_and_complete_below_100(editor_client, plan):
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan))
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = editor_client.post(
        f"/plan/{plan.slug}/items/{item.pk}/update/",
        {
            "reported_on": tomorrow.isoformat(),
            "text": "Later.",
            "status": "complete",
            "percent": 80,
        },
    )
    errors = response.context["form"].errors
    assert errors["reported_on"] == ["An update cannot be dated in the future."]
    assert errors["percent"]


def test_it_rejects_a_second_measurement_on_the_same_day_and_a_wrong_direction(editor_client, plan):
    from .factories import IndicatorFactory, MeasurementFactory

    stream = WorkstreamFactory(plan=plan)
    indicator = IndicatorFactory(workstream=stream)
    MeasurementFactory(indicator=indicator, measured_on=date(2026, 1, 5))
    response = editor_client.post(
        f"/plan/{plan.slug}/indicators/{indicator.pk}/measurements/new/",
        {
            "measured_on": "2026-01-05",
            "value": "12",
        },
    )
    assert response.context["form"].errors["measured_on"]
    response = editor_client.post(
        f"/plan/{plan.slug}/indicators/new/",
        {
            "workstream": stream.pk,
            "name": "Referrals per 100 students",
            "baseline": "12",
            "target": "9",
            "direction": "increase",
        },
    )
    assert "lower is better" in response.context["form"].errors["direction"][0]


@pytest.mark.parametrize("field,value", [("percent_complete", "lots"), ("due_on", "someday"), ("weight", "0")])
def test_it_never_answers_500_to_garbage(editor_client, plan, field, value):
    stream = WorkstreamFactory(plan=plan)
    response = editor_client.post(f"/plan/{plan.slug}/items/new/", item_data(stream, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_it_turns_a_service_validation_error_into_a_form_error(editor_client, plan):
    # The item's due date fell outside the period (changed in the admin); an update must say so, not crash.
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan))
    ActionItem.objects.filter(pk=item.pk).update(due_on=date(2031, 1, 1))
    response = editor_client.post(
        f"/plan/{plan.slug}/items/{item.pk}/update/",
        {
            "reported_on": "2026-01-10",
            "text": "Progress.",
            "status": "in_progress",
            "percent": 60,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not item.updates.exists()


def test_it_rejects_an_impossible_year_when_editing_a_plan_with_dated_items(editor_client, plan):
    ActionItemFactory(workstream=WorkstreamFactory(plan=plan), due_on=plan.period_start)
    response = editor_client.post(
        f"/plan/{plan.slug}/edit/",
        {
            "title": plan.title,
            "slug": plan.slug,
            "start_year": plan.start_year,
            "end_year": 987654321,
            "approval_status": "in_preparation",
        },
    )
    assert response.status_code == 200
    assert "end_year" in response.context["form"].errors
    plan.refresh_from_db()
    assert plan.end_year != 987654321
