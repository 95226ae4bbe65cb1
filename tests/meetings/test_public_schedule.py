"""The public schedule: dates, times and places only; no cookie; nothing kept about the visitor."""

from __future__ import annotations

from datetime import time

import pytest
from django.utils.formats import time_format

from meetings import services

from .factories import first_occurrence, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_group(group, lead, member):
    group.is_confidential = True
    group.public_schedule = True
    group.save()
    meeting = schedule(
        by=lead,
        group=group,
        title="Monthly gathering",
        address="Library, 10 Library Lane",
        online_url="https://meet.example/secret-room",
        agenda="Private agenda",
        capacity=20,
    )
    services.rsvp_set(occurrence=first_occurrence(meeting), user=member, response="going")
    return group


def assert_no_cookie(response):
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    # Reading the session would add "Vary: Cookie": the page does not even look.
    assert "Cookie" not in response.headers.get("Vary", "")


def test_it_shows_dates_times_and_places_to_a_visitor_without_setting_a_cookie(client, public_group, lead, member):
    response = client.get(f"/groups/{public_group.slug}/schedule/")
    assert response.status_code == 200
    assert_no_cookie(response)
    html = response.content.decode()
    assert "Monthly gathering" in html
    assert "Library, 10 Library Lane" in html
    # Times are shown in the language's own format (TIME_FORMAT), never as ISO text.
    assert time_format(time(15, 30), "TIME_FORMAT") in html
    for private in (
        "meet.example",
        "Private agenda",
        member.full_name,
        member.email,
        lead.full_name,
        "csrfmiddlewaretoken",
        "seats",
        "going",
    ):
        assert private not in html


def test_it_sets_no_cookie_and_consumes_no_message_for_a_signed_in_visitor(client, public_group, member):
    client.force_login(member)
    response = client.get(f"/groups/{public_group.slug}/schedule/")
    assert response.status_code == 200
    assert_no_cookie(response)
    assert member.full_name not in response.content.decode()


def test_it_shows_a_cancelled_date_as_cancelled(client, public_group, lead):
    occurrence = public_group.meetings.get().occurrences.get()
    services.occurrence_cancel(occurrence=occurrence, by=lead)
    html = client.get(f"/groups/{public_group.slug}/schedule/").content.decode()
    assert "Cancelled" in html


def test_it_answers_404_when_the_schedule_is_not_public(client, group, lead):
    schedule(by=lead, group=group)
    response = client.get(f"/groups/{group.slug}/schedule/")
    assert response.status_code == 404
    assert client.get("/groups/nowhere/schedule/").status_code == 404


def test_it_is_resolved_by_the_meetings_app_not_the_group_page():
    from django.urls import resolve, reverse

    assert resolve("/groups/harbor-lights/schedule/").view_name == "meetings:public_schedule"
    assert resolve("/groups/harbor-lights/schedule.ics").view_name == "meetings:public_feed"
    assert resolve("/groups/harbor-lights/meetings/new/").view_name == "meetings:new"
    assert reverse("meetings:new", args=["harbor-lights"]) == "/groups/harbor-lights/meetings/new/"
    assert resolve("/me/meetings/").view_name == "meetings:mine"
    assert resolve("/me/calendar/abc.ics").view_name == "meetings:feed"
    assert resolve("/events/new/").view_name == "meetings:new_event"
