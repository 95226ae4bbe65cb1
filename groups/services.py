"""Every change to groups, memberships and proposals. E-mails are queued in the same transaction."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import EQUITY_DIRECTOR_GROUP, JobRole, User
from belong import mail
from belong.csv_export import csv_lines
from belong.models import AuditLog
from belong.rows import RowReader, RowWriter

from . import eligibility, signals
from .eligibility import Decision, Outcome
from .models import RESERVED_SLUGS, Group, GroupColour, GroupProposal, Membership, MembershipEvent
from .selectors import ROSTER_EXPORT_ACTION, ROSTER_VIEW_ACTION, count_of


class RosterError(ValidationError):
    """A roster action that does not apply to this membership (already decided, not a member...)."""


@dataclass(frozen=True)
class JoinResult:
    membership: Membership | None
    decision: Decision
    created: bool

    @property
    def already(self) -> bool:
        """The person was on the roster before this call (a double click, or a second tab)."""
        return self.membership is not None and not self.created


_LEAD_ACTIVE = (Membership.Role.LEAD.value, Membership.Status.ACTIVE.value)
_LEADS_OF = (
    # The active leads of group {group} but one person (users are numbered from 1, so 0 excludes nobody).
    "SELECT {columns} FROM {users} u JOIN {memberships} lm ON lm.user_id = u.id"
    " WHERE lm.group_id = {group} AND lm.role = %s AND lm.status = %s AND u.is_active AND u.id <> %s"
)


@functools.cache
def _leads_statements() -> tuple[RowReader[User], str, str]:
    """The leads of a group, alone and with a join's locking read of the group (belong.rows).

    By hand: every join reads its group's leads, and compiling the ORM's query for it cost 0.5 ms of CPU,
    several times running it. The join reads them in the statement that locks the group: one round trip.
    """
    reader = RowReader(User, "u")
    quote = connection.ops.quote_name
    users, memberships = quote(User._meta.db_table), quote(Membership._meta.db_table)
    alone = _LEADS_OF.format(columns=reader.columns, users=users, memberships=memberships, group="%s")
    # One row per lead (or one row of NULLs for a group without any): the group's confidential setting and
    # the joiner's membership, if any, ride on each.
    lateral = _LEADS_OF.format(columns="u.*", users=users, memberships=memberships, group="g.id")
    with_lock = (
        f"SELECT g.is_confidential, (SELECT m.id FROM {memberships} m WHERE m.group_id = g.id"  # noqa: S608
        f" AND m.user_id = %s), {reader.columns} FROM {quote(Group._meta.db_table)} g"
        f" LEFT JOIN LATERAL ({lateral}) u ON true WHERE g.id = %s FOR KEY SHARE OF g"
    )
    return reader, alone, with_lock


def _leads(group: Group, *, exclude_user_id: int | None = None) -> list[User]:
    reader, statement, _with_lock = _leads_statements()
    with connection.cursor() as cursor:
        cursor.execute(statement, [group.pk, *_LEAD_ACTIVE, exclude_user_id or 0])
        return [reader.build(row) for row in cursor.fetchall()]


def group_recount_members(*, group_ids: Iterable[int] | None = None) -> int:
    """Set `member_count` from the memberships themselves; returns how many groups changed.

    The trigger keeps the counts; this repairs them after writes that bypass it (a bulk load with the
    trigger disabled, a restore of one table).
    """
    counted = count_of(status=Membership.Status.ACTIVE)
    groups = Group.objects.all() if group_ids is None else Group.objects.filter(pk__in=list(group_ids))
    return groups.exclude(member_count=counted).update(member_count=counted)


_EVENT_ROWS = RowWriter(MembershipEvent)
# Nothing listens to a Membership's signals, so a join may write it by hand.
_MEMBERSHIP_ROWS = RowWriter(Membership)


def _count(group: Group, change: int) -> None:
    # By hand (belong.rows), as a join writes its own with its membership: nobody reads the new row's id.
    _EVENT_ROWS.insert([MembershipEvent(group=group, change=change)])


class _LostRace(Exception):
    """Another request for the same person and group inserted the membership first."""


def group_join(*, group: Group, user: User, message: str = "") -> JoinResult:
    """Join, ask to join, or be refused with the reason. Safe against double clicks and races."""
    decision = eligibility.check(user, group)
    try:
        # Outermost (a web request), this is the transaction itself and a lost race rolls all of it back,
        # the growth-chart event included: no savepoint round trips. Inside a caller's transaction it is a
        # savepoint, so a lost race leaves the caller's transaction usable, as before.
        with transaction.atomic():
            return _join(group=group, user=user, message=message, decision=decision)
    except _LostRace:
        # Theirs is the membership.
        return JoinResult(Membership.objects.get(group=group, user=user), decision, created=False)


def _join(*, group: Group, user: User, message: str, decision: Decision) -> JoinResult:
    # One statement reads whether the group is confidential now and whether the person is on its roster.
    # FOR KEY SHARE waits for a director who is switching the setting (group_set_confidential locks the row
    # FOR UPDATE) and then reads what they committed; held until this transaction ends, it keeps the switch
    # from happening before the insert below is committed. So the membership is inserted hidden when the
    # group is confidential, with no re-check after it. Concurrent joins do not wait on each other: KEY SHARE
    # does not conflict with the count trigger's update of the row (nor with the insert's own foreign-key
    # check, which takes the same lock).
    # Raw SQL because the ORM offers FOR UPDATE and FOR NO KEY UPDATE only, and either would queue joins.
    # The same statement reads the group's leads, whom the e-mails below tell (without the joiner).
    reader, _alone, with_lock = _leads_statements()
    with connection.cursor() as cursor:
        cursor.execute(with_lock, [user.pk, *_LEAD_ACTIVE, user.pk, group.pk])
        rows = cursor.fetchall()
    if not rows:
        raise Group.DoesNotExist("The group was deleted while the person was joining it.")
    is_confidential, existing_id = rows[0][:2]
    leads = [reader.build(row[2:]) for row in rows if row[2] is not None]  # row[2] is the lead's id
    if existing_id is not None:
        existing = Membership.objects.select_for_update().filter(pk=existing_id).first()
        if existing is not None:
            if existing.status == Membership.Status.INVITED:
                return _accept_invitation(existing)
            outcome = Outcome.JOIN if existing.status == Membership.Status.ACTIVE else Outcome.REQUEST
            return JoinResult(existing, Decision(outcome, ""), created=False)

    if decision.outcome == Outcome.REFUSE:
        return JoinResult(None, decision, created=False)
    now = timezone.now()
    joins = decision.outcome == Outcome.JOIN
    membership = Membership(
        group=group,
        user=user,
        status=Membership.Status.ACTIVE if joins else Membership.Status.PENDING,
        joined_at=now if joins else None,
        request_message=message.strip(),
        hidden=is_confidential,
    )
    context = {"group_id": group.pk, "user_id": user.pk, "hidden": is_confidential}
    if joins:
        parts = [("groups.joined", [user]), ("groups.lead_new_member", leads)]
    else:
        parts = [("groups.request_received", [user]), ("groups.lead_new_request", leads)]
    emails = mail.outgoing(parts=parts, context=context)
    growth = [MembershipEvent(group=group, change=+1)] if joins else []
    # The membership, its growth-chart event and the e-mails in one statement (belong.rows): one round trip
    # instead of three, and the insert that makes the count trigger lock the group's row is the last
    # statement before the commit, so concurrent joins to one group hold that lock as briefly as can be.
    try:
        _MEMBERSHIP_ROWS.insert_one(membership, along=[(_EVENT_ROWS, growth), (mail.OUTBOX_ROWS, emails.rows)])
    except IntegrityError as error:
        # Another request for the same person and group committed first; the statement wrote nothing.
        # Nothing more may run in this transaction (or savepoint): group_join rolls it back and reads theirs.
        raise _LostRace from error
    emails.written()
    return JoinResult(membership, decision, created=True)


def _hide_if_confidential_now(membership: Membership) -> None:
    """Close the race with `group_set_confidential`: a join read the group before the director made it
    confidential, and its insert waited on the director's lock. Re-read the setting as committed now.
    """
    if not membership.hidden and Membership.objects.filter(pk=membership.pk, group__is_confidential=True).update(
        hidden=True
    ):
        membership.hidden = True


def _accept_invitation(membership: Membership) -> JoinResult:
    refusal = eligibility.rule_refusal(membership.user, membership.group)
    if refusal:
        return JoinResult(membership, Decision(Outcome.REFUSE, refusal), created=False)
    membership.status = Membership.Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    _hide_if_confidential_now(membership)
    _count(membership.group, +1)
    context = {"group_id": membership.group_id, "user_id": membership.user_id, "hidden": membership.hidden}
    mail.enqueue(kind="groups.joined", to=membership.user, context=context)
    mail.enqueue_many(
        kind="groups.lead_new_member",
        recipients=_leads(membership.group, exclude_user_id=membership.user_id),
        context=context,
    )
    return JoinResult(membership, Decision(Outcome.JOIN, _("You accepted the invitation.")), created=True)


@transaction.atomic
def group_leave(*, group: Group, user: User) -> bool:
    """Leave (or withdraw a request). Always possible; the membership is deleted. False if there was none."""
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None:
        return False
    if membership.status == Membership.Status.ACTIVE:
        _count(group, -1)
    membership.delete()
    return True


@transaction.atomic
def membership_set_visibility(*, membership: Membership, visible: bool) -> Membership:
    membership.visible_to_members = visible
    membership.save(update_fields=["visible_to_members"])
    return membership


@transaction.atomic
def membership_set_hidden(*, membership: Membership, hidden: bool, by: User) -> Membership:
    """The person's own choice to be shown to people beyond the leads (or hidden again). Only they make it."""
    if by.pk != membership.user_id:
        raise RosterError(_("Only the member can change whether they are hidden."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.hidden == hidden:
        return membership
    membership.hidden = hidden
    membership.save(update_fields=["hidden"])
    AuditLog.objects.create(
        actor=by,
        action="groups.membership_hidden" if hidden else "groups.membership_shown",
        object_type="groups.Membership",
        object_id=str(membership.pk),
        # No group here: the audit log is readable in the admin, and the row must not say who belongs where.
        detail={"hidden": hidden},
    )
    return membership


@transaction.atomic
def group_set_confidential(*, group: Group, confidential: bool, by: User) -> Group:
    """Switch a group's confidential setting without ever exposing anyone.

    Making it confidential hides every existing membership too (and everyone who joins from then on).
    Making it open changes nothing for existing memberships: whoever joined hidden stays hidden, and only
    people who join from then on are listed. The change and its effect are written to the audit log.
    """
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.is_confidential == confidential:
        group.is_confidential = confidential
        return group
    newly_hidden = 0
    if confidential:
        newly_hidden = Membership.objects.filter(group=locked, hidden=False).update(hidden=True)
    still_hidden = Membership.objects.filter(group=locked, hidden=True).count()
    locked.is_confidential = group.is_confidential = confidential
    locked.save(update_fields=["is_confidential", "updated_at"])
    AuditLog.objects.create(
        actor=by,
        action="groups.confidential_on" if confidential else "groups.confidential_off",
        object_type="groups.Group",
        object_id=str(group.pk),
        detail={
            "group": group.name,
            "confidential": confidential,
            "newly_hidden": newly_hidden,
            "hidden_members": still_hidden,
        },
    )
    return group


@transaction.atomic
def group_set_colour(*, group: Group, colour: str, by) -> Group:
    """The lead's choice of the group's card colour, from the fixed palette (each meets 4.5:1 with white)."""
    if colour not in GroupColour.values:
        raise ValidationError(_("Choose one of the colours shown."))
    if group.colour == colour:
        return group
    previous, group.colour = group.colour, colour
    group.save(update_fields=["colour", "updated_at"])
    AuditLog.objects.create(
        actor=by,
        action="groups.colour_changed",
        object_type="groups.Group",
        object_id=str(group.pk),
        detail={"group": group.name, "from": previous, "to": colour},
    )
    return group


def _locked(membership: Membership, group: Group) -> Membership:
    locked = Membership.objects.select_for_update().filter(pk=membership.pk, group=group).first()
    if locked is None:
        raise RosterError(_("That person is no longer on this group's roster."))
    return locked


@transaction.atomic
def request_approve(*, group: Group, membership: Membership, by: User, message: str = "") -> Membership:
    membership = _locked(membership, group)
    if membership.status != Membership.Status.PENDING:
        raise RosterError(_("That request has already been decided."))
    membership.status = Membership.Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    _count(group, +1)
    _audit_membership(by=by, action="groups.request_approved", membership=membership)
    mail.enqueue(
        kind="groups.request_approved", to=membership.user, context={"group_id": group.pk, "message": message.strip()}
    )
    signals.request_decided.send(sender=Membership, group=group, user=membership.user, approved=True)
    return membership


@transaction.atomic
def request_decline(*, group: Group, membership: Membership, by: User, message: str = "") -> None:
    membership = _locked(membership, group)
    if membership.status != Membership.Status.PENDING:
        raise RosterError(_("That request has already been decided."))
    user = membership.user
    _audit_membership(by=by, action="groups.request_declined", membership=membership)
    membership.delete()
    mail.enqueue(kind="groups.request_declined", to=user, context={"group_id": group.pk, "message": message.strip()})
    signals.request_decided.send(sender=Membership, group=group, user=user, approved=False)


@transaction.atomic
def member_remove(*, group: Group, membership: Membership, by: User) -> None:
    membership = _locked(membership, group)
    if membership.user_id == by.pk:
        raise RosterError(_("To leave the group yourself, use the Leave button on the group's page."))
    if membership.status == Membership.Status.ACTIVE:
        _count(group, -1)
    _audit_membership(by=by, action="groups.membership_removed", membership=membership)
    membership.delete()


@transaction.atomic
def member_make_colead(*, group: Group, membership: Membership, by: User) -> Membership:
    membership = _locked(membership, group)
    if membership.status != Membership.Status.ACTIVE:
        raise RosterError(_("Only an active member can become a co-lead; approve their request first."))
    if membership.role == Membership.Role.LEAD:
        raise RosterError(_("That person already leads this group."))
    membership.role = Membership.Role.LEAD
    membership.eligibility_flagged_at = None
    membership.save(update_fields=["role", "eligibility_flagged_at"])
    _audit_membership(by=by, action="groups.colead_made", membership=membership)
    return membership


@transaction.atomic
def member_keep_flagged(*, group: Group, membership: Membership, by: User) -> Membership:
    """The leads decided a member whose role changed stays: clear the flag."""
    membership = _locked(membership, group)
    membership.eligibility_flagged_at = None
    membership.save(update_fields=["eligibility_flagged_at"])
    _audit_membership(by=by, action="groups.flagged_member_kept", membership=membership)
    return membership


@transaction.atomic
def group_email(*, group: Group, sender: User, subject: str, body: str) -> int:
    """One e-mail per active member through the outbox; returns how many were queued."""
    members = User.objects.filter(
        memberships__group=group, memberships__status=Membership.Status.ACTIVE, is_active=True
    )
    context = {"group_id": group.pk, "sender_id": sender.pk, "subject": subject.strip(), "body": body.strip()}
    return mail.enqueue_many(kind="groups.message", recipients=members, context=context)


def _roster_audit(*, action: str, group: Group, by, purpose: str, rows: int, **detail) -> AuditLog:
    return AuditLog.objects.create(
        actor=by,
        action=action,
        object_type="groups.Group",
        object_id=str(group.pk),
        purpose=purpose,
        detail={"group": group.name, "rows": rows, **detail},
    )


def roster_record_view(*, group: Group, by: User, rows: int, page: int) -> AuditLog:
    """A roster page shows names: who looked, when, at which group and how many people."""
    return _roster_audit(action=ROSTER_VIEW_ACTION, group=group, by=by, purpose="roster page", rows=rows, page=page)


@dataclass
class RosterExport:
    header: list[str]
    rows: Iterator[list]
    count: int

    def lines(self) -> Iterator[str]:
        return csv_lines(self.header, self.rows)


@transaction.atomic
def roster_export_csv(*, group: Group, by: User, purpose: str, include_hidden: bool) -> RosterExport:
    """Write the audit row (who, why, how many rows) now and return the rows, produced as they are streamed.

    Rows are read as tuples in chunks and labels looked up once, so 20,000 members stream in about a
    second in flat memory (bench/probe_export.py measures it). Cells go through `belong.csv_export`, so a
    name typed as a formula reaches the spreadsheet as text. `include_hidden` is for the group's leads
    only: anyone else never exports a person who joined hidden.
    """
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError(_("Say why you are exporting the roster."))
    memberships = Membership.objects.filter(group=group)
    if not include_hidden:
        memberships = memberships.filter(hidden=False)
    count = memberships.count()
    _roster_audit(action=ROSTER_EXPORT_ACTION, group=group, by=by, purpose=purpose, rows=count)
    rows = memberships.order_by("status", "-role", "user__full_name", "user__email").values_list(
        "user__full_name",
        "user__preferred_name",
        "user__email",
        "user__job_role",
        "user__school__name",
        "role",
        "status",
        "joined_at",
        "eligibility_flagged_at",
    )
    job_roles = dict(JobRole.choices)
    roles = dict(Membership.Role.choices)
    statuses = dict(Membership.Status.choices)
    zone = timezone.get_current_timezone()
    yes = _("yes")

    def values() -> Iterator[list]:
        for full_name, preferred, email, job_role, school, role, status, joined_at, flagged_at in rows.iterator(
            chunk_size=2000
        ):
            yield [
                full_name or preferred or email,
                email,
                job_roles.get(job_role, job_role or ""),
                school or "",
                roles.get(role, role),
                statuses.get(status, status),
                timezone.localtime(joined_at, zone).date().isoformat() if joined_at else "",
                yes if flagged_at else "",
            ]

    header = [
        _("Name"),
        _("E-mail"),
        _("Job role"),
        _("School or site"),
        _("Role"),
        _("Status"),
        _("Joined"),
        _("Eligibility to review"),
    ]
    return RosterExport(header=[str(h) for h in header], rows=values(), count=count)


@transaction.atomic
def member_invite(*, group: Group, user: User, by: User) -> Membership:
    """A lead invites a colleague (needed for invitation-only groups); they accept by joining."""
    refusal = eligibility.rule_refusal(user, group)
    if refusal:
        raise RosterError(refusal)
    membership, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"status": Membership.Status.INVITED}
    )
    if not created:
        if (
            membership.hidden
            and not Membership.objects.filter(
                group=group, user=by, role=Membership.Role.LEAD, status=Membership.Status.ACTIVE
            ).exists()
        ):
            # Someone who is not a lead must not learn, from a refusal, that a hidden person belongs: answer
            # as if invited, send nothing.
            return membership
        raise RosterError(_("That person is already on this group's roster."))
    mail.enqueue(kind="groups.invited", to=user, context={"group_id": group.pk, "inviter_id": by.pk})
    return membership


# --- Proposals ----------------------------------------------------------------------------------------


def _directors():
    return list(User.objects.filter(is_active=True, groups__name=EQUITY_DIRECTOR_GROUP).distinct())


@transaction.atomic
def group_propose(
    *, proposer: User, name: str, purpose: str, audience: str = "", would_lead: bool = False
) -> GroupProposal:
    proposal = GroupProposal.objects.create(
        proposer=proposer, name=name.strip(), purpose=purpose.strip(), audience=audience.strip(), would_lead=would_lead
    )
    mail.enqueue_many(kind="groups.proposal_received", recipients=_directors(), context={"proposal_id": proposal.pk})
    return proposal


def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "group"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Group.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def proposal_decide(*, proposal: GroupProposal, by: User, approve: bool, message: str = "") -> GroupProposal:
    """Approve (the group is created, forming, with the proposer as lead) or decline; the proposer hears either way."""
    proposal = GroupProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != GroupProposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    if approve:
        if Group.objects.filter(name__iexact=proposal.name).exists():
            raise ValidationError(
                _("A group named “%(name)s” already exists; rename the proposal first.") % {"name": proposal.name}
            )
        group = Group.objects.create(
            name=proposal.name,
            slug=_free_slug(proposal.name),
            summary=proposal.purpose.split("\n")[0][:200],
            description=proposal.purpose,
            audience=proposal.audience,
            status=Group.Status.FORMING,
        )
        Membership.objects.create(
            group=group,
            user=proposal.proposer,
            role=Membership.Role.LEAD if proposal.would_lead else Membership.Role.MEMBER,
            status=Membership.Status.ACTIVE,
            joined_at=timezone.now(),
            visible_to_members=True,
        )
        _count(group, +1)
        proposal.group = group
    proposal.status = GroupProposal.Status.APPROVED if approve else GroupProposal.Status.DECLINED
    proposal.decision_message = message.strip()
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save()
    mail.enqueue(kind="groups.proposal_decided", to=proposal.proposer, context={"proposal_id": proposal.pk})
    return proposal


# --- HR import ----------------------------------------------------------------------------------------


@transaction.atomic
def membership_flag_ineligible(*, user_ids: Iterable[int]) -> int:
    """After an HR role or site change: flag (never delete) memberships whose rules the person no longer meets.

    Memberships that qualify again lose their flag. Leads hear about new flags. Returns how many were flagged.
    """
    memberships = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(user_id__in=list(user_ids))
        .exclude(status=Membership.Status.INVITED)
        .select_related("user", "group")
        .prefetch_related("group__eligible_schools")
    )
    now = timezone.now()
    flagged_groups: set[int] = set()
    for membership in memberships:
        qualifies = eligibility.rule_refusal(membership.user, membership.group) is None
        if qualifies and membership.eligibility_flagged_at:
            membership.eligibility_flagged_at = None
            membership.save(update_fields=["eligibility_flagged_at"])
        elif not qualifies and not membership.eligibility_flagged_at:
            membership.eligibility_flagged_at = now
            membership.save(update_fields=["eligibility_flagged_at"])
            flagged_groups.add(membership.group_id)
    for group in Group.objects.filter(pk__in=flagged_groups):
        mail.enqueue_many(
            kind="groups.lead_membership_flagged", recipients=_leads(group), context={"group_id": group.pk}
        )
    return sum(1 for m in memberships if m.eligibility_flagged_at == now)


@transaction.atomic
def new_hire_welcome_send(*, user: User) -> bool:
    """One welcome e-mail per person, ever, in their language. False when they were welcomed already."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.welcomed_at or not locked.is_active:
        return False
    mail.enqueue(
        kind="groups.welcome", to=locked, context={"user_id": locked.pk}, dedupe_key=f"groups.welcome:{locked.pk}"
    )
    locked.welcomed_at = timezone.now()
    locked.save(update_fields=["welcomed_at"])
    user.welcomed_at = locked.welcomed_at
    return True


def staff_imported_handle(*, created_ids: Iterable[int] = (), changed_ids: Iterable[int] = ()) -> None:
    for user in User.objects.filter(pk__in=list(created_ids), welcomed_at__isnull=True, is_active=True):
        new_hire_welcome_send(user=user)
    changed = list(changed_ids)
    if changed:
        membership_flag_ineligible(user_ids=changed)


# --- The admin ----------------------------------------------------------------------------------------
# The director (or a superuser) may correct a normal group's roster in the admin. The writes come here so
# the growth chart (MembershipEvent) and the audit log follow, as they do for the portal's own actions.
# Confidential groups are refused: only their leads keep their roster, on the roster page.


def _confidential_refusal() -> RosterError:
    return RosterError(_("A confidential group's roster is kept by its leads, on the roster page."))


def _audit_membership(*, by, action: str, membership: Membership, **detail) -> None:
    AuditLog.objects.create(
        actor=by,
        action=action,
        object_type="groups.Membership",
        object_id=str(membership.pk),
        # group_id lets the admin hide the row should the group become confidential later.
        detail={"group_id": membership.group_id, "user_id": membership.user_id, **detail},
    )


def _becomes(membership: Membership, status: str) -> None:
    was_active = membership.status == Membership.Status.ACTIVE
    membership.status = status
    if status == Membership.Status.ACTIVE and not was_active:
        membership.joined_at = timezone.now()
        _count(membership.group, +1)
    elif was_active and status != Membership.Status.ACTIVE:
        membership.joined_at = None
        _count(membership.group, -1)


@transaction.atomic
def membership_add(
    *,
    group: Group,
    user: User,
    role: str = Membership.Role.MEMBER,
    status: str = Membership.Status.ACTIVE,
    visible_to_members: bool = False,
    by: User | None,
) -> Membership:
    """Put someone on a normal group's roster from the admin; the job-role and site rules still apply."""
    if group.is_confidential:
        raise _confidential_refusal()
    refusal = eligibility.rule_refusal(user, group)
    if refusal:
        raise RosterError(refusal)
    existing = Membership.objects.filter(group=group, user=user, hidden=True).first()
    if existing is not None:
        # Someone who joined hidden (the group was confidential then): any refusal here would confirm to
        # the admin that they belong. Answer as if it worked, and change nothing.
        return existing
    membership = Membership(
        group=group, user=user, role=role, status=Membership.Status.PENDING, visible_to_members=visible_to_members
    )
    _becomes(membership, status)
    try:
        with transaction.atomic():
            membership.save(force_insert=True)
    except IntegrityError:
        raise RosterError(_("That person is already on this group's roster.")) from None
    _audit_membership(by=by, action="groups.membership_added", membership=membership, role=role, status=status)
    return membership


@transaction.atomic
def membership_change(
    *, membership: Membership, role: str, status: str, visible_to_members: bool, by: User
) -> Membership:
    """Change a role, a status or the member-list choice from the admin; joins and leaves are counted."""
    membership = Membership.objects.select_for_update().select_related("group").get(pk=membership.pk)
    if membership.group.is_confidential:
        raise _confidential_refusal()
    changes = {
        name: value
        for name, value in (("role", role), ("status", status), ("visible_to_members", visible_to_members))
        if getattr(membership, name) != value
    }
    if not changes:
        return membership
    _becomes(membership, status)
    membership.role = role
    membership.visible_to_members = visible_to_members
    membership.save(update_fields=["role", "status", "visible_to_members", "joined_at"])
    _audit_membership(by=by, action="groups.membership_changed", membership=membership, changes=changes)
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership, by: User) -> None:
    """Take someone off a normal group's roster from the admin (an active member counts as a leave)."""
    locked = Membership.objects.select_for_update().select_related("group").filter(pk=membership.pk).first()
    if locked is None:
        return
    if locked.group.is_confidential:
        raise _confidential_refusal()
    if locked.status == Membership.Status.ACTIVE:
        _count(locked.group, -1)
    _audit_membership(by=by, action="groups.membership_removed", membership=locked)
    locked.delete()


def deleted_person_leaves_count(*, user: User) -> int:
    """Before a person is deleted (their memberships go with them), count each active membership as a
    leave so the growth chart stays true. Returns how many were counted."""
    groups = list(Group.objects.filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE))
    MembershipEvent.objects.bulk_create([MembershipEvent(group=group, change=-1) for group in groups])
    return len(groups)
