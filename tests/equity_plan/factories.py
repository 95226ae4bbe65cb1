from datetime import date
from decimal import Decimal

import factory

from equity_plan.models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"Equity Plan {n}")
    slug = factory.Sequence(lambda n: f"equity-plan-{n}")
    start_year = 2025
    end_year = 2028
    summary = "A plan for belonging."
    source = "The recommendations of a university equity study."
    approval_status = Plan.Approval.APPROVED
    approved_on = date(2025, 6, 10)
    is_published = True


class PlanYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanYear

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Phase {n}")
    theme = "Laying the groundwork."
    starts_on = date(2025, 7, 1)
    ends_on = date(2026, 6, 30)


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    plan = factory.SubFactory(PlanFactory)
    kind = Workstream.Kind.PANEL
    code = factory.Sequence(lambda n: f"1.{n}")
    title = factory.Sequence(lambda n: f"Panel {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    workstream = factory.SubFactory(WorkstreamFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner_body = "Code of Conduct Panel"
    due_on = date(2026, 3, 31)
    status = ActionItem.Status.IN_PROGRESS
    percent_complete = 50


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    item = factory.SubFactory(ActionItemFactory)
    reported_on = date(2026, 1, 15)
    text = "The panel met."
    new_status = ActionItem.Status.IN_PROGRESS
    new_percent = 50


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    workstream = factory.SubFactory(WorkstreamFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    baseline = Decimal("40")
    target = Decimal("60")
    direction = Indicator.Direction.INCREASE


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    measured_on = factory.Sequence(lambda n: date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + n))
    value = Decimal("45")
