"""Who may join a group: one pure function composing the group's role- and site-based rules.

A group is never limited by race, gender, religion, orientation or any other protected trait;
identity groups are joined by self-identification and welcome all staff. The only inputs are the
person's account status, job role and school, and the group's own settings.

`check` reads `group.eligible_schools.all()`: prefetch it when checking many groups.
`GroupQuerySet.joinable_by` is the SQL twin used for the "groups I can join" filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import JobRole, School

from .models import Group


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


@dataclass(frozen=True)
class Rules:
    """What a group's eligibility depends on, as plain values: kept beside pages shared by many viewers
    (belong.shared_pages), so a cached directory page decides each viewer's standing without its rows."""

    archived: bool
    join_policy: str
    excludes_administrators: bool
    eligible_roles: tuple[str, ...]
    school_ids: tuple[int, ...]  # the schools it is open to; () for every school
    # Their names, to explain a refusal; None when the group's own query carried only the ids
    # (GroupQuerySet.with_eligible_school_ids: a join), and then read only if a refusal needs them.
    school_names: tuple[str, ...] | None = None


def rules_of(group) -> Rules:
    """`group`'s rules: from `eligible_school_ids` when its query carried them, else from
    `group.eligible_schools.all()` (prefetch it when reading many groups)."""
    school_ids = getattr(group, "eligible_school_ids", None)
    if school_ids is not None:
        ids, names = tuple(school_ids), None
    else:
        schools = list(group.eligible_schools.all())
        ids, names = tuple(school.pk for school in schools), tuple(school.name for school in schools)
    return Rules(
        archived=group.status == group.Status.ARCHIVED,
        join_policy=group.join_policy,
        excludes_administrators=group.excludes_administrators,
        eligible_roles=tuple(group.eligible_roles or ()),
        school_ids=ids,
        school_names=names,
    )


def rule_refusal(user, group) -> str | None:
    """The first role/site rule `user` does not meet, in plain words; None when they meet them all.

    Also decides whether an existing member still qualifies after an HR change (join policy aside).
    """
    return refusal_under(user, rules_of(group))


def refusal_under(user, rules: Rules) -> str | None:
    """`rule_refusal` for rules already read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return str(_("Only active staff members can join groups."))
    if rules.excludes_administrators and user.is_administrator:
        return str(NOT_ADMINISTRATORS)
    if rules.eligible_roles and user.job_role not in rules.eligible_roles:
        roles = [JobRole(role).label for role in rules.eligible_roles if role in JobRole.values]
        return str(format_lazy(_("This group is open to these job roles: {roles}."), roles=_join_words(roles)))
    if rules.school_ids and user.school_id not in rules.school_ids:
        names = rules.school_names
        if names is None:
            names = tuple(School.objects.filter(pk__in=rules.school_ids).values_list("name", flat=True))
        return str(format_lazy(_("This group is open to staff at: {schools}."), schools=_join_words(names)))
    return None


def check(user, group) -> Decision:
    return decide(user, rules_of(group))


def decide(user, rules: Rules) -> Decision:
    """`check` for rules already read."""
    refusal = refusal_under(user, rules)
    if refusal:
        return Decision(Outcome.REFUSE, refusal)
    if rules.archived:
        return Decision(Outcome.REFUSE, str(_("This group is archived and no longer takes new members.")))
    if rules.join_policy == Group.JoinPolicy.INVITATION:
        return Decision(Outcome.REFUSE, str(_("Members join this group by invitation from its leads.")))
    if rules.join_policy == Group.JoinPolicy.APPROVAL:
        return Decision(
            Outcome.REQUEST,
            str(_("A lead approves each request to join; you will get an e-mail when they decide.")),
        )
    return Decision(Outcome.JOIN, str(_("You can join this group.")))
