"""Pages: scheduling forms and their messages, permissions, attendance, and pinned query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import RSVP, Audience, Meeting, Occurrence
from tests.factories import SchoolFactory, UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory

from .factories import first_occurrence, next_week, schedule

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    day = next_week()
    data = {
        "title": "Book circle",
        "agenda": "Chapter one",
        "date": day.isoformat(),
        "start_time": "15:30",
        "end_time": "16:30",
        "repeat": "",
        "repeat_until": "",
        "school": "",
        "address": "Room 12",
        "online_url": "",
        "capacity": "",
        "audience": Audience.MEMBERS,
    }
    data.update(overrides)
    return data


def test_it_lets_a_lead_schedule_a_monthly_series(client, group, lead, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(lead)
    page = client.get(f"/groups/{group.slug}/meetings/new/")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/groups/{group.slug}/meetings/new/", form_data(repeat="monthly_weekday"))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == first_occurrence(meeting).get_absolute_url()
    assert meeting.recurrence.startswith("FREQ=MONTHLY;BYDAY=")
    assert meeting.occurrences.count() == 12
    assert meeting.created_by == lead
    assert len(mailoutbox) == 1  # the lead is the only member so far


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "15:00"}, "end_time", "The meeting must end after it starts."),
        ({"date": "2020-01-07"}, "date", "already passed"),
        ({"school": "999999", "address": ""}, "school", "not one of the district's"),
        ({"capacity": "1000000"}, "capacity", "more seats than any district venue holds"),
        ({"capacity": "0"}, "capacity", "at least one seat"),
        ({"date": "not a date"}, "date", "Enter a valid date."),
        ({"address": "", "school": ""}, "school", "Say where the meeting is"),
        ({"repeat": "monthly_weekday", "repeat_until": "2099-01-01"}, "repeat_until", "at most a year ahead"),
        ({"audience": "everyone-in-town"}, "audience", "Select a valid choice"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "Enter a valid URL"),
    ],
)
def test_it_explains_bad_input_and_keeps_what_was_typed(client, group, lead, overrides, field, message):
    client.force_login(lead)
    data = form_data(**overrides)
    response = client.post(f"/groups/{group.slug}/meetings/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert 'value="Book circle"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_it_forbids_scheduling_editing_cancelling_and_attendance_to_another_groups_lead(
    client, group, lead, other_lead
):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    client.force_login(other_lead)
    assert client.get(f"/groups/{group.slug}/meetings/new/").status_code == 403
    assert client.post(f"/groups/{group.slug}/meetings/new/", form_data()).status_code == 403
    assert client.post(f"/meetings/{occurrence.pk}/edit/", {}).status_code == 403
    assert client.post(f"/meetings/{occurrence.pk}/cancel/", {}).status_code == 403
    assert client.post(f"/meetings/{occurrence.pk}/attendance/", {}).status_code == 403
    assert client.post(f"/meetings/series/{occurrence.meeting_id}/edit/", {}).status_code == 403
    assert client.post(f"/meetings/series/{occurrence.meeting_id}/cancel/", {}).status_code == 403
    occurrence.refresh_from_db()
    assert not occurrence.is_cancelled


def test_it_answers_404_for_unknown_ids_and_groups(client, lead):
    client.force_login(lead)
    for url in [
        "/meetings/999999/",
        "/meetings/999999.ics",
        "/meetings/999999/edit/",
        "/meetings/999999/cancel/",
        "/meetings/999999/attendance/",
        "/meetings/series/999999/edit/",
        "/groups/nowhere/meetings/new/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post("/meetings/999999/reply/", {"response": "going"}).status_code == 404


def test_it_sends_visitors_to_sign_in(client, group, lead):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    for url in [
        occurrence.get_absolute_url(),
        f"/meetings/{occurrence.pk}.ics",
        "/me/meetings/",
        "/events/new/",
        f"/groups/{group.slug}/meetings/new/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_it_hides_a_confidential_groups_meeting_from_non_members(client, group, lead, staff, member):
    group.is_confidential = True
    group.save()
    occurrence = first_occurrence(schedule(by=lead, group=group))
    client.force_login(staff)
    assert client.get(occurrence.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(occurrence.get_absolute_url()).status_code == 200


def test_it_lets_only_the_equity_director_schedule_district_events(client, staff, lead, equity_director):
    client.force_login(lead)
    assert client.get("/events/new/").status_code == 403
    director = equity_director
    school = SchoolFactory(name="Putnam Avenue Upper School", code="putnam-avenue")
    client.force_login(director)
    page = client.get("/events/new/")
    assert page.status_code == 200
    assert b'value="members"' not in page.content
    response = client.post(
        "/events/new/",
        form_data(
            title="Kick-off",
            start_time="15:15",
            end_time="17:00",
            school=str(school.pk),
            address="",
            audience=Audience.NON_ADMINISTRATORS,
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.group is None and meeting.school == school
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "15:15"


def test_it_shows_seats_and_the_waitlist_and_takes_replies(client, group, lead, member):
    occurrence = first_occurrence(schedule(by=lead, group=group, capacity=1))
    services.rsvp_set(occurrence=occurrence, user=lead, response="going")
    client.force_login(member)
    page = client.get(occurrence.get_absolute_url()).content.decode()
    assert "1 of 1 seats taken" in page
    assert "puts you on the waitlist" in page
    response = client.post(f"/meetings/{occurrence.pk}/reply/", {"response": "going"}, follow=True)
    assert "number 1 on the waitlist" in response.content.decode()
    assert RSVP.objects.get(user=member).waitlist_position == 1
    response = client.post(f"/meetings/{occurrence.pk}/reply/", {"response": "sideways"}, follow=True)
    assert response.status_code == 200
    assert "Choose going, maybe or not going." in response.content.decode()


def test_it_lets_a_lead_edit_and_cancel_one_date_of_a_series(client, group, lead, member):
    meeting = schedule(by=lead, group=group, recurrence="FREQ=WEEKLY", repeat_until=next_week() + timedelta(days=7))
    first, second = meeting.occurrences.order_by("starts_at")
    client.force_login(lead)
    data = {
        "date": (next_week() + timedelta(days=1)).isoformat(),
        "start_time": "16:00",
        "end_time": "17:00",
        "school": "",
        "address": "Room 12",
        "online_url": "",
        "note": "Bring the book",
    }
    assert client.post(f"/meetings/{first.pk}/edit/", data).status_code == 302
    first.refresh_from_db()
    assert first.edited and first.sequence == 1 and first.note == "Bring the book"
    assert timezone.localtime(first.starts_at).strftime("%H:%M") == "16:00"
    bad = client.post(f"/meetings/{first.pk}/edit/", {**data, "end_time": "15:00"})
    assert "The meeting must end after it starts." in bad.content.decode()

    assert client.post(f"/meetings/{second.pk}/cancel/", {"reason": "Holiday"}).status_code == 302
    second.refresh_from_db()
    assert second.is_cancelled
    page = client.get(second.get_absolute_url()).content.decode()
    assert "This meeting was cancelled." in page and "Holiday" in page
    first.refresh_from_db()
    assert not first.is_cancelled


def test_it_lets_a_lead_mark_attendance_only_after_the_meeting_starts(client, group, lead, member):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    absent = MembershipFactory(group=group).user
    for person in (member, absent):
        services.rsvp_set(occurrence=occurrence, user=person, response="going")
    client.force_login(lead)
    early = client.post(f"/meetings/{occurrence.pk}/attendance/", {"attended": [member.pk]})
    assert "once the meeting has started" in early.content.decode()

    Occurrence.objects.filter(pk=occurrence.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    response = client.post(f"/meetings/{occurrence.pk}/attendance/", {"attended": [member.pk]})
    assert response.status_code == 302
    assert RSVP.objects.get(user=member).attended is True
    assert RSVP.objects.get(user=absent).attended is False
    bad = client.post(f"/meetings/{occurrence.pk}/attendance/", {"attended": ["nobody"]})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_it_pins_the_queries_of_my_meetings_as_data_grows(client, django_assert_num_queries, group, lead, member):
    client.force_login(member)

    def add_meetings(count: int):
        other = GroupFactory()
        MembershipFactory(group=other, user=member)
        for n in range(count):
            meeting = schedule(
                by=lead,
                group=group if n % 2 else other,
                day=next_week() + timedelta(days=n),
                invite=False,
                school=SchoolFactory(),
            )
            services.rsvp_set(occurrence=first_occurrence(meeting), user=member, response="going")
        schedule(group=None, title="District event", audience=Audience.ALL_STAFF, invite=False)

    add_meetings(2)
    client.get("/me/meetings/")  # warm the site settings cache
    # upcoming, past (the session and the user come from the cache)
    with django_assert_num_queries(2):
        small = client.get("/me/meetings/")
    add_meetings(8)
    with django_assert_num_queries(2):
        large = client.get("/me/meetings/")
    assert len(large.context["series"]) > len(small.context["series"])


def test_it_pins_the_queries_of_a_groups_upcoming_list(django_assert_num_queries, group, lead, member):
    from meetings.selectors import upcoming_for_group, upcoming_for_user

    for n in range(3):
        schedule(by=lead, group=group, day=next_week() + timedelta(days=n), invite=False, school=SchoolFactory())
    with django_assert_num_queries(1):
        listed = upcoming_for_group(group, member, limit=5)
        rendered = [(str(o), o.get_absolute_url(), o.place, o.is_cancelled, o.my_response) for o in listed]
    for n in range(6):
        schedule(by=lead, group=group, day=next_week() + timedelta(days=5 + n), invite=False, school=SchoolFactory())
    with django_assert_num_queries(1):
        listed = upcoming_for_group(group, member, limit=5)
        rendered = [(str(o), o.get_absolute_url(), o.place, o.is_cancelled) for o in listed]
    assert len(rendered) == 5
    with django_assert_num_queries(1):  # the person's memberships are a subquery of the one listing query
        mine = upcoming_for_user(member, limit=5)
        [(str(o), o.place, o.meeting.group) for o in mine]
    assert len(mine) == 5


def test_it_lists_upcoming_and_past_meetings_on_my_meetings(client, group, lead, member):
    occurrence = first_occurrence(schedule(by=lead, group=group, title="Coming soon"))
    past = first_occurrence(schedule(by=lead, group=group, title="Long ago"))
    services.rsvp_set(occurrence=past, user=member, response="going")
    Occurrence.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=3, hours=-1)
    )
    client.force_login(member)
    response = client.get("/me/meetings/")
    assert [entry.next.pk for entry in response.context["series"]] == [occurrence.pk]
    assert [o.pk for o in response.context["past"]] == [past.pk]
    assert member.calendar_token in response.content.decode()
    assert b"/me/calendar/reset/" in response.content


def test_it_shows_a_series_once_with_its_next_dates(client, group, lead, member):
    meeting = schedule(
        by=lead,
        group=group,
        title="Weekly circle",
        recurrence="FREQ=WEEKLY",
        repeat_until=next_week() + timedelta(weeks=8),
    )
    dates = list(meeting.occurrences.order_by("starts_at"))
    client.force_login(member)
    response = client.get("/me/meetings/")
    [entry] = response.context["series"]
    assert entry.next == dates[0]
    assert entry.later == dates[1:4]
    assert entry.more == len(dates) - 4
    html = response.content.decode()
    assert html.count(">Weekly circle<") == 1
    for occurrence in dates[1:4]:
        assert f'href="{occurrence.get_absolute_url()}"' in html


def test_it_keeps_a_declined_meeting_listed_with_a_way_to_change_the_reply(client, group, lead, member):
    occurrence = first_occurrence(schedule(by=lead, group=group, title="Declined gathering"))
    services.rsvp_set(occurrence=occurrence, user=member, response="not_going")
    client.force_login(member)
    html = client.get("/me/meetings/").content.decode()
    assert "Declined gathering" in html
    assert "Change my reply" in html
    # The calendar feed still leaves it out: a declined meeting has no place in the person's calendar.
    from meetings.selectors import feed_for_user

    assert occurrence not in feed_for_user(member)


def test_it_refuses_an_inactive_or_unknown_users_feed(client):
    gone = UserFactory(is_active=False)
    assert client.get(f"/me/calendar/{gone.calendar_token}.ics").status_code == 404


def test_it_lets_a_lead_edit_and_cancel_a_whole_series(
    client, group, lead, member, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = schedule(
        by=lead,
        group=group,
        recurrence="FREQ=WEEKLY",
        repeat_until=next_week() + timedelta(days=14),
        address="Room 12",
        invite=False,
    )
    first, second, third = meeting.occurrences.order_by("starts_at")
    services.occurrence_update(
        occurrence=second, by=lead, starts_at=second.starts_at, ends_at=second.ends_at, address="Gym"
    )
    client.force_login(lead)
    assert client.get(first.get_absolute_url()).status_code == 200
    assert client.get(f"/meetings/series/{meeting.pk}/edit/").status_code == 200
    data = {
        "title": "Weekly circle",
        "agenda": "",
        "school": "",
        "address": "Library",
        "online_url": "",
        "capacity": "",
        "audience": Audience.MEMBERS,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/meetings/series/{meeting.pk}/edit/", data).status_code == 302
    assert [o.address for o in meeting.occurrences.order_by("starts_at")] == ["Library", "Gym", "Library"]
    meeting.refresh_from_db()
    assert meeting.title == "Weekly circle" and meeting.sequence == 1
    assert {m.to[0] for m in mailoutbox} == {lead.email, member.email}

    assert client.get(f"/meetings/series/{meeting.pk}/cancel/").status_code == 200
    assert client.post(f"/meetings/series/{meeting.pk}/cancel/", {"reason": ""}).status_code == 302
    assert all(o.is_cancelled for o in meeting.occurrences.all())
    page = client.get(third.get_absolute_url()).content.decode()
    assert "This meeting was cancelled." in page
    assert client.get(f"/meetings/{third.pk}/cancel/").status_code == 200


def test_it_lists_only_the_groups_own_upcoming_dates_in_order(group, lead, member):
    from meetings.selectors import public_schedule_for, upcoming_for_group

    other = GroupFactory()
    later = schedule(
        by=lead, group=group, title="Later", day=next_week() + timedelta(days=3), invite=False, school=SchoolFactory()
    )
    sooner = schedule(by=lead, group=group, title="Sooner", day=next_week(), invite=False, school=SchoolFactory())
    schedule(
        group=other, title="Someone else's", day=next_week() + timedelta(days=1), invite=False, school=SchoolFactory()
    )
    schedule(group=None, title="District event", audience=Audience.ALL_STAFF, invite=False)
    ended = first_occurrence(schedule(by=lead, group=group, title="Over", invite=False, school=SchoolFactory()))
    Occurrence.objects.filter(pk=ended.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2, hours=-1)
    )

    assert [o.meeting.title for o in upcoming_for_group(group, member)] == ["Sooner", "Later"]
    assert [o.meeting_id for o in public_schedule_for(group)] == [sooner.pk, later.pk]
    assert upcoming_for_group(GroupFactory(), member) == []
