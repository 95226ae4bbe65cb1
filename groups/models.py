from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import ADMINISTRATOR_ROLES, JobRole, School

# Paths under /groups/ that are pages, not groups.
RESERVED_SLUGS = frozenset({"propose", "overview", "new", "admin", "me", "public"})

SEARCH_CONFIG = "english"


def search_vector() -> SearchVector:
    """The full-text document of a group; the GIN index below is built on this exact expression.

    It reads the district language's columns (`name_en`, …: django-modeltranslation, groups/translation.py),
    the words every group has; selectors.search adds a plain match on the reader's language.
    """
    lang = settings.LANGUAGE_CODE.replace("-", "_")
    return SearchVector(f"name_{lang}", f"summary_{lang}", f"description_{lang}", config=SEARCH_CONFIG)


class GroupQuerySet(models.QuerySet):
    def listed(self):
        return self.exclude(status=Group.Status.ARCHIVED)

    def joinable_by(self, user):
        """Groups `user` could join or ask to join now: the SQL twin of `eligibility.check`."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        qs = self.listed().exclude(join_policy=Group.JoinPolicy.INVITATION)
        if user.job_role in ADMINISTRATOR_ROLES:
            qs = qs.filter(excludes_administrators=False)
        qs = qs.filter(Q(eligible_roles=[]) | Q(eligible_roles__contains=[user.job_role or ""]))
        school_rule = Group.eligible_schools.through.objects.filter(group_id=OuterRef("pk"))
        qs = qs.filter(~Exists(school_rule) | Exists(school_rule.filter(school_id=user.school_id)))
        return qs.exclude(Exists(Membership.objects.filter(group_id=OuterRef("pk"), user_id=user.pk)))

    def of_member(self, user):
        return self.filter(Exists(Membership.objects.filter(group_id=OuterRef("pk"), user_id=user.pk)))

    def with_eligible_school_ids(self):
        """Each group's school rule as `eligible_school_ids` (empty: every school), read in the group's
        own query: `eligibility.check` then needs no prefetch of the schools, and loads their names only
        to explain a refusal."""
        from django.contrib.postgres.expressions import ArraySubquery

        rule = Group.eligible_schools.through.objects.filter(group_id=OuterRef("pk")).values("school_id")
        return self.annotate(eligible_school_ids=ArraySubquery(rule))


class GroupColour(models.TextChoices):
    """A small fixed palette a lead picks from so cards are recognisable at a glance.

    Every colour carries white text at 4.5:1 or more (WCAG 1.4.3); tests/groups/test_colour.py checks it.
    """

    INDIGO = "indigo", _("Indigo")
    TEAL = "teal", _("Teal")
    FOREST = "forest", _("Forest green")
    PLUM = "plum", _("Plum")
    BERRY = "berry", _("Berry")
    RUST = "rust", _("Rust")
    SLATE = "slate", _("Slate")
    OCEAN = "ocean", _("Ocean blue")


# The hex value of each colour; the stylesheet (static/css/groups.css) uses the same values.
GROUP_COLOUR_HEX = {
    GroupColour.INDIGO: "#3b3f8f",
    GroupColour.TEAL: "#0f6b6b",
    GroupColour.FOREST: "#2e6b34",
    GroupColour.PLUM: "#6d3a78",
    GroupColour.BERRY: "#a4284f",
    GroupColour.RUST: "#a3441c",
    GroupColour.SLATE: "#48546a",
    GroupColour.OCEAN: "#1c5fa8",
}


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
    colour = models.CharField(
        _("colour"),
        max_length=12,
        choices=GroupColour.choices,
        default=GroupColour.INDIGO,
        help_text=_("Shown on the group's card and page so people recognise it."),
    )
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

    # Active memberships, kept by a PostgreSQL trigger on groups_membership (migration 0004), so every
    # write path (services, the admin's inline, a shell) keeps it right and the directory never counts a
    # million rows. Never written by Django after insert: see save().
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)

    # Moves whenever anything the group's card or page shows changes (its row, schools, memberships,
    # members' names, meetings): PostgreSQL triggers assign it (migration 0010, meetings 0004), and pages
    # rendered once for many viewers are keyed by it. Never written by Django: see save().
    content_version = models.BigIntegerField(editable=False, db_default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["member_count", "content_version"])

    objects = GroupQuerySet.as_manager()

    # Not a column: groups.access keeps the viewers' memberships here for the life of this instance.
    _viewer_memberships: dict[int, Membership | None]
    # Not a column: the schools' ids, when the group's query carried them (with_eligible_school_ids, or
    # groups.access's own statement); eligibility.rules_of reads the schools otherwise.
    eligible_school_ids: list[int]

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        indexes = [GinIndex(search_vector(), name="group_search_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # An instance read before a join would otherwise write its stale count back over the trigger's.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in ("member_count", "content_version")
            ]
        fields = kwargs.get("update_fields")
        becomes_confidential = (
            not self._state.adding
            and self.is_confidential
            and getattr(self, "_loaded_confidential", True) is False
            and (fields is None or "is_confidential" in fields)
        )
        if not becomes_confidential:
            super().save(*args, **kwargs)
            self._loaded_confidential = self.is_confidential
            return
        with transaction.atomic():
            # A join holds a KEY SHARE lock on the group's row until it commits and inserts its membership
            # hidden or not by what it read under that lock (groups.services._join). FOR UPDATE waits for
            # the joins in flight, whose memberships the update below then sees, and makes later ones wait
            # for this commit and read the new setting. group_set_confidential has taken it already.
            list(Group.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
            super().save(*args, **kwargs)
            self._loaded_confidential = self.is_confidential
            # However the flag was switched on (the service, a history revert, a shell), everyone on the
            # roster is hidden from then on, so switching it off later exposes no one.
            Membership.objects.filter(group=self, hidden=False).update(hidden=True)

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._loaded_confidential = instance.__dict__.get("is_confidential")
        return instance

    @property
    def eligible_role_labels(self) -> list[str]:
        return [str(JobRole(role).label) for role in self.eligible_roles if role in JobRole.values]

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This web address is used by another page; choose another.")})


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
    # The person's own consent, recorded when they join: a membership made while the group is confidential
    # is hidden from everyone but the group's leads (and the person), whatever later happens to the group's
    # setting, until the person chooses otherwise (services.membership_set_hidden).
    hidden = models.BooleanField(
        _("hidden from everyone but the leads"),
        default=False,
        db_default=False,
        help_text=_("Only the group's leads see this person on the roster and in exports."),
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
        indexes = [
            models.Index(fields=["group", "status", "role"], name="membership_roster_idx"),
            # The roster's queues (requests, invitations) read the oldest 25 of a status without sorting them all.
            models.Index(fields=["group", "status", "created_at", "id"], name="membership_queue_idx"),
            models.Index(
                fields=["group"], condition=Q(eligibility_flagged_at__isnull=False), name="membership_flagged_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"

    def save(self, *args, **kwargs) -> None:
        # Whoever creates the row (a service, the admin, a shell), joining a confidential group is joining
        # hidden: the consent is taken from the group's setting at that moment and then kept on the row.
        if self._state.adding and self.group.is_confidential:
            self.hidden = True
        super().save(*args, **kwargs)

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD and self.status == self.Status.ACTIVE


class MembershipEvent(models.Model):
    """+1 when someone becomes an active member, -1 when an active member leaves.

    Holds no person, so the director's growth chart is an aggregate by construction.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    change = models.SmallIntegerField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("membership change")
        constraints = [models.CheckConstraint(condition=Q(change__in=[1, -1]), name="membership_event_unit_change")]

    def __str__(self) -> str:
        return f"{self.change:+d} {self.group_id} {self.at:%Y-%m-%d}"


class GroupProposal(models.Model):
    """'Have an idea for a group that isn't here?': a staff member's proposal, decided by the director."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_proposals",
        verbose_name=_("proposed by"),
    )
    name = models.CharField(_("group name"), max_length=120)
    purpose = models.TextField(_("purpose"), max_length=4000)
    audience = models.TextField(_("who it is for"), max_length=2000, blank=True)
    would_lead = models.BooleanField(_("would lead it"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decision_message = models.TextField(_("message to the proposer"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    group = models.OneToOneField(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
        verbose_name=_("group created"),
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("group proposal")
        verbose_name_plural = _("group proposals")

    def __str__(self) -> str:
        return self.name
