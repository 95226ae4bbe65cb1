import csv
import io
from datetime import date

import pytest

from equity_plan.models import ActionItem, Workstream

from ..factories import DirectorFactory, UserFactory
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


@pytest.fixture
def built_plan(plan):
    year = PlanYearFactory(plan=plan, number=1, title="Laying the Groundwork")
    panel = WorkstreamFactory(plan=plan, year=year, code="1.2", title="Code of Conduct Panel")
    done = ActionItemFactory(
        workstream=panel, title="Review discipline policies", status="complete", percent_complete=100
    )
    ActionItemFactory(
        workstream=panel, title="Draft a restorative code", status="at_risk", percent_complete=40, weight=3
    )
    ProgressUpdateFactory(item=done, text="Policy review finished.", new_status="complete", new_percent=100)
    return plan, year, panel, done


def test_it_shows_the_overview_signed_out_with_timeline_progress_and_counts(client, built_plan):
    plan = built_plan[0]
    response = client.get(f"/plan/{plan.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Year One: Laying the Groundwork" in html
    assert "Code of Conduct Panel" in html
    # (100 + 3 * 40) / 4 = 55, visible as text and as an accessible <progress>.
    assert '<progress class="plan-progress-bar" max="100" value="55"' in html
    assert "55% complete" in html
    assert "At risk" in html and "Complete" in html
    assert "Policy review finished." in html  # recent updates
    assert 'style="' not in html  # CSP forbids inline styles
    assert "Approved by the school board on June 10, 2025" in html


def test_it_redirects_the_plan_index_to_the_only_published_plan(client, plan):
    response = client.get("/plan/")
    assert response.status_code == 302
    assert response["Location"] == f"/plan/{plan.slug}/"


def test_it_lists_published_plans_but_not_drafts(client, plan, draft_plan):
    PlanFactory(title="Educational Equity Policy")
    response = client.get("/plan/")
    assert response.status_code == 200
    assert b"Educational Equity Policy" in response.content
    assert b"DEIB 3-Year Plan" in response.content
    assert b"Unannounced Plan" not in response.content


def test_it_shows_an_empty_index_when_nothing_is_published(client, draft_plan):
    response = client.get("/plan/")
    assert response.status_code == 200
    assert b"No plan has been published yet." in response.content


def test_it_shows_the_workstream_page_with_items_and_indicator_chart(client, built_plan):
    plan, _year, panel, _done = built_plan
    indicator = IndicatorFactory(workstream=panel, name="Discipline referrals tracked", unit="%")
    MeasurementFactory(indicator=indicator, measured_on=date(2026, 1, 31), value=52)
    response = client.get(f"/plan/{plan.slug}/w/{panel.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Review discipline policies" in html
    assert "<svg" in html and "<title id=" in html and "<desc id=" in html
    assert "<caption>Measurements: Discipline referrals tracked</caption>" in html
    assert "52 %" in html or "52%" in html


def test_it_shows_the_item_page_with_its_update_history_signed_out(client, built_plan):
    plan, _year, _panel, done = built_plan
    ProgressUpdateFactory(item=done, reported_on=date(2025, 11, 1), text="Panel formed.", new_percent=10)
    response = client.get(f"/plan/{plan.slug}/items/{done.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Policy review finished.") < html.index("Panel formed.")
    assert "Change history" not in html  # editors only


def test_it_shows_the_printable_view_and_the_csv(client, built_plan):
    plan = built_plan[0]
    assert client.get(f"/plan/{plan.slug}/print/").status_code == 200
    response = client.get(f"/plan/{plan.slug}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["year", "workstream_code", "workstream", "item"]
    assert {row[3] for row in rows[1:]} == {"Review discipline policies", "Draft a restorative code"}


def test_it_neutralises_spreadsheet_formulas_in_the_csv(client, plan):
    stream = WorkstreamFactory(plan=plan)
    ActionItemFactory(workstream=stream, title='=HYPERLINK("http://x")')
    rows = list(csv.reader(io.StringIO(client.get(f"/plan/{plan.slug}.csv").content.decode())))
    assert rows[1][3].startswith("'=")


@pytest.mark.parametrize("suffix", ["", "print/", "w/{w}/", "items/{i}/"])
def test_it_hides_drafts_from_visitors_and_staff(client, draft_plan, suffix):
    stream = WorkstreamFactory(plan=draft_plan)
    item = ActionItemFactory(workstream=stream)
    url = f"/plan/{draft_plan.slug}/" + suffix.format(w=stream.pk, i=item.pk)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 404
    assert client.get(f"/plan/{draft_plan.slug}.csv").status_code == 404


def test_it_shows_drafts_to_editors(client, draft_plan):
    client.force_login(DirectorFactory())
    response = client.get(f"/plan/{draft_plan.slug}/")
    assert response.status_code == 200
    assert b"Draft: only plan editors can see it" in response.content
    assert b"Unannounced Plan" in client.get("/plan/").content


def test_it_answers_404_for_unknown_plans_and_for_objects_of_another_plan(client, plan):
    other = PlanFactory()
    foreign_stream = WorkstreamFactory(plan=other)
    foreign_item = ActionItemFactory(workstream=foreign_stream)
    assert client.get("/plan/no-such-plan/").status_code == 404
    assert client.get(f"/plan/{plan.slug}/w/{foreign_stream.pk}/").status_code == 404
    assert client.get(f"/plan/{plan.slug}/items/{foreign_item.pk}/").status_code == 404
    assert client.get(f"/plan/{plan.slug}/items/999999/").status_code == 404


def test_it_shows_workstreams_without_a_year_across_the_whole_plan(client, plan):
    objective = WorkstreamFactory(plan=plan, kind=Workstream.Kind.OBJECTIVE, code="1", title="Equity and Access")
    initiative = WorkstreamFactory(
        plan=plan, kind=Workstream.Kind.INITIATIVE, code="1.3", parent=objective, title="Dynamic Diversity"
    )
    ActionItemFactory(workstream=initiative, status=ActionItem.Status.COMPLETE, percent_complete=100)
    html = client.get(f"/plan/{plan.slug}/").content.decode()
    assert "Across the whole plan" in html
    assert html.index("Equity and Access") < html.index("Dynamic Diversity")
    assert "100% complete" in html


def test_it_names_a_workstream_s_kind_once_in_its_heading(client, plan):
    WorkstreamFactory(plan=plan, code="1.1", title="Mission Statement Panel")
    WorkstreamFactory(plan=plan, code="1.2", title="Curriculum review", kind=Workstream.Kind.OBJECTIVE)
    html = client.get(f"/plan/{plan.slug}/").content.decode()
    # The title already says "Panel": no "Panel" badge after it, so the heading is not heard "Panel Panel".
    assert 'border">Panel</span>' not in html
    assert 'border">Objective</span>' in html
