from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EQUITY_DIRECTOR_GROUP = "Equity director"


class School(models.Model):
    """One of the district's sites: a school or an office."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school or site")
        verbose_name_plural = _("schools and sites")

    def __str__(self) -> str:
        return self.name


class JobRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    PARAEDUCATOR = "paraeducator", _("Paraeducator")
    COUNSELOR = "counselor", _("Counselor")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    NURSE = "nurse", _("Nurse")
    LIBRARIAN = "librarian", _("Librarian")
    SPECIALIST = "specialist", _("Specialist or interventionist")
    COACH = "coach", _("Instructional coach")
    OFFICE = "office", _("Office and clerical staff")
    FACILITIES = "facilities", _("Facilities and custodial staff")
    FOOD_SERVICE = "food_service", _("Food service staff")
    TRANSPORTATION = "transportation", _("Transportation staff")
    TECHNOLOGY = "technology", _("Technology staff")
    CENTRAL_OFFICE = "central_office", _("Central office staff")
    SUBSTITUTE = "substitute", _("Substitute")
    PRINCIPAL = "principal", _("Principal")
    ASSISTANT_PRINCIPAL = "assistant_principal", _("Assistant principal")
    DISTRICT_ADMINISTRATOR = "district_administrator", _("District administrator")
    SUPERINTENDENT = "superintendent", _("Superintendent or deputy")


# "Is an administrator" is derived from the job role, never typed by hand.
ADMINISTRATOR_ROLES = frozenset(
    {
        JobRole.PRINCIPAL,
        JobRole.ASSISTANT_PRINCIPAL,
        JobRole.DISTRICT_ADMINISTRATOR,
        JobRole.SUPERINTENDENT,
    }
)


class EmailCategory(models.TextChoices):
    """Kinds of e-mail a person may switch off; sign-in codes and replies they asked for are not here."""

    GROUP_UPDATES = "group_updates", _("Group membership updates")
    GROUP_MESSAGES = "group_messages", _("Messages from group leads")
    MEETINGS = "meetings", _("Meeting invitations, changes and cancellations")
    REMINDERS = "reminders", _("Meeting reminders")
    NEWS = "news", _("Welcome and news about Belong")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class User(AbstractBaseUser, PermissionsMixin):
    """A district staff member. `is_staff` keeps Django's meaning: may open the admin site."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    job_role = models.CharField(_("job role"), max_length=40, choices=JobRole.choices, blank=True)
    school = models.ForeignKey(
        School,
        verbose_name=_("school or site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can open the administration site"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set by the HR import; a full import that no longer lists someone deactivates them.
    imported_at = models.DateTimeField(_("last seen in an HR import"), null=True, blank=True)
    welcomed_at = models.DateTimeField(_("new-hire welcome sent"), null=True, blank=True)
    email_opt_outs = ArrayField(
        models.CharField(max_length=40, choices=EmailCategory.choices),
        default=list,
        blank=True,
        verbose_name=_("e-mail kinds switched off"),
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        permissions = [("import_staff", _("Can import the staff roster from HR"))]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        # Rosters list people by name: walking this index, a large group's first page is found
        # without sorting every member.
        indexes = [models.Index(fields=["full_name", "email", "id"], name="user_name_order_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.preferred_name or self.full_name.split(" ")[0] if self.full_name else self.email

    def get_job_role_display(self) -> str:
        # Django's own builds a dict of all 19 translated labels on every call; rosters call it per row.
        try:
            return str(JobRole(self.job_role).label)
        except ValueError:
            return self.job_role

    @property
    def is_administrator(self) -> bool:
        return self.job_role in ADMINISTRATOR_ROLES

    def get_session_auth_hash(self) -> str:
        # A user rebuilt from accounts.user_cache has no password hash in memory (Redis is not trusted with
        # it), only the session hash it had when cached. Use that while the password is unread; once the
        # password is loaded or set, compute it from the real one.
        cached = self.__dict__.get("_cached_session_auth_hash")
        if cached is not None and "password" not in self.__dict__:
            return cached
        return super().get_session_auth_hash()

    def has_usable_password(self) -> bool:
        # Asked by every admin page (its "Change password" link): answer from the cache entry too.
        cached = self.__dict__.get("_cached_has_usable_password")
        if cached is not None and "password" not in self.__dict__:
            return cached
        return super().has_usable_password()

    @property
    def is_equity_director(self) -> bool:
        if self.is_superuser:
            return True
        cached = getattr(self, "_is_equity_director", None)
        if cached is None:
            cached = self.groups.filter(name=EQUITY_DIRECTOR_GROUP).exists()
            self._is_equity_director = cached
        return cached

    def wants_email(self, category: str) -> bool:
        return category not in self.email_opt_outs
