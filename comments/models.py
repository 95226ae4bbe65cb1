"""Anonymous public comments.

Anonymity is a property of the schema: a comment row has no user, address, user agent, session key or
exact time to fill in. It carries a UUID (so its key reveals nothing about order or volume), the date
only, and a number for "newest first" that orders days but not the comments within a day (see
`day_number`), so nobody can date a comment by its place between comments whose time they know. The
writer's identity exists only when they chose to disclose it, and a database constraint keeps the
identity columns empty otherwise.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

BODY_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 200
COMMENT_SEQUENCE = "comments_comment_sequence_seq"
DAY_NUMBER_SCALE = 1_000_000


def day_number(day: date) -> int:
    """A comment number for a comment sent on `day`: YYYYMMDD then six random digits.

    A database sequence would record the order of arrival, and with it the time of a comment to within
    the gap between its neighbours whose time someone knows (their own test comments, say). These
    numbers sort by day, which the row already holds, and say nothing within it. A clash (two comments
    drawing the same digits on one day) fails the unique constraint and the caller draws again.
    """
    return int(day.strftime("%Y%m%d")) * DAY_NUMBER_SCALE + secrets.randbelow(DAY_NUMBER_SCALE)


class NextValue(models.Func):
    """`nextval('<sequence>')`: a number from a PostgreSQL sequence, assigned by the database."""

    function = "nextval"
    output_field = models.BigIntegerField()

    def __init__(self, sequence: str, **extra):
        super().__init__(models.Value(sequence), **extra)


class Topic(models.Model):
    """What people may comment on, managed by the equity director."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open for comments"), default=True)
    legal_hold = models.BooleanField(
        _("legal hold"), default=False, help_text=_("While set, no comment on this topic is deleted.")
    )
    position = models.PositiveSmallIntegerField(_("position in the list"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("comment topic")
        verbose_name_plural = _("comment topics")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """The director's own labels for sorting comments."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    workstream = models.ForeignKey(
        "equity_plan.Workstream",
        verbose_name=_("equity plan workstream"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comment_tags",
        help_text=_("Link this tag to the part of the equity plan it is about."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent or caregiver")
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff member")
    COMMUNITY = "community", _("Community member")


class Comment(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in_review", _("In review")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Orders the list newest first without recording when anything happened: comments sent through the
    # form get a `day_number` (the day, then a random part); rows made otherwise (demo, bench) the sequence.
    sequence = models.BigIntegerField(_("number"), db_default=NextValue(COMMENT_SEQUENCE), unique=True, editable=False)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(_("comment"), max_length=BODY_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    submitted_on = models.DateField(_("sent on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    status_changed_on = models.DateField(_("status changed on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    identity_disclosed = models.BooleanField(_("identity disclosed"), default=False)
    disclosed_name = models.CharField(_("name (disclosed)"), max_length=NAME_MAX_LENGTH, blank=True)
    disclosed_email = models.EmailField(_("e-mail (disclosed)"), blank=True)
    disclosed_relationship = models.CharField(
        _("relationship (disclosed)"), max_length=20, choices=Relationship.choices, blank=True
    )

    # The writer's consent, ticked on the form, to the district quoting this comment on "You said, we did".
    publish_consent = models.BooleanField(_("may be quoted publicly"), default=False, db_default=False)

    reply = models.TextField(
        _("public reply"),
        blank=True,
        help_text=_("Shown to the writer on the receipt page, and e-mailed to them if they gave an address."),
    )
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="comments")
    legal_hold = models.BooleanField(
        _("legal hold"), default=False, help_text=_("While set, this comment is not deleted.")
    )
    # HMAC-SHA256 of the receipt code under a key derived from SECRET_KEY; the code itself is never stored.
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        permissions = [("review_comment", _("Can review public comments"))]
        indexes = [
            # The admin list filters by one of these and orders by -sequence.
            models.Index(fields=["status", "-sequence"], name="comment_status_seq_idx"),
            models.Index(fields=["topic", "-sequence"], name="comment_topic_seq_idx"),
            models.Index(fields=["language", "-sequence"], name="comment_language_seq_idx"),
            models.Index(fields=["identity_disclosed", "-sequence"], name="comment_disclosed_seq_idx"),
            models.Index(fields=["closed_on"], name="comment_closed_on_idx", condition=Q(status="closed")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(identity_disclosed=True)
                | Q(disclosed_name="", disclosed_email="", disclosed_relationship=""),
                name="comment_identity_only_when_disclosed",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="comment_closed_on_only_when_closed",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}" if isinstance(self.sequence, int) else str(_("New comment"))

    @property
    def number(self) -> str:
        """The number reviewers quote: 20261205-004217 for a day number, the plain number otherwise."""
        if isinstance(self.sequence, int) and self.sequence >= 10_000_000 * DAY_NUMBER_SCALE:
            return f"{self.sequence // DAY_NUMBER_SCALE}-{self.sequence % DAY_NUMBER_SCALE:06d}"
        return str(self.sequence)

    @property
    def is_held(self) -> bool:
        return self.legal_hold or self.topic.legal_hold


class CommentNote(models.Model):
    """The reviewers' internal notes on a comment; never shown to the writer."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(_("note"))
    author_name = models.CharField(_("written by"), max_length=200, blank=True, editable=False)
    written_on = models.DateField(_("written on"), editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return self.body[:60]
