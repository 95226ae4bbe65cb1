from datetime import date, timedelta
from io import StringIO

import pytest
from django.utils import timezone

from equity_plan import demo, services
from equity_plan.models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream
from equity_plan.selectors import plan_overview
from meetings.models import Meeting

from ..factories import DirectorFactory, SuperuserFactory, UserFactory
from .factories import ActionItemFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def test_it_moves_the_item_when_an_update_is_posted(plan):
    author = DirectorFactory()
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan), status="not_started", percent_complete=0)
    update = services.progress_update_post(
        item=item, author=author, reported_on=date(2026, 1, 5), text="Kick-off held.", status="in_progress", percent=25
    )
    item.refresh_from_db()
    assert (item.status, item.percent_complete) == ("in_progress", 25)
    assert update.author == author
    assert item.history.first().history_user == author


def test_it_treats_a_blank_percent_as_unchanged_or_100_when_complete(plan):
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan), status="in_progress", percent_complete=40)
    services.progress_update_post(
        item=item, author=None, reported_on=date(2026, 1, 5), text="Slipping.", status="at_risk"
    )
    item.refresh_from_db()
    assert (item.status, item.percent_complete) == ("at_risk", 40)
    services.progress_update_post(item=item, author=None, reported_on=date(2026, 2, 5), text="Done.", status="complete")
    item.refresh_from_db()
    assert (item.status, item.percent_complete) == ("complete", 100)


def test_it_keeps_a_back_dated_update_in_the_history_without_moving_the_item(plan):
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan))
    services.progress_update_post(
        item=item, author=None, reported_on=date(2026, 3, 1), text="Now.", status="in_progress", percent=70
    )
    services.progress_update_post(
        item=item, author=None, reported_on=date(2026, 1, 1), text="Earlier.", status="in_progress", percent=20
    )
    item.refresh_from_db()
    assert item.percent_complete == 70
    assert [u.text for u in item.updates.all()] == ["Now.", "Earlier."]


def people():
    return {
        "teacher": UserFactory(),
        "principal": UserFactory(),
        "lead": UserFactory(),
        "director": DirectorFactory(),
        "hr": UserFactory(is_staff=True),
        "admin": SuperuserFactory(),
    }


def test_it_loads_the_demo_plans_as_in_the_seeds_and_again_without_duplicates():
    from groups.models import Group

    group = Group.objects.create(name="Educators of Color Network", slug="eoc", summary="All welcome.")
    start = timezone.now()
    kick_off = Meeting.objects.create(
        title="Employee Resource Groups kick-off",
        audience="non_administrators",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    cast = people()
    demo.load(StringIO(), cast)
    counts = [
        model.objects.count()
        for model in (Plan, PlanYear, Workstream, ActionItem, ProgressUpdate, Indicator, Measurement)
    ]
    demo.load(StringIO(), cast)
    assert [
        model.objects.count()
        for model in (Plan, PlanYear, Workstream, ActionItem, ProgressUpdate, Indicator, Measurement)
    ] == counts

    deib = Plan.objects.get(slug="deib-3-year-plan")
    assert deib.approval_status == Plan.Approval.APPROVED and deib.approved_on and deib.is_published
    assert "equity study" in deib.source
    assert [(y.number, y.title) for y in deib.years.all()] == [
        (1, "Laying the Groundwork"),
        (2, "Data Collection and Program Access"),
        (3, "Expanding Access and Embracing Restorative Practices"),
    ]
    panels = deib.workstreams.filter(year__number=1, kind=Workstream.Kind.PANEL).values_list("title", flat=True)
    assert list(panels) == ["Mission Statement Panel", "Code of Conduct Panel", "Career Skills Panel"]
    statuses = set(ActionItem.objects.filter(workstream__plan=deib).values_list("status", flat=True))
    assert statuses == {s.value for s in ActionItem.Status}
    assert ProgressUpdate.objects.filter(item__workstream__plan=deib).count() >= 10
    overview = plan_overview(deib)
    assert 0 < overview.progress.percent < 100

    policy = Plan.objects.get(slug="educational-equity-policy")
    assert policy.workstreams.filter(kind=Workstream.Kind.POLICY_AREA).count() == 5

    initiative = Workstream.objects.get(plan__slug="district-plan", code="1.3")
    assert initiative.parent.title == "Equity and Access"
    assert initiative.kind == Workstream.Kind.INITIATIVE
    launch = initiative.items.get(title="Launch employee resource groups")
    assert list(launch.groups.all()) == [group]
    assert list(launch.meetings.all()) == [kick_off]
    assert Indicator.objects.filter(measurements__isnull=True).exists()  # one chart shows "no measurements"
