from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from .branding import validate_primary_color


class SiteSettings(models.Model):
    """The district's own words for the footer and e-mails, editable in the admin (a single row)."""

    district_name = models.CharField(_("district name"), max_length=200, default="Riverside Unified School District")
    non_discrimination_statement = models.TextField(
        _("non-discrimination statement"),
        default=(
            "The district does not exclude anyone from any district-sponsored activity on the basis of "
            "race, color, sex, gender identity, religion, national origin, sexual orientation, "
            "disability or age. Every Belong group is open to all staff."
        ),
    )
    contact_email = models.EmailField(_("contact e-mail"), default="belong@district.example")
    contact_name = models.CharField(
        _("contact name"), max_length=200, default="Office of Equity, Inclusion and Belonging"
    )
    # Branding (belong/branding.py): white text sits on the primary colour, so it must contrast 4.5:1.
    primary_color = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#2b3a67",
        validators=[validate_primary_color],
        help_text=_(
            "The header's colour, as # and six hexadecimal digits. White text is shown on it, so it must "
            "have a contrast of at least 4.5:1 with white."
        ),
    )
    # The logo's bytes; left out of the cached row (current()) and served by belong.views.logo.
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_content_type = models.CharField(max_length=40, blank=True, editable=False)
    logo_digest = models.CharField(max_length=16, blank=True, editable=False)

    CACHE_KEY = "site-settings:v2"  # v2: with the branding fields

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> SiteSettings:
        return cls._loaded(cache.get(cls.CACHE_KEY))

    @classmethod
    def current_with(cls, keys: list[str]) -> tuple[SiteSettings, dict[str, Any]]:
        """The settings and whatever the cache holds at `keys`, in one round trip: for a page that reads both
        on every view (the comment form and its open topics)."""
        found = cache.get_many([cls.CACHE_KEY, *keys])
        return cls._loaded(found.pop(cls.CACHE_KEY, None)), found

    @classmethod
    def _loaded(cls, cached: SiteSettings | None) -> SiteSettings:
        if cached is None:
            # Without the logo's bytes: every page reads this row, only the logo view needs them.
            cached = cls.objects.defer("logo").filter(pk=1).first()
            if cached is None:
                cls.objects.get_or_create(pk=1)
                cached = cls.objects.defer("logo").get(pk=1)
            cache.set(cls.CACHE_KEY, cached, 300)
        return cached

    @property
    def branding_version(self) -> str:
        """Changes whenever the colour or the logo does: the stylesheet's and the logo's URLs carry it, so
        browsers and page caches pick up a new brand at once."""
        return f"{self.primary_color.lstrip('#')}{self.logo_digest}"


class OutboxMessage(models.Model):
    """One e-mail to one recipient, written in the transaction that causes it.

    A Celery task delivers it after commit; the beat sweeper re-queues rows left pending.
    `kind` names a renderer registered in `belong.mail` that turns `context` (IDs and plain values)
    into the message at delivery time, in the recipient's language.

    Every time on a row is the database's clock (STATEMENT_TIMESTAMP()), never a worker's: a worker whose
    clock runs ahead would otherwise find retries and resends due before they are.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (recipient opted out)")
        # The server took the whole message but its answer never came (timeout, connection lost):
        # possibly delivered, so it is resent at most once, after OUTBOX_UNCERTAIN_RESEND_SECONDS.
        UNCERTAIN = "uncertain", _("Possibly delivered (no answer from the server)")
        # Sent, then a bounce (DSN or the relay's webhook) said it was never delivered.
        BOUNCED = "bounced", _("Bounced")
        SUPPRESSED = "suppressed", _("Not sent (address on the suppression list)")

    created_at = models.DateTimeField(db_default=Now())
    batch = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=80)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_email = models.EmailField()
    language = models.CharField(max_length=10, default="en")
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The server's reply code for the last failure (550, 421…), when it answered at all.
    reply_code = models.PositiveSmallIntegerField(null=True, blank=True)
    uncertain_at = models.DateTimeField(null=True, blank=True)
    # Times sent again after an attempt that was possibly delivered: 0 or 1.
    resends = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("outbox message")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["uncertain_at"],
                name="outbox_uncertain_idx",
                condition=models.Q(status="uncertain", resends=0),
            ),
            # The director's delivery page counts by state and lists the latest failures.
            models.Index(fields=["status", "id"], name="outbox_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


class SuppressedAddress(models.Model):
    """An address the outbox no longer sends to: the server refused it for good, or a bounce said so.

    Keyed by the lower-cased address, not the person: once someone's address changes, mail flows again.
    An administrator clears an entry (belong.delivery.suppression_clear, audit-logged) when the mailbox
    is fixed.
    """

    class Source(models.TextChoices):
        SMTP = "smtp", _("Refused by the mail server")
        BOUNCE = "bounce", _("Bounce message")
        WEBHOOK = "webhook", _("Reported by the mail relay")

    email = models.EmailField(_("address"), unique=True)
    reason = models.TextField(_("reason"))
    reply_code = models.CharField(_("status code"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("since"), db_default=Now())
    # The message that failed, when known (its context is never shown).
    message = models.ForeignKey(OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.email


class AuditLog(models.Model):
    """Who looked at or exported sensitive data, when and why."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object ID"), max_length=80, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
