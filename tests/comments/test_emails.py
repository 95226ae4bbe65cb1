import pytest

from belong.models import OutboxMessage
from comments import services
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_it_emails_the_reply_to_a_writer_who_gave_an_address(django_capture_on_commit_callbacks, mailoutbox):
    comment = CommentFactory(disclosed=True, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_review(
            comment_id=comment.pk, status="in_review", reply="Gracias por su comentario.", legal_hold=False
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["jordan.whitaker@example.org"]
    assert "Gracias por su comentario." in message.body
    assert "Jordan Whitaker" in message.body
    assert "/comment/receipt/" in message.body
    row = OutboxMessage.objects.get(kind="comments.reply")
    assert (row.status, row.language, row.recipient_id) == ("sent", "es", None)


def test_it_sends_the_same_reply_once_and_a_changed_reply_again(django_capture_on_commit_callbacks, mailoutbox):
    comment = CommentFactory(disclosed=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_review(comment_id=comment.pk, status="answered", reply="First.", legal_hold=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_review(comment_id=comment.pk, status="answered", reply="First.", legal_hold=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_review(comment_id=comment.pk, status="answered", reply="Corrected.", legal_hold=True)
    assert [m.body.count("Corrected.") for m in mailoutbox] == [0, 1]


def test_it_sends_nothing_when_the_writer_stayed_anonymous(django_capture_on_commit_callbacks, mailoutbox):
    comment = CommentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        saved = services.comment_review(comment_id=comment.pk, status="in_review", reply="Thanks.", legal_hold=False)
    assert mailoutbox == []
    assert saved.status == Comment.Status.ANSWERED and saved.replied_on


def test_a_reply_saved_in_the_admin_is_emailed(
    client, director, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.ADMIN_REQUIRES_MFA = False
    comment = CommentFactory(disclosed=True)
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/comments/comment/{comment.pk}/change/",
            {
                "status": "new",
                "reply": "We will add interpreters.",
                "notes-TOTAL_FORMS": "0",
                "notes-INITIAL_FORMS": "0",
                "notes-MIN_NUM_FORMS": "0",
                "notes-MAX_NUM_FORMS": "1000",
            },
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "We will add interpreters." in mailoutbox[0].body


def test_the_reply_mail_goes_through_a_real_smtp_server(smtp_mailer, django_capture_on_commit_callbacks):
    comment = CommentFactory(disclosed=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_review(comment_id=comment.pk, status="answered", reply="Over SMTP.", legal_hold=False)
    [message] = smtp_mailer.wait_for(1)
    assert message["To"] == "jordan.whitaker@example.org"
    assert "Over SMTP." in message.get_body(("plain",)).get_content()
