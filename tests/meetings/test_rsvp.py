"""Replies: who may reply, seats, the waitlist and its promotions."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from meetings import services
from meetings.models import RSVP, Audience
from tests.factories import AdministratorFactory, UserFactory

from .factories import first_occurrence, schedule


@pytest.mark.django_db
def test_it_refuses_an_administrator_at_a_non_administrators_event_and_says_why(client, administrator):
    occurrence = first_occurrence(schedule(group=None, title="Kick-off", audience=Audience.NON_ADMINISTRATORS))
    with pytest.raises(services.RSVPRefused) as refused:
        services.rsvp_set(occurrence=occurrence, user=administrator, response="going")
    assert "not administrators" in refused.value.reason
    assert not RSVP.objects.exists()

    client.force_login(administrator)
    page = client.get(occurrence.get_absolute_url())
    assert "administrators cannot reply" in page.content.decode()
    assert b'name="response"' not in page.content
    response = client.post(f"/meetings/{occurrence.pk}/reply/", {"response": "going"}, follow=True)
    assert "administrators cannot reply" in response.content.decode()
    assert not RSVP.objects.exists()


@pytest.mark.django_db
def test_it_refuses_staff_at_an_administrators_only_event_and_admits_administrators(staff, administrator):
    occurrence = first_occurrence(schedule(group=None, title="For administrators", audience=Audience.ADMINISTRATORS))
    with pytest.raises(services.RSVPRefused, match="administrators only"):
        services.rsvp_set(occurrence=occurrence, user=staff, response="going")
    assert services.rsvp_set(occurrence=occurrence, user=administrator, response="going").holds_seat


@pytest.mark.django_db
def test_it_asks_non_members_to_join_before_replying_to_a_members_meeting(group, lead, staff, member):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    with pytest.raises(services.RSVPRefused, match="Join the group"):
        services.rsvp_set(occurrence=occurrence, user=staff, response="maybe")
    assert services.rsvp_set(occurrence=occurrence, user=member, response="maybe").response == "maybe"


@pytest.mark.django_db
def test_it_refuses_replies_to_a_cancelled_meeting(group, lead, member):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    services.occurrence_cancel(occurrence=occurrence, by=lead)
    with pytest.raises(services.RSVPRefused, match="cancelled"):
        services.rsvp_set(occurrence=occurrence, user=member, response="going")


@pytest.mark.django_db
def test_it_waitlists_when_full_and_promotes_the_first_in_line_with_an_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    occurrence = first_occurrence(schedule(group=None, title="Small room", audience=Audience.ALL_STAFF, capacity=2))
    first, second, third, fourth = UserFactory.create_batch(4)
    for person in (first, second, third, fourth):
        services.rsvp_set(occurrence=occurrence, user=person, response="going")
    replies = {r.user_id: r for r in RSVP.objects.filter(occurrence=occurrence)}
    assert [replies[p.pk].waitlist_position for p in (first, second, third, fourth)] == [None, None, 1, 2]

    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp_withdraw(occurrence=occurrence, user=second)
    assert RSVP.objects.get(occurrence=occurrence, user=third).holds_seat
    assert RSVP.objects.get(occurrence=occurrence, user=fourth).waitlist_position == 2
    assert [m.to for m in mailoutbox] == [[third.email]]
    assert "A seat is yours" in mailoutbox[0].subject
    assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Maybe is not a seat: changing from going to maybe frees it too.
    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp_set(occurrence=occurrence, user=first, response="maybe")
    assert RSVP.objects.get(occurrence=occurrence, user=fourth).holds_seat
    assert [m.to for m in mailoutbox][-1] == [fourth.email]


@pytest.mark.django_db
def test_it_fills_new_seats_from_the_waitlist_when_capacity_grows(lead, group):
    meeting = schedule(by=lead, group=group, capacity=1)
    occurrence = first_occurrence(meeting)
    from .factories import MembershipFactory

    people = [MembershipFactory(group=group).user for _ in range(3)]
    for person in people:
        services.rsvp_set(occurrence=occurrence, user=person, response="going")
    services.meeting_update(meeting=meeting, by=lead, capacity=2)
    assert [RSVP.objects.get(occurrence=occurrence, user=p).holds_seat for p in people] == [True, True, False]


# tests/conftest.py re-applies the data migrations' rows after the flush. serialized_rollback would load
# them again under their first keys and collide with rows a transactional test before this one re-created.
@pytest.mark.django_db(transaction=True)
def test_it_gives_exactly_ten_seats_to_fifty_people_replying_at_once(mailoutbox):
    occurrence = first_occurrence(
        schedule(group=None, title="Ten seats", audience=Audience.ALL_STAFF, capacity=10, invite=False)
    )
    people = UserFactory.create_batch(50)
    start = threading.Barrier(len(people))

    def reply(person):
        try:
            start.wait(timeout=30)
            return services.rsvp_set(occurrence=occurrence, user=person, response="going")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        replies = list(pool.map(reply, people))

    assert sum(r.holds_seat for r in replies) == 10
    assert sum(r.is_waitlisted for r in replies) == 40
    stored = RSVP.objects.filter(occurrence=occurrence)
    assert stored.filter(response="going", waitlist_position__isnull=True).count() == 10
    assert sorted(stored.exclude(waitlist_position=None).values_list("waitlist_position", flat=True)) == list(
        range(1, 41)
    )

    # One seat frees up: the first in line (and nobody else) moves up and hears about it.
    leaving = stored.filter(waitlist_position__isnull=True).first().user
    first_in_line = stored.get(waitlist_position=1).user
    services.rsvp_withdraw(occurrence=occurrence, user=leaving)
    assert RSVP.objects.get(occurrence=occurrence, user=first_in_line).holds_seat
    assert stored.filter(response="going", waitlist_position__isnull=True).count() == 10
    assert [m.to for m in mailoutbox] == [[first_in_line.email]]


@pytest.mark.django_db
def test_it_keeps_a_reply_unchanged_when_repeated(staff):
    occurrence = first_occurrence(schedule(group=None, title="Open", audience=Audience.ALL_STAFF, capacity=1))
    services.rsvp_set(occurrence=occurrence, user=AdministratorFactory(), response="going")
    first = services.rsvp_set(occurrence=occurrence, user=staff, response="going")
    again = services.rsvp_set(occurrence=occurrence, user=staff, response="going")
    assert first.waitlist_position == again.waitlist_position == 1


@pytest.mark.django_db
def test_it_refuses_a_non_member_at_a_confidential_groups_all_staff_meeting(group, lead, staff, member):
    group.is_confidential = True
    group.save()
    occurrence = first_occurrence(schedule(by=lead, group=group, audience=Audience.ALL_STAFF))
    with pytest.raises(services.RSVPRefused, match="Join the group"):
        services.rsvp_set(occurrence=occurrence, user=staff, response="going")
    assert services.rsvp_set(occurrence=occurrence, user=member, response="going").holds_seat
