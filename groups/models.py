from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import JobRole, School


class Group(models.Model):
    """A Belong group (affinity group / employee resource group).

    Eligibility is by job role and site only, never by a protected trait: identity groups are
    joined by self-identification and welcome everyone.
    """

    class Focus(models.TextChoices):
        COMMUNITY = "community", _("Conversation and community")
        STUDY = "study", _("Collective study")
        ACTION = "action", _("Action")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FORMING = "forming", _("Forming (coming this year)")
        ARCHIVED = "archived", _("Archived")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Anyone eligible joins at once")
        APPROVAL = "approval", _("A lead approves each request")
        INVITATION = "invitation", _("By invitation from a lead only")

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    summary = models.CharField(_("one-line summary"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    goals = ArrayField(models.CharField(max_length=300), default=list, blank=True, verbose_name=_("goals"))
    audience = models.TextField(
        _("who it is for"),
        blank=True,
        help_text=_('For example: "While this group is for those who identify as white, all staff are welcome."'),
    )
    focus = models.CharField(_("focus"), max_length=20, choices=Focus.choices, default=Focus.COMMUNITY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    charter = models.TextField(_("charter"), blank=True)
    charter_adopted_on = models.DateField(_("charter adopted on"), null=True, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    # Eligibility rules, composed per group. Empty lists mean "any".
    join_policy = models.CharField(
        _("how people join"), max_length=20, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    excludes_administrators = models.BooleanField(_("not open to administrators"), default=False)
    eligible_roles = ArrayField(
        models.CharField(max_length=40, choices=JobRole.choices),
        default=list,
        blank=True,
        verbose_name=_("only these job roles"),
    )
    eligible_schools = models.ManyToManyField(
        School, blank=True, related_name="+", verbose_name=_("only these schools or sites")
    )

    # Privacy.
    is_confidential = models.BooleanField(
        _("confidential membership"),
        default=False,
        help_text=_("Only the group's leads see the roster; others see counts, not names."),
    )
    neutral_email_subjects = models.BooleanField(
        _("neutral e-mail subject lines"),
        default=False,
        help_text=_("E-mail subjects say 'A message from Belong' instead of naming the group."),
    )
    public_schedule = models.BooleanField(
        _("meeting schedule is public"),
        default=False,
        help_text=_("Meeting dates, times and places can be seen without signing in."),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEAD = "lead", _("Lead")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Member")
        PENDING = "pending", _("Waiting for a lead's approval")
        INVITED = "invited", _("Invited")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    visible_to_members = models.BooleanField(
        _("show me on the member list"),
        default=False,
        help_text=_("Other members can see your name on the group's member list."),
    )
    request_message = models.TextField(_("message to the leads"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    # Set when an HR import changes the person's role or site so that they no longer qualify.
    # The membership is kept; the leads decide.
    eligibility_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_person_per_group"),
        ]
        indexes = [models.Index(fields=["group", "status", "role"], name="membership_roster_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD and self.status == self.Status.ACTIVE
