"""A meeting notice to a whole group: the meeting is read and its calendar file built once, not per member."""

from __future__ import annotations

import email.policy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from belong import mail
from belong.models import OutboxMessage
from meetings import services

from .factories import MembershipFactory, first_occurrence, schedule

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def reads_of(table: str, queries) -> int:
    return sum(1 for query in queries if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"])


def calendar_of(message) -> Calendar:
    [part] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def test_it_reads_the_meeting_and_builds_its_calendar_once_for_every_member(group, lead, smtp_mailer):
    members = [MembershipFactory(group=group).user for _ in range(11)]
    meeting = schedule(by=lead, group=group, title="Book circle")  # the commit hook is not run here
    batch = OutboxMessage.objects.values_list("batch", flat=True).distinct().get()

    with CaptureQueriesContext(connection) as queries:
        assert mail.deliver(batch=batch) == 12

    assert reads_of("meetings_meeting", queries) == 1
    assert reads_of("meetings_occurrence", queries) == 1
    assert sorted(e.rcpt_tos[0] for e in smtp_mailer.envelopes) == sorted(p.email for p in [lead, *members])
    uid = f"{first_occurrence(meeting).uid}@belong"
    for message in smtp_mailer.messages:
        event = calendar_of(message).walk("VEVENT")[0]
        assert str(event["uid"]) == uid
        assert message["Subject"] == "Invitation: Book circle · Harbor Lights Circle"
    assert len({message["List-Unsubscribe"] for message in smtp_mailer.messages}) == 12


def test_it_skips_the_whole_notice_asking_once_when_every_date_was_cancelled(group, lead, member, smtp_mailer):
    meeting = schedule(by=lead, group=group)
    batch = OutboxMessage.objects.filter(kind="meetings.scheduled").values_list("batch", flat=True).first()
    services.meeting_cancel(meeting=meeting, by=lead)

    with CaptureQueriesContext(connection) as queries:
        assert mail.deliver(batch=batch) == 0

    assert reads_of("meetings_meeting", queries) == 1
    notices = OutboxMessage.objects.filter(batch=batch)
    assert notices.count() == 2
    assert {row.status for row in notices} == {Status.SKIPPED}
    assert all("cancelled or has passed" in row.last_error for row in notices)
    assert not any(
        e.rcpt_tos[0] in {lead.email, member.email} and b"Invitation" in e.content for e in smtp_mailer.envelopes
    )


def test_it_builds_the_bytes_django_builds_when_the_calendar_part_is_shared(group, lead, member):
    schedule(by=lead, group=group, title="Book circle")
    renders = mail.RenderCache()
    first, second = (mail.build_message(row, renders) for row in OutboxMessage.objects.order_by("id"))
    assert first.attachment_parts and first.attachment_parts[0] is second.attachment_parts[0]

    for message in (first, second):
        assert isinstance(message, mail.OutboxEmail)
        # The same message as Django makes it from (name, content, mimetype) attachments.
        plain = mail.OutboxEmail(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=message.to,
            headers=message.extra_headers,
            alternatives=message.alternatives,
            attachments=message.attachments,
        )
        assert _comparable(message.message(policy=email.policy.SMTP).as_bytes()) == _comparable(
            plain.message(policy=email.policy.SMTP).as_bytes()
        )


def _comparable(raw: bytes) -> bytes:
    """Without what differs between two builds of one message: boundaries, Date and Message-ID."""
    raw = re.sub(rb"={15}\d+==", b"BOUNDARY", raw)
    return re.sub(rb"^(Date|Message-ID): .*$", b"", raw, flags=re.MULTILINE)
