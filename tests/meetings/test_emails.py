"""E-mails about meetings: one per recipient, with calendar files, through the real outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import EmailCategory
from belong.models import OutboxMessage
from meetings import services
from meetings.models import Audience
from tests.factories import AdministratorFactory, UserFactory

from .factories import MembershipFactory, first_occurrence, local, next_week, schedule

pytestmark = pytest.mark.django_db


def calendar_attachment(message) -> tuple[Calendar, str]:
    for attachment in message.attachments:
        _name, content, mimetype = attachment
        if mimetype.startswith("text/calendar"):
            return Calendar.from_ical(content), mimetype
    raise AssertionError("no calendar attached")


def test_it_invites_each_member_once_with_a_calendar_request(
    group, lead, member, django_capture_on_commit_callbacks, mailoutbox
):
    MembershipFactory(group=group, status="pending")  # not yet a member: not invited
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(by=lead, group=group, title="Book circle", school=member.school)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([lead.email, member.email])
    message = mailoutbox[0]
    assert message.subject == "Invitation: Book circle · Harbor Lights Circle"
    assert "List-Unsubscribe" in message.extra_headers
    calendar, mimetype = calendar_attachment(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(calendar["method"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == f"{first_occurrence(meeting).uid}@belong"
    assert member.school.name in str(event["location"])
    assert "organizer" in event


def test_it_invites_only_eligible_staff_to_a_district_event(django_capture_on_commit_callbacks, mailoutbox):
    teachers = UserFactory.create_batch(3)
    principal = AdministratorFactory()
    UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        schedule(group=None, title="Kick-off", audience=Audience.NON_ADMINISTRATORS)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(t.email for t in teachers)
    assert principal.email not in {m.to[0] for m in mailoutbox}


def test_it_respects_the_meetings_opt_out(group, lead, member, django_capture_on_commit_callbacks, mailoutbox):
    member.email_opt_outs = [EmailCategory.MEETINGS]
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        schedule(by=lead, group=group)
    assert [m.to[0] for m in mailoutbox] == [lead.email]
    assert OutboxMessage.objects.get(to_email=member.email).status == OutboxMessage.Status.SKIPPED


def test_it_keeps_subjects_neutral_for_a_group_that_asks(
    group, lead, member, django_capture_on_commit_callbacks, mailoutbox
):
    group.is_confidential = group.neutral_email_subjects = True
    group.save()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(by=lead, group=group, title="Harbor Lights monthly")
        services.meeting_cancel(meeting=meeting, by=lead)
    assert mailoutbox
    for message in mailoutbox:
        assert "Harbor" not in message.subject
        assert "Harbor" not in message.from_email


def test_it_sends_changes_as_requests_and_cancellations_as_cancel(
    group, lead, member, django_capture_on_commit_callbacks, mailoutbox
):
    occurrence = first_occurrence(schedule(by=lead, group=group))
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_update(
            occurrence=occurrence,
            by=lead,
            starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at + timedelta(minutes=30),
            address="Room 12",
        )
    changed = [m for m in mailoutbox if m.subject.startswith("Changed")]
    assert len(changed) == 2
    calendar, mimetype = calendar_attachment(changed[0])
    assert mimetype == "text/calendar; method=REQUEST"
    assert int(calendar.walk("VEVENT")[0]["sequence"]) == 1

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_cancel(occurrence=occurrence, by=lead, reason="Snow day")
    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert message.subject.startswith("Cancelled")
    assert "Snow day" in message.body
    calendar, mimetype = calendar_attachment(message)
    assert mimetype == "text/calendar; method=CANCEL"
    assert str(calendar["method"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 2


def test_it_writes_plain_text_bodies_and_subjects_without_html_escapes(
    group, lead, member, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(
            by=lead,
            group=group,
            title="Q&A: O'Brien's \"Tea\" <Talk>",
            agenda="Bring <notes> & snacks",
            address="Room 4 & 5",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=lead, reason="Staff's day off")
    assert mailoutbox
    for message in mailoutbox:
        for text in (message.subject, message.body):
            for escape in ("&amp;", "&#x27;", "&quot;", "&lt;", "&gt;"):
                assert escape not in text, (escape, text)
    invitation = next(m for m in mailoutbox if m.subject.startswith("Invitation"))
    assert "Q&A: O'Brien's \"Tea\" <Talk>" in invitation.subject
    assert "Bring <notes> & snacks" in invitation.body
    assert "Room 4 & 5" in invitation.body
    cancelled = next(m for m in mailoutbox if m.subject.startswith("Cancelled"))
    assert "Staff's day off" in cancelled.body
    # The HTML part still escapes what a lead typed.
    html = {mime: body for body, mime in invitation.alternatives}["text/html"]
    assert "<Talk>" not in html and "&lt;Talk&gt;" in html


def test_it_sends_one_reminder_per_person_even_when_the_job_runs_twice_or_late(
    group, lead, member, django_capture_on_commit_callbacks, mailoutbox
):
    soon = first_occurrence(schedule(by=lead, group=group, day=next_week(), invite=False))
    later = first_occurrence(schedule(by=lead, group=group, day=next_week() + timedelta(days=7), invite=False))
    waitlisted = MembershipFactory(group=group).user
    for occurrence in (soon, later):
        services.rsvp_set(occurrence=occurrence, user=member, response="going")
    services.rsvp_set(occurrence=soon, user=lead, response="maybe")
    soon.meeting.capacity = 1
    soon.meeting.save()
    services.rsvp_set(occurrence=soon, user=waitlisted, response="going")

    beat_time = soon.starts_at - timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        first_run = services.reminder_send_due(now=beat_time)
        second_run = services.reminder_send_due(now=beat_time + timedelta(minutes=5))
        late_run = services.reminder_send_due(now=beat_time + timedelta(hours=20))
    assert (first_run, second_run, late_run) == (1, 0, 0)
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert mailoutbox[0].subject.startswith("Reminder: Monthly gathering")


def test_it_sends_no_reminder_before_the_day_or_for_a_cancelled_meeting(group, lead, member):
    occurrence = first_occurrence(schedule(by=lead, group=group, invite=False))
    services.rsvp_set(occurrence=occurrence, user=member, response="going")
    assert services.reminder_send_due(now=occurrence.starts_at - timedelta(hours=25)) == 0
    services.occurrence_cancel(occurrence=occurrence, by=lead)
    assert services.reminder_send_due(now=occurrence.starts_at - timedelta(hours=2)) == 0


def test_it_runs_the_reminder_beat_task_by_its_scheduled_name(
    group, lead, member, settings, django_capture_on_commit_callbacks, mailoutbox
):
    import meetings.tasks  # noqa: F401 - the worker imports it through autodiscovery
    from belong.celery import app

    starts_at = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    meeting = services.meeting_schedule(
        by=lead,
        group=group,
        title="Soon",
        audience=Audience.MEMBERS,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
        invite=False,
    )
    services.rsvp_set(occurrence=first_occurrence(meeting), user=member, response="going")
    task = app.tasks[settings.CELERY_BEAT_SCHEDULE["meeting-reminders"]["task"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert task.apply().get() == 1
        assert task.apply().get() == 0
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_it_renders_every_meeting_email_in_spanish(group, lead, django_capture_on_commit_callbacks, mailoutbox):
    spanish = MembershipFactory(group=group, user=UserFactory(preferred_language="es")).user
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(by=lead, group=group)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, by=lead, agenda="Nueva agenda")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=lead, reason="Nieve")
    received = [m for m in mailoutbox if m.to == [spanish.email]]
    assert len(received) == 3
    assert "Nieve" in received[-1].body


def test_it_skips_an_invitation_whose_meeting_was_cancelled_before_delivery(
    group, lead, member, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(by=lead, group=group)
        services.meeting_cancel(meeting=meeting, by=lead)
    assert all(m.subject.startswith("Cancelled") for m in mailoutbox)
    assert OutboxMessage.objects.filter(kind="meetings.scheduled", status="skipped").count() == 2
    assert first_occurrence(meeting).starts_at == local(next_week(), 15, 30)


def test_it_delivers_the_kick_off_invitation_over_smtp_with_a_calendar_clients_can_read(
    client, equity_director, smtp_mailer, django_capture_on_commit_callbacks
):
    from tests.factories import SchoolFactory

    putnam = SchoolFactory(name="Putnam Avenue Upper School", code="putnam-avenue", address="100 Putnam Avenue")
    teacher = UserFactory(email="teacher.smtp@district.example")
    AdministratorFactory()
    client.force_login(equity_director)
    day = next_week()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/events/new/",
            {
                "title": "Employee Resource Groups kick-off",
                "date": day.isoformat(),
                "start_time": "15:15",
                "end_time": "17:00",
                "school": str(putnam.pk),
                "audience": Audience.NON_ADMINISTRATORS,
            },
        )
    assert response.status_code == 302
    # The director and the principal are administrators: this event is not for them.
    received = smtp_mailer.wait_for(1)
    assert [m["To"] for m in received] == [teacher.email]
    message = received[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    assert str(calendar["method"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == local(day, 15, 15)
    assert event.decoded("dtend") == local(day, 17, 0)
    assert str(event["dtstart"].params["TZID"]) == "America/New_York"
    assert str(event["location"]) == "Putnam Avenue Upper School, 100 Putnam Avenue"
    assert calendar.walk("VTIMEZONE")
