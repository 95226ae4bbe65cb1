from datetime import timedelta

import pytest
from django.utils import timezone

from belong.models import SiteSettings
from equity_plan import services
from groups.models import Group
from meetings.models import Audience, Meeting

from ..factories import DirectorFactory, UserFactory
from .factories import ActionItemFactory, ProgressUpdateFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def meeting(title, group=None):
    start = timezone.now() + timedelta(days=10)
    audience = Audience.MEMBERS if group else Audience.NON_ADMINISTRATORS
    return Meeting.objects.create(
        title=title, group=group, audience=audience, starts_at=start, ends_at=start + timedelta(hours=2)
    )


def test_it_shows_district_events_to_visitors_and_group_meetings_only_to_staff(client, plan):
    private_group = Group.objects.create(name="Women of Color Belong Group", slug="woc", summary="Sisterhood.")
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan))
    services.item_save(
        item=item,
        editor=None,
        meetings=[
            meeting("Employee Resource Groups kick-off"),
            meeting("Monthly circle", group=private_group),
        ],
    )
    html = client.get(f"/plan/{plan.slug}/items/{item.pk}/").content.decode()
    assert "Employee Resource Groups kick-off" in html
    assert "Monthly circle" not in html
    client.force_login(UserFactory())
    assert "Monthly circle" in client.get(f"/plan/{plan.slug}/items/{item.pk}/").content.decode()


def test_it_links_meetings_through_the_item_form(client, plan):
    kick_off = meeting("Employee Resource Groups kick-off")
    stream = WorkstreamFactory(plan=plan)
    item = ActionItemFactory(workstream=stream)
    client.force_login(DirectorFactory())
    response = client.post(
        f"/plan/{plan.slug}/items/{item.pk}/edit/",
        {
            "workstream": stream.pk,
            "title": item.title,
            "due_on": "2026-05-29",
            "status": "in_progress",
            "percent_complete": 50,
            "weight": 1,
            "position": 0,
            "meetings": [kick_off.pk],
        },
    )
    assert response.status_code == 302
    assert list(item.meetings.all()) == [kick_off]


@pytest.mark.parametrize("updates", [1, 12])
def test_it_renders_the_item_page_in_a_constant_number_of_queries(client, plan, django_assert_num_queries, updates):
    item = ActionItemFactory(workstream=WorkstreamFactory(plan=plan), owner=UserFactory())
    for _ in range(updates):
        ProgressUpdateFactory(item=item, author=UserFactory())
    group = Group.objects.create(name="Asian Belong Group", slug="asian", summary="All welcome.")
    item.groups.add(group)
    item.meetings.add(meeting("Employee Resource Groups kick-off"))
    SiteSettings.current()
    # plan, item (with workstream, year, parent, owner), updates with authors, groups, meetings, their dates.
    with django_assert_num_queries(6):
        assert client.get(f"/plan/{plan.slug}/items/{item.pk}/").status_code == 200
