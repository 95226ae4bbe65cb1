"""What the district's identity systems need stored: SCIM tokens, the SCIM view of each person, job titles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import JobRole


class ScimScope(models.TextChoices):
    READ = "users:read", _("Read staff")
    WRITE = "users:write", _("Create, change and deactivate staff")


class ScimToken(models.Model):
    """A bearer token an identity provider (Entra ID, Okta…) presents. Only its SHA-256 is kept."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it, e.g. “Entra ID production”."))
    # The first characters, so a superuser can tell tokens apart without the secret.
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = ArrayField(
        models.CharField(max_length=20, choices=ScimScope.choices), default=list, verbose_name=_("scopes")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes


class ScimIdentity(models.Model):
    """How the identity provider knows a person: its userName, externalId and the last document it sent.

    The document is kept so attributes Belong has no column for (phone numbers, manager…) read back
    as they were written, which RFC 7643 expects; passwords are never kept.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim")
    user_name = models.CharField(_("userName"), max_length=300)
    external_id = models.CharField(_("externalId"), max_length=300, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A SCIM DELETE hides the person from SCIM and deactivates them; their data stays.
    removed_at = models.DateTimeField(_("removed by the identity provider"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM identity")
        verbose_name_plural = _("SCIM identities")
        constraints = [
            models.UniqueConstraint(
                Lower("user_name"), condition=models.Q(removed_at__isnull=True), name="scim_user_name_ci_unique"
            ),
        ]
        indexes = [models.Index(fields=["external_id"], name="scim_external_id_idx")]

    def __str__(self) -> str:
        return self.user_name


class JobTitleMapping(models.Model):
    """The district's job titles (SCIM `title`, OneRoster roles) and the job role each one means."""

    title = models.CharField(_("job title"), max_length=200)
    job_role = models.CharField(_("job role"), max_length=40, choices=JobRole.choices)

    class Meta:
        ordering = ["title"]
        verbose_name = _("job title mapping")
        verbose_name_plural = _("job title mappings")
        constraints = [models.UniqueConstraint(Lower("title"), name="job_title_mapping_ci_unique")]

    def __str__(self) -> str:
        return f"{self.title} → {self.get_job_role_display()}"
