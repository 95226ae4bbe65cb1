"""The meeting forms guide people: a linked error summary, errors on the field that needs fixing, an
"Error:" title, and the district's time zone in words (never "America/New_York")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting, district_zone, zone_in_words

from .factories import first_occurrence, schedule
from .test_pages import form_data

pytestmark = pytest.mark.django_db


def test_it_answers_an_empty_meeting_form_with_a_summary_linking_each_field(client, group, lead):
    client.force_login(lead)
    # What a browser sends for the form left empty (every field, each an empty string).
    response = client.post(f"/groups/{group.slug}/meetings/new/", dict.fromkeys(form_data(), ""))
    page = response.content.decode()
    assert re.search(r"<title>Error: Schedule a meeting", page)
    summary = re.search(
        r'<div class="alert alert-danger error-summary" role="alert" tabindex="-1".*?</div>', page, re.S
    )
    assert summary and "There is a problem" in summary.group(0)
    links = re.findall(r'<a class="alert-link" href="#(id_\w+)">', summary.group(0))
    assert links == ["id_title", "id_date", "id_start_time", "id_end_time", "id_school", "id_audience"]
    for target in links:
        field = re.search(rf'<(?:input|select|textarea)[^>]*id="{target}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field and "is-invalid" in field
        assert f"{target}_error" in field  # aria-describedby points at the message
        assert f'id="{target}_error"' in page
    assert page.count('<span class="visually-hidden">Error: </span>') == len(links)
    assert not Meeting.objects.exists()


def test_it_shows_no_summary_and_a_plain_title_before_sending(client, group, lead):
    client.force_login(lead)
    page = client.get(f"/groups/{group.slug}/meetings/new/").content.decode()
    assert "data-error-summary" not in page
    assert re.search(r"<title>Schedule a meeting", page)
    assert "novalidate" in page


def test_it_states_the_time_zone_in_words(client, group, lead, settings):
    client.force_login(lead)
    page = client.get(f"/groups/{group.slug}/meetings/new/").content.decode()
    assert "Times are in Eastern Time (New York)." in page
    assert "America/New_York" not in page
    occurrence = first_occurrence(schedule(by=lead, group=group))
    page = client.get(f"/meetings/{occurrence.pk}/edit/").content.decode()
    assert "Times are in Eastern Time (New York)." in page
    assert "America/New_York" not in page


@pytest.mark.parametrize(
    ("zone", "words"),
    [("America/Chicago", "Central Time (Chicago)"), ("America/Boise", "the Boise time zone"), ("UTC", "(UTC)")],
)
def test_it_names_other_zones_in_words(settings, zone, words):
    settings.TIME_ZONE = zone
    assert words in zone_in_words()


def test_it_puts_a_past_time_today_on_the_start_time(client, group, lead):
    client.force_login(lead)
    now = timezone.localtime(timezone.now(), district_zone())
    if now.hour < 1:
        pytest.skip("no earlier time today to choose")
    earlier = (now - timedelta(hours=1)).replace(minute=0)
    data = form_data(date=now.date().isoformat(), start_time=earlier.strftime("%H:%M"), end_time="23:59")
    errors = client.post(f"/groups/{group.slug}/meetings/new/", data).context["form"].errors
    assert list(errors) == ["start_time"]
    assert "already passed today" in errors["start_time"][0]


def test_it_asks_how_often_when_only_repeat_until_is_given(client, group, lead):
    client.force_login(lead)
    day = timezone.localdate() + timedelta(days=30)
    errors = client.post(f"/groups/{group.slug}/meetings/new/", form_data(repeat_until=day.isoformat()))
    assert list(errors.context["form"].errors) == ["repeat"]
    assert not Meeting.objects.exists()


def test_it_shows_a_bad_number_of_hours_next_to_the_field(client, group, lead):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    client.force_login(lead)
    response = client.post(f"/meetings/series/{occurrence.meeting_id}/hours/", {"credit_hours": "99"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_credit_hours"' in page
    assert re.search(r'<input[^>]*id="id_credit_hours"', page)
    assert 'value="99"' in page
