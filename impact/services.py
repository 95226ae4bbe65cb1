"""Changes made by impact: feedback requests and answers. Each function is one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from belong import mail
from comments.models import Comment
from equity_plan.models import ActionItem
from meetings.models import RSVP, Occurrence, district_zone

from .models import IMPROVEMENT_MAX_LENGTH, FeedbackAnswer, FeedbackGiven, PublishedReply

FEEDBACK_SALT = "impact.feedback"
# Long enough to answer after a weekend or a short absence; an old link only says it has expired.
FEEDBACK_TOKEN_MAX_AGE = timedelta(days=14)


class FeedbackRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def feedback_token_create(*, occurrence_id: int, user_id: int) -> str:
    return signing.dumps({"o": occurrence_id, "u": user_id}, salt=FEEDBACK_SALT, compress=True)


def feedback_token_read(token: str) -> tuple[int, int] | None:
    """(occurrence id, user id) from a link, or None when it was altered or has expired."""
    try:
        data = signing.loads(token, salt=FEEDBACK_SALT, max_age=FEEDBACK_TOKEN_MAX_AGE)
        return int(data["o"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


@transaction.atomic
def feedback_requests_send(*, now: datetime | None = None) -> int:
    """The morning after a meeting, e-mail everyone marked present a link to the two-question form.

    Beat runs this hourly; it does nothing before FEEDBACK_EMAIL_LOCAL_HOUR in the district's zone, then
    asks about yesterday's (local) dates. The dedupe key makes later runs that morning send nothing more.
    """
    local = timezone.localtime(now or timezone.now(), district_zone())
    if local.hour < settings.FEEDBACK_EMAIL_LOCAL_HOUR:
        return 0
    today = datetime.combine(local.date(), time.min, tzinfo=district_zone())
    yesterday = today - timedelta(days=1)
    occurrences = Occurrence.objects.filter(
        status=Occurrence.Status.SCHEDULED, ends_at__gte=yesterday, ends_at__lt=today
    ).values_list("pk", flat=True)
    answered = FeedbackGiven.objects.filter(
        occurrence_id=OuterRef("meeting_rsvps__occurrence_id"), user_id=OuterRef("pk")
    )
    queued = 0
    for occurrence_id in occurrences:
        attendees = (
            get_user_model()
            .objects.filter(is_active=True, meeting_rsvps__occurrence_id=occurrence_id, meeting_rsvps__attended=True)
            .exclude(Exists(answered))
            .only("id", "email", "preferred_language")
        )
        for person in attendees:
            queued += mail.enqueue(
                kind="impact.feedback_request",
                to=person,
                context={
                    "occurrence_id": occurrence_id,
                    "token": feedback_token_create(occurrence_id=occurrence_id, user_id=person.pk),
                },
                dedupe_key=f"impact.feedback:{occurrence_id}",
            )
    return queued


@transaction.atomic
def feedback_submit(*, occurrence_id: int, user_id: int, rating: int, improvement: str) -> bool:
    """Record one answer. False when this person had already answered (the first answer stands).

    Deliberately not in the audit log: a log row naming the person next to the moment of the answer
    is exactly the link this design avoids. The FeedbackGiven row is the record that they answered.
    """
    if not 1 <= rating <= 5:
        raise FeedbackRefused(_("Choose a rating from 1 to 5."))
    attended = RSVP.objects.filter(occurrence_id=occurrence_id, user_id=user_id, attended=True).exists()
    if not attended:
        raise FeedbackRefused(_("Only people marked present at this meeting can give feedback on it."))
    _given, created = FeedbackGiven.objects.get_or_create(occurrence_id=occurrence_id, user_id=user_id)
    if not created:
        return False
    FeedbackAnswer.objects.create(
        occurrence_id=occurrence_id, rating=rating, improvement=improvement.strip()[:IMPROVEMENT_MAX_LENGTH]
    )
    return True


def feedback_blur_order() -> int:
    """Take from the database what links an answer to the person who gave it. Run hourly.

    An answer keeps no person, but PostgreSQL keeps the transaction id that wrote each row (xmin) and the
    row's place in the table file: the FeedbackGiven row naming the person and their answer were written
    together, so a dump could pair them. Rewriting every row of both tables in one transaction gives them
    all one transaction id; CLUSTER on the random UUID key then puts the answers in an order unrelated to
    arrival (as comments.services.comment_blur_order does for comments). Returns the answers rewritten.
    """
    answers = connection.ops.quote_name(FeedbackAnswer._meta.db_table)
    given = connection.ops.quote_name(FeedbackGiven._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {answers} SET rating = rating")  # noqa: S608 # nosec B608 - table names only
        rewritten = cursor.rowcount
        cursor.execute(f"UPDATE {given} SET user_id = user_id")  # noqa: S608 # nosec B608 - table names only
    # After the commit, so the old row versions are dead to all and not copied.
    pkey = connection.ops.quote_name(f"{FeedbackAnswer._meta.db_table}_pkey")
    with connection.cursor() as cursor:
        cursor.execute(f"CLUSTER {answers} USING {pkey}")
    return rewritten


class NotPublishable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def reply_publish(*, comment: Comment, plan_items: Iterable[ActionItem], by: User) -> PublishedReply:
    """Show a comment and its reply on "You said, we did", next to the plan items it led to."""
    from belong.models import AuditLog

    if not comment.publish_consent:
        raise NotPublishable(_("The writer did not agree to this comment being quoted."))
    if not comment.reply.strip():
        raise NotPublishable(_("Reply to the comment before publishing it."))
    entry, _created = PublishedReply.objects.get_or_create(
        comment=comment, defaults={"published_on": timezone.localdate(), "published_by": by}
    )
    entry.plan_items.set(plan_items)
    AuditLog.objects.create(
        actor=by,
        action="impact.reply_published",
        object_type="comment",
        object_id=str(comment.pk),
        detail={"plan_items": sorted(item.pk for item in plan_items)},
    )
    return entry


@transaction.atomic
def reply_unpublish(*, entry: PublishedReply, by: User) -> None:
    from belong.models import AuditLog

    AuditLog.objects.create(
        actor=by, action="impact.reply_unpublished", object_type="comment", object_id=str(entry.comment_id)
    )
    entry.delete()
