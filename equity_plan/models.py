"""The equity plan: a multi-year plan, its years, nested workstreams, action items, progress and indicators."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Slugs that would collide with the fixed paths under /plan/.
RESERVED_PLAN_SLUGS = frozenset({"new"})


class Plan(models.Model):
    class Approval(models.TextChoices):
        IN_PREPARATION = "in_preparation", _("In preparation")
        PROPOSED = "proposed", _("Proposed to the school board")
        APPROVED = "approved", _("Approved by the school board")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    summary = models.TextField(_("summary"), blank=True)
    source = models.TextField(
        _("where the plan came from"),
        blank=True,
        help_text=_("For example: the recommendations of the university equity study."),
    )
    approval_status = models.CharField(
        _("approval"), max_length=20, choices=Approval.choices, default=Approval.IN_PREPARATION
    )
    approved_on = models.DateField(_("approved by the board on"), null=True, blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Published plans can be read by everyone without signing in.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Owned by database triggers (migration 0004): any insert, update or delete of the plan or of its
    # years, workstreams, items, progress updates, indicators or measurements gives the plan the next
    # number of a global sequence, so (plan id, content_version) never names two different contents.
    # Whatever the ORM writes here is overwritten; it keys the cached overview (see selectors.py).
    content_version = models.BigIntegerField(editable=False, db_default=0)
    history = HistoricalRecords(excluded_fields=["content_version"])

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        permissions = [("edit_plan", _("Can build and update equity plans in the portal"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="plan_end_year_not_before_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("equity_plan:plan", args=[self.slug])

    @property
    def period_start(self) -> date:
        return date(self.start_year, 1, 1)

    @property
    def period_end(self) -> date:
        return date(self.end_year, 12, 31)

    def contains(self, day: date) -> bool:
        return self.period_start <= day <= self.period_end

    def clean(self):
        errors = {}
        if self.slug in RESERVED_PLAN_SLUGS:
            errors["slug"] = _("This web address is reserved; choose another.")
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The last year cannot be before the first year.")
        if self.approval_status == self.Approval.APPROVED and not self.approved_on:
            errors["approved_on"] = _("Give the date the school board approved the plan.")
        if self.approved_on and self.approval_status != self.Approval.APPROVED:
            errors["approved_on"] = _("Only an approved plan has a board approval date.")
        if errors:
            raise ValidationError(errors)


def _check_in_plan(plan: Plan, day: date | None, field: str, errors: dict) -> None:
    if day and plan.start_year and plan.end_year and not plan.contains(day):
        errors[field] = _("Choose a date within the plan period (%(start)s to %(end)s).") % {
            "start": plan.period_start.isoformat(),
            "end": plan.period_end.isoformat(),
        }


class PlanYear(models.Model):
    """A year or phase of the plan, e.g. Year One: Laying the Groundwork."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="years", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    theme = models.TextField(_("focus"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_year_number_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="plan_year_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return _("Year %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def clean(self):
        errors: dict = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The year cannot end before it starts.")
        if self.plan_id:
            _check_in_plan(self.plan, self.starts_on, "starts_on", errors)
            _check_in_plan(self.plan, self.ends_on, "ends_on", errors)
        if errors:
            raise ValidationError(errors)


class Workstream(models.Model):
    """A panel, objective, strategic initiative or policy area; workstreams nest (Objective 1 → 1.3)."""

    class Kind(models.TextChoices):
        PANEL = "panel", _("Panel")
        OBJECTIVE = "objective", _("Objective")
        INITIATIVE = "initiative", _("Strategic initiative")
        POLICY_AREA = "policy_area", _("Policy area")
        GOAL = "goal", _("Goal")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams", verbose_name=_("plan"))
    year = models.ForeignKey(
        PlanYear,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workstreams",
        verbose_name=_("year"),
        help_text=_("Leave empty for work that spans the whole plan."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GOAL)
    code = models.CharField(_("code"), max_length=20, blank=True, help_text=_('For example "1.3".'))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How much this counts towards the progress of what it belongs to."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code", "id"]
        verbose_name = _("workstream")
        verbose_name_plural = _("workstreams")
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="workstream_not_own_parent"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="workstream_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("equity_plan:workstream", args=[self.plan.slug, self.pk])

    def clean(self):
        errors: dict = {}
        if self.year_id and self.plan_id and self.year.plan_id != self.plan_id:
            errors["year"] = _("Choose a year of this plan.")
        if self.parent_id:
            parent = self.parent
            if self.plan_id and parent.plan_id != self.plan_id:
                errors["parent"] = _("Choose a workstream of this plan.")
            elif self.pk and parent_would_cycle(self, parent):
                errors["parent"] = _("A workstream cannot be placed under itself or under one of its own parts.")
        if errors:
            raise ValidationError(errors)

    @property
    def kind_badge(self) -> str:
        """The kind to show beside the title, or "" when the title already ends with it: "Mission Statement
        Panel" with a "Panel" badge reads "Panel Panel" to a screen reader."""
        kind = str(self.get_kind_display())
        return "" if self.title.strip().casefold().endswith(kind.casefold()) else kind


def parent_would_cycle(workstream: Workstream, parent: Workstream | None) -> bool:
    """True when `parent` is the workstream itself or one of its descendants."""
    seen: set[int] = set()
    node = parent
    while node is not None:
        if node.pk == workstream.pk or node.pk in seen:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


class ActionItem(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        AT_RISK = "at_risk", _("At risk")
        COMPLETE = "complete", _("Complete")
        DEFERRED = "deferred", _("Deferred")

    workstream = models.ForeignKey(
        Workstream, on_delete=models.CASCADE, related_name="items", verbose_name=_("workstream")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("owner (staff member)"),
    )
    owner_body = models.CharField(
        _("owner (a named body)"), max_length=200, blank=True, help_text=_('For example "Code of Conduct Panel".')
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How much this item counts towards its workstream's progress."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    groups = models.ManyToManyField(
        "groups.Group", blank=True, related_name="plan_items", verbose_name=_("related groups")
    )
    meetings = models.ManyToManyField(
        "meetings.Meeting", blank=True, related_name="plan_items", verbose_name=_("related meetings")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__gte=0, percent_complete__lte=100),
                name="action_item_percent_0_100",
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="action_item_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("equity_plan:item", args=[self.workstream.plan.slug, self.pk])

    @property
    def owner_label(self) -> str:
        if self.owner_id and self.owner_body:
            return f"{self.owner.display_name} ({self.owner_body})"
        if self.owner_id:
            return self.owner.display_name
        return self.owner_body

    def clean(self):
        errors: dict = {}
        if self.workstream_id:
            _check_in_plan(self.workstream.plan, self.due_on, "due_on", errors)
        if self.status == self.Status.COMPLETE and self.percent_complete != 100:
            errors["percent_complete"] = _(
                "A complete item is fully done: set the percentage to 100 or choose another status."
            )
        if errors:
            raise ValidationError(errors)


class ProgressUpdate(models.Model):
    """A dated report on an action item; posting one moves the item to the new status and percent."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates", verbose_name=_("item"))
    reported_on = models.DateField(_("date"))
    text = models.TextField(_("what happened"))
    new_status = models.CharField(_("new status"), max_length=20, choices=ActionItem.Status.choices)
    new_percent = models.PositiveSmallIntegerField(
        _("new percent complete"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_percent__gte=0, new_percent__lte=100), name="progress_update_percent_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reported_on}: {self.item_id}"

    def clean(self):
        if self.new_status == ActionItem.Status.COMPLETE and self.new_percent not in (None, 100):
            raise ValidationError(
                {"new_percent": _("A complete item is fully done: set the percentage to 100 or choose another status.")}
            )


class Indicator(models.Model):
    """A measurable target on a workstream, e.g. the share of students in extracurricular programs."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    workstream = models.ForeignKey(
        Workstream, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("workstream")
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_('For example "%" or "referrals".'))
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    baseline_on = models.DateField(_("baseline measured on"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["workstream", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors: dict = {}
        if self.baseline is not None and self.target is not None:
            if self.direction == self.Direction.INCREASE and self.target < self.baseline:
                errors["direction"] = _("The target is below the baseline, so lower is better: choose that direction.")
            if self.direction == self.Direction.DECREASE and self.target > self.baseline:
                errors["direction"] = _("The target is above the baseline, so higher is better: choose that direction.")
        if errors:
            raise ValidationError(errors)


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "measured_on"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measured_on"], name="measurement_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"
