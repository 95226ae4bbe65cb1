"""Who may join a group: one pure function composing the group's role- and site-based rules.

A group is never limited by race, gender, religion, orientation or any other protected trait;
identity groups are joined by self-identification and welcome all staff. The only inputs are the
person's account status, job role and school, and the group's own settings.

`check` reads the group's school rule from `eligible_school_ids` when the group was loaded
`with_eligible_school_ids()`, else from `group.eligible_schools.all()`: prefetch it when checking many groups.
`GroupQuerySet.joinable_by` is the SQL twin used for the "groups I can join" filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import JobRole


class Outcome(StrEnum):
    JOIN = "join"
    REQUEST = "request"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str

    @property
    def allowed(self) -> bool:
        return self.outcome != Outcome.REFUSE


NOT_ADMINISTRATORS = _("This group is open to employees who are not administrators.")


def _join_words(items: list[str]) -> str:
    return ", ".join(str(item) for item in items)


def rule_refusal(user, group) -> str | None:
    """The first role/site rule `user` does not meet, in plain words; None when they meet them all.

    Also decides whether an existing member still qualifies after an HR change (join policy aside).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return str(_("Only active staff members can join groups."))
    if group.excludes_administrators and user.is_administrator:
        return str(NOT_ADMINISTRATORS)
    if group.eligible_roles and user.job_role not in group.eligible_roles:
        roles = [JobRole(role).label for role in group.eligible_roles if role in JobRole.values]
        return str(format_lazy(_("This group is open to these job roles: {roles}."), roles=_join_words(roles)))
    school_ids = getattr(group, "eligible_school_ids", None)
    if school_ids is None:
        school_ids = [school.pk for school in group.eligible_schools.all()]
    if school_ids and user.school_id not in school_ids:
        names = [school.name for school in group.eligible_schools.all()]
        return str(format_lazy(_("This group is open to staff at: {schools}."), schools=_join_words(names)))
    return None


def check(user, group) -> Decision:
    refusal = rule_refusal(user, group)
    if refusal:
        return Decision(Outcome.REFUSE, refusal)
    if group.status == group.Status.ARCHIVED:
        return Decision(Outcome.REFUSE, str(_("This group is archived and no longer takes new members.")))
    if group.join_policy == group.JoinPolicy.INVITATION:
        return Decision(Outcome.REFUSE, str(_("Members join this group by invitation from its leads.")))
    if group.join_policy == group.JoinPolicy.APPROVAL:
        return Decision(
            Outcome.REQUEST,
            str(_("A lead approves each request to join; you will get an e-mail when they decide.")),
        )
    return Decision(Outcome.JOIN, str(_("You can join this group.")))
