"""Evidence of what the groups did: feedback after meetings and the district's certificate wording.

Feedback is anonymous by construction. Whether a person answered (`FeedbackGiven`, so nobody answers twice
and nobody is asked again) and what was answered (`FeedbackAnswer`) are two tables with nothing in common
but the meeting date: an answer has no user, no time and a random key, so neither a join, an ordering nor
a timestamp pairs an answer with the person who gave it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

IMPROVEMENT_MAX_LENGTH = 2000


class FeedbackGiven(models.Model):
    """The fact that a person answered the feedback form of one meeting date (never what they said)."""

    occurrence = models.ForeignKey("meetings.Occurrence", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("feedback given")
        verbose_name_plural = _("feedback given")
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="one_feedback_per_person_per_meeting"),
        ]

    def __str__(self) -> str:
        return str(_("feedback given"))


class FeedbackAnswer(models.Model):
    """One anonymous answer: a rating and what would make the meeting better. No user, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurrence = models.ForeignKey("meetings.Occurrence", on_delete=models.CASCADE, related_name="feedback_answers")
    rating = models.PositiveSmallIntegerField(_("rating"))
    improvement = models.TextField(_("what would make it better?"), max_length=IMPROVEMENT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        # Random keys: listing by key shows answers in no particular order.
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return str(_("feedback answer"))


class CertificateSettings(models.Model):
    """The district's wording for participation records (a single row, edited in the admin)."""

    awards_credit = models.BooleanField(
        _("the district awards professional-learning credit for group meetings"), default=False
    )
    policy_text = models.TextField(
        _("professional-learning policy"),
        blank=True,
        help_text=_("Printed on every participation record, e.g. how principals may count these hours."),
    )
    signatory = models.CharField(_("signed by"), max_length=200, blank=True)

    CACHE_KEY = "impact:certificate-settings:v1"

    class Meta:
        verbose_name = _("participation record settings")
        verbose_name_plural = _("participation record settings")

    def __str__(self) -> str:
        return str(_("Participation record settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> CertificateSettings:
        cached = cache.get(cls.CACHE_KEY)
        if cached is None:
            cached, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, cached, 300)
        return cached


class PublishedReply(models.Model):
    """A reply to a public comment that the director chose to show on "You said, we did".

    Only comments whose writers ticked the consent box, and that have a reply, can be published; the text
    shown is the comment's and the reply's own, so a later edit or the comment's deletion shows through.
    """

    comment = models.OneToOneField(
        "comments.Comment", on_delete=models.CASCADE, related_name="+", verbose_name=_("comment")
    )
    plan_items = models.ManyToManyField(
        "equity_plan.ActionItem", blank=True, related_name="+", verbose_name=_("plan items it led to")
    )
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("“You said, we did” entry")
        verbose_name_plural = _("“You said, we did” entries")
        ordering = ["-published_on"]

    def __str__(self) -> str:
        return str(_("“You said, we did” entry"))
