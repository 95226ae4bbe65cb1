"""Group budgets: a funding cycle, each group's allocation, its funding requests and its expenses.

Money is whole cents in integer columns (never float); the currency is the district's (FUNDING_CURRENCY).
Every row keeps its history (django-simple-history), so a changed allocation or a decision shows who and when.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def receipts_storage():
    """Receipts live in their own storage (STORAGES["funding_receipts"]): a private root, or S3 by environment."""
    from .storage import receipts

    return receipts


def receipt_path(instance, filename: str) -> str:
    # A random name: the person's own file name can carry names (an attendee list, a vendor's invoice title).
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        getattr(instance, "receipt_content_type", ""), "bin"
    )
    return f"receipts/{secrets.token_hex(16)}.{extension}"


class Category(models.TextChoices):
    FOOD = "food", _("Food for a meeting")
    SPEAKER = "speaker", _("Guest speaker's honorarium")
    MATERIALS = "materials", _("Materials and books")
    STIPEND = "stipend", _("Leads' stipends")
    EVENT = "event", _("Event costs (room, transport, admission)")
    OTHER = "other", _("Other")


class Cycle(models.Model):
    """A budget period, by default the district's fiscal year (July 1 to June 30)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    total_cents = models.PositiveBigIntegerField(_("program budget (cents)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("funding cycle")
        verbose_name_plural = _("funding cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="funding_cycle_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding:cycle", args=[self.pk])


class Allocation(models.Model):
    """What the director set aside for one group in one cycle. No row: no allocation."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="allocations")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="allocations")
    amount_cents = models.PositiveBigIntegerField(_("amount (cents)"))
    reason = models.CharField(_("reason for the last change"), max_length=300, blank=True)
    # The leads' choice: members see the group's totals (never the expenses' details).
    totals_visible_to_members = models.BooleanField(_("members see the totals"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [models.UniqueConstraint(fields=["cycle", "group"], name="one_allocation_per_group_per_cycle")]

    def __str__(self) -> str:
        return f"{self.group} · {self.cycle}"


class FundingRequest(models.Model):
    """A lead's request for funds; the director approves it (in full or in part) or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        PARTLY_APPROVED = "partly_approved", _("Partly approved")
        DECLINED = "declined", _("Declined")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="requests")
    group = models.ForeignKey("groups.Group", on_delete=models.PROTECT, related_name="funding_requests")
    amount_cents = models.PositiveBigIntegerField(_("amount requested (cents)"))
    purpose = models.TextField(_("purpose"), max_length=2000)
    planned_on = models.DateField(_("planned date"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("meeting"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    approved_cents = models.PositiveBigIntegerField(_("amount approved (cents)"), default=0)
    decision_message = models.TextField(_("message to the leads"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("funding request")
        verbose_name_plural = _("funding requests")
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="funding_request_positive"),
            models.CheckConstraint(
                condition=Q(approved_cents__lte=models.F("amount_cents")), name="funding_request_approved_within_ask"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "group", "status"], name="funding_request_cycle_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"FR-{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.PARTLY_APPROVED)


class Expense(models.Model):
    """Money spent by a group. Within an approved request's remainder it is recorded at once; beyond it, it
    waits for the director. Deleting one only marks it deleted: the audit trail keeps it."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded against an approval")
        AWAITING = "awaiting", _("Waiting for the director's approval")
        APPROVED = "approved", _("Approved by the director")
        DECLINED = "declined", _("Declined")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="expenses")
    group = models.ForeignKey("groups.Group", on_delete=models.PROTECT, related_name="expenses")
    request = models.ForeignKey(
        FundingRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expenses",
        verbose_name=_("approved request it draws on"),
    )
    spent_on = models.DateField(_("date"))
    amount_cents = models.PositiveBigIntegerField(_("amount (cents)"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    vendor = models.CharField(_("vendor"), max_length=200)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("meeting"),
    )
    receipt = models.FileField(
        _("receipt"), storage=receipts_storage, upload_to=receipt_path, blank=True, max_length=200
    )
    receipt_content_type = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    decision_message = models.TextField(_("message to the leads"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    SPENT = (Status.RECORDED, Status.APPROVED)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="funding_expense_positive")]
        indexes = [
            models.Index(fields=["cycle", "group", "status"], name="funding_expense_cycle_idx"),
            models.Index(fields=["request", "status"], name="funding_expense_request_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"EX-{self.pk}"

    @property
    def approval_reference(self) -> str:
        """What authorised the spending: the request it drew on, or the director's own approval of it."""
        if self.status == self.Status.RECORDED and self.request_id:
            return f"FR-{self.request_id}"
        if self.status == self.Status.APPROVED:
            return f"EX-{self.pk}"
        return ""
