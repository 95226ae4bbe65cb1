"""Feedback: the morning-after e-mail over real SMTP, the signed link, anonymity and the five-answer threshold."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from impact import services
from impact.models import FeedbackAnswer, FeedbackGiven
from meetings import services as meetings
from meetings.models import district_zone
from tests.groups.factories import MembershipFactory

from .conftest import move

pytestmark = pytest.mark.django_db


def morning_after(occurrence, hour=7, minute=5) -> datetime:
    day = timezone.localtime(occurrence.ends_at, district_zone()).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=district_zone())


def attended(occurrence, count: int):
    code = meetings.check_in_code_get_or_create(occurrence=occurrence).code
    people = [MembershipFactory(group=occurrence.meeting.group).user for _ in range(count)]
    for person in people:
        meetings.occurrence_check_in(code=code, user=person, now=occurrence.starts_at)
    return people


@pytest.fixture
def yesterday(meeting_now):
    return move(meeting_now, starts_in=-timedelta(days=1))


def link_in(message) -> str:
    return re.search(r"/feedback/[^/\s]+/", message.get_body(("plain",)).get_content()).group(0)


def test_it_emails_attendees_the_morning_after_over_smtp_once_and_respects_preferences(
    yesterday, smtp_mailer, django_capture_on_commit_callbacks, client
):
    came = attended(yesterday, 3)
    came[2].email_opt_outs = ["meetings"]
    came[2].save(update_fields=["email_opt_outs"])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.feedback_requests_send(now=morning_after(yesterday, hour=6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_requests_send(now=morning_after(yesterday))
    messages = smtp_mailer.wait_for(2)
    assert sorted(message["To"] for message in messages) == sorted(person.email for person in came[:2])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.feedback_requests_send(now=morning_after(yesterday, hour=9)) == 0
    assert len(smtp_mailer.messages) == 2

    form = client.get(link_in(messages[0]))
    assert form.status_code == 200
    assert "How useful was this meeting" in form.content.decode()
    saved = client.post(link_in(messages[0]), {"rating": "4", "improvement": "More time to talk"})
    assert "Your answer is saved without your name" in saved.content.decode()
    again = client.post(link_in(messages[0]), {"rating": "1", "improvement": "changed my mind"})
    assert "already answered" in again.content.decode()
    assert list(FeedbackAnswer.objects.values_list("rating", "improvement")) == [(4, "More time to talk")]


def test_it_stores_the_answer_with_nothing_that_leads_back_to_the_person(yesterday):
    person = attended(yesterday, 1)[0]
    services.feedback_submit(occurrence_id=yesterday.pk, user_id=person.pk, rating=5, improvement="Snacks")
    answer_fields = {field.name for field in FeedbackAnswer._meta.get_fields()}
    assert answer_fields == {"id", "occurrence", "rating", "improvement"}
    assert not any(
        field.get_internal_type() in ("DateTimeField", "DateField") for field in FeedbackAnswer._meta.concrete_fields
    )
    assert FeedbackGiven.objects.filter(user=person, occurrence=yesterday).exists()
    assert {field.name for field in FeedbackGiven._meta.concrete_fields} == {"id", "occurrence", "user"}


def test_it_refuses_a_forged_or_tampered_link_and_someone_who_did_not_attend(client, yesterday):
    person = attended(yesterday, 1)[0]
    token = services.feedback_token_create(occurrence_id=yesterday.pk, user_id=person.pk)
    assert client.get(f"/feedback/{token[:-2]}xx/").status_code == 404
    assert client.get("/feedback/not-a-token/").status_code == 404
    absent = MembershipFactory(group=yesterday.meeting.group).user
    forged_for_absent = services.feedback_token_create(occurrence_id=yesterday.pk, user_id=absent.pk)
    response = client.post(f"/feedback/{forged_for_absent}/", {"rating": "1"})
    assert "Only people marked present" in response.content.decode()
    assert client.post(f"/feedback/{token}/", {"rating": "9"}).status_code == 200
    assert not FeedbackAnswer.objects.exists()


def test_it_shows_fewer_than_5_until_the_fifth_answer_and_never_who_wrote_what(client, yesterday, lead):
    people = attended(yesterday, 5)
    client.force_login(lead)
    for index, person in enumerate(people[:4]):
        services.feedback_submit(
            occurrence_id=yesterday.pk, user_id=person.pk, rating=index + 1, improvement=f"idea {index}"
        )
        page = client.get(f"/meetings/{yesterday.pk}/feedback/").content.decode()
        assert "Fewer than 5 people have answered" in page
        assert "idea" not in page
    services.feedback_submit(occurrence_id=yesterday.pk, user_id=people[4].pk, rating=5, improvement="")
    page = client.get(f"/meetings/{yesterday.pk}/feedback/").content.decode()
    assert "Fewer than 5" not in page
    assert "3.0" in page
    assert all(f"idea {index}" in page for index in range(4))
    assert not any(person.display_name in page for person in people)


def test_it_keeps_feedback_results_to_the_groups_leads(client, yesterday, member, other_lead, equity_director):
    for person in (member, other_lead):
        client.force_login(person)
        assert client.get(f"/meetings/{yesterday.pk}/feedback/").status_code == 403
    client.force_login(equity_director)  # an open group: the director may read its aggregates
    assert client.get(f"/meetings/{yesterday.pk}/feedback/").status_code == 200


def test_it_pins_the_queries_of_the_results_page(client, yesterday, lead, django_assert_num_queries):
    people = attended(yesterday, 7)
    for person in people:
        services.feedback_submit(occurrence_id=yesterday.pk, user_id=person.pk, rating=3, improvement="x")
    client.force_login(lead)
    client.get(f"/meetings/{yesterday.pk}/feedback/")
    with django_assert_num_queries(4):
        client.get(f"/meetings/{yesterday.pk}/feedback/")


def test_it_leaves_feedback_requests_out_of_the_admin_since_they_say_who_attended(
    client, yesterday, superuser, settings, django_capture_on_commit_callbacks
):
    from belong.models import OutboxMessage

    settings.ADMIN_REQUIRES_MFA = False
    person = attended(yesterday, 1)[0]
    services.feedback_requests_send(now=morning_after(yesterday))
    assert OutboxMessage.objects.filter(kind="impact.feedback_request", to_email=person.email).exists()
    client.force_login(superuser)
    page = client.get("/admin/belong/outboxmessage/")
    assert page.status_code == 200
    assert person.email not in page.content.decode()


def _xmins(model) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id::text, xmin::text FROM "{model._meta.db_table}"')  # noqa: S608
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_it_leaves_no_transaction_id_that_pairs_an_answer_with_its_person(transactional_db, yesterday):
    """The attack: from a dump, match each person's "answered" row to the answer written in the same
    transaction. Once the hourly task has run, every row shares one transaction id."""
    people = attended(yesterday, 3)
    for index, person in enumerate(people):
        services.feedback_submit(occurrence_id=yesterday.pk, user_id=person.pk, rating=index + 3, improvement="")
    given, answers = _xmins(FeedbackGiven), _xmins(FeedbackAnswer)
    # Before: each answer's transaction id sits right beside one person's "answered" row: that names the writer.
    given_ids = sorted(int(xmin) for xmin in given.values())
    answer_ids = sorted(int(xmin) for xmin in answers.values())
    assert len(set(given_ids)) == 3
    assert all(abs(a - g) <= 1 for a, g in zip(answer_ids, given_ids, strict=True))

    assert services.feedback_blur_order() == 3

    given, answers = _xmins(FeedbackGiven), _xmins(FeedbackAnswer)
    assert len(set(given.values()) | set(answers.values())) == 1
