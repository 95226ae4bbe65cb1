"""Pages and e-mails come out in the reader's language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from accounts.models import User
from belong import mail
from belong.models import OutboxMessage
from comments.models import Topic
from equity_plan.models import Plan
from groups.models import Group
from tests.factories import UserFactory

# The comment form's heading, "Share a comment with the district", in each offered language.
COMMENT_HEADINGS = {
    "en": "Share a comment with the district",
    "es": "Envíe un comentario al distrito",
    "ar": "أرسل تعليقًا إلى المنطقة التعليمية",
    "zh-hans": "向学区提交意见",
    "vi": "Gửi góp ý đến học khu",
    "pt": "Envie um comentário ao distrito",
    "ht": "Voye yon kòmantè bay distri a",
}
# "Meeting dates, times and places. You can read this page without signing in, ..." (the start).
SCHEDULE_INTROS = {
    "es": "Fechas, horas y lugares de las reuniones.",
    "ar": "تواريخ الاجتماعات وأوقاتها وأماكنها.",
    "zh-hans": "会议的日期、时间和地点。",
    "vi": "Ngày, giờ và địa điểm các cuộc họp.",
    "pt": "Datas, horários e locais das reuniões.",
    "ht": "Dat, lè ak kote reyinyon yo ap fèt.",
}
# "Progress of the whole plan".
PLAN_PROGRESS = {
    "es": "Progreso de todo el plan",
    "ar": "تقدّم الخطة كلها",
    "zh-hans": "整个计划的进度",
    "vi": "Tiến độ của toàn bộ kế hoạch",
    "pt": "Progresso de todo o plano",
    "ht": "Pwogrè tout plan an",
}


def get_in(client, path: str, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path)


@pytest.fixture
def open_topic(db):
    return Topic.objects.create(name="Proposed educational equity policy")


def test_it_offers_a_heading_for_every_language():
    assert set(COMMENT_HEADINGS) == {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("language", sorted(COMMENT_HEADINGS))
def test_it_shows_the_comment_form_in_the_chosen_language(client, open_topic, language):
    response = get_in(client, "/comment/", language)

    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f"<h1>{COMMENT_HEADINGS[language]}</h1>" in html


def test_it_lays_arabic_out_right_to_left_with_the_rtl_stylesheet(client, open_topic):
    html = get_in(client, "/comment/", "ar").content.decode()

    assert 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    # The form's own strings and the footer are Arabic too, not only the heading.
    assert "إرسال تعليقي" in html  # "Send my comment"
    assert "تغيير اللغة" in html  # "Change language"


@pytest.mark.parametrize("language", sorted(SCHEDULE_INTROS))
def test_it_shows_a_public_meeting_schedule_in_the_chosen_language(client, db, language):
    Group.objects.create(
        name="Staff of Color Network", slug="staff-of-color", summary="Community.", public_schedule=True
    )

    response = get_in(client, "/groups/staff-of-color/schedule/", language)

    assert response.status_code == 200
    assert SCHEDULE_INTROS[language] in response.content.decode()


@pytest.mark.parametrize("language", sorted(PLAN_PROGRESS))
def test_it_shows_the_public_plan_in_the_chosen_language(client, db, language):
    Plan.objects.create(
        title="Equity Plan 2025-2028",
        slug="equity-plan",
        start_year=2025,
        end_year=2028,
        is_published=True,
        approval_status=Plan.Approval.PROPOSED,
    )

    response = get_in(client, "/plan/equity-plan/", language)

    assert response.status_code == 200
    html = response.content.decode()
    assert PLAN_PROGRESS[language] in html


def test_it_shows_the_public_plan_entirely_in_spanish(client, db):
    Plan.objects.create(
        title="Plan de equidad 2025-2028",
        slug="equity-plan",
        start_year=2025,
        end_year=2028,
        is_published=True,
        approval_status=Plan.Approval.PROPOSED,
    )

    html = get_in(client, "/plan/equity-plan/", "es").content.decode()

    assert '<html lang="es" dir="ltr">' in html
    assert "Propuesto a la junta escolar" in html  # the approval status label from the model
    assert "Versión para imprimir" in html
    assert "Todavía no hay actualizaciones de progreso." in html
    assert "Progress of the whole plan" not in html


def test_it_answers_a_missing_page_in_the_chosen_language(client, db):
    response = get_in(client, "/plan/no-such-plan/", "vi")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_it_writes_a_users_e_mail_in_their_preferred_language(db):
    user: User = UserFactory(preferred_language="es", full_name="Rosa Delgado")
    with transaction.atomic():
        mail.enqueue(kind="groups.welcome", to=user)
    row = OutboxMessage.objects.get(recipient=user, kind="groups.welcome")
    assert row.language == "es"

    message = mail.build_message(row)

    assert message.subject == "¡Bienvenido/a! Conozca los grupos de Belong"
    assert message.body.startswith("Hola, ")
    assert "todo el personal es bienvenido" in message.body
    assert "Welcome to the district" not in message.body


def test_it_writes_each_recipients_e_mail_in_their_own_language(db):
    spanish, english = UserFactory(preferred_language="es"), UserFactory(preferred_language="en")
    with transaction.atomic():
        mail.enqueue_many(kind="groups.welcome", recipients=[spanish, english])

    subjects = {
        row.recipient_id: mail.build_message(row).subject for row in OutboxMessage.objects.filter(kind="groups.welcome")
    }

    assert subjects == {
        spanish.id: "¡Bienvenido/a! Conozca los grupos de Belong",
        english.id: "Welcome! Meet the Belong groups",
    }
