"""Who may see and manage what in a group. One helper per resource; views call these first.

The rules:
- any signed-in staff member sees a group's public description, its member count and, for a normal
  group, its leads;
- active members see the members who opted in to the member list (and the leads);
- a group's leads see and manage the whole roster;
- the equity director and superusers manage a normal group's roster (a group may have no lead yet),
  but for a confidential group they see counts, never names;
- a person who joined while the group was confidential (`Membership.hidden`) stays hidden from everyone
  but the group's leads, whatever later happens to the group's setting, until they choose otherwise:
  only `sees_hidden_members` viewers are shown them on rosters, exports and attendance sheets, and other
  members see them only on the member list they opted in to.
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404

from belong.rows import RowReader

from .models import Group, Membership


def _membership(user, group: Group | None) -> Membership | None:
    # A district event has no group, so nobody is its member or lead; a deactivated account (offboarded
    # by HR or SCIM) keeps its rows for the record but no longer speaks for any group.
    if group is None or not user.is_authenticated or not user.is_active:
        return None
    cache = getattr(group, "_viewer_memberships", None)
    if cache is None:
        cache = group._viewer_memberships = {}
    if user.pk not in cache:
        cache[user.pk] = Membership.objects.filter(group=group, user=user).first()
    return cache[user.pk]


def membership_of(user, group: Group | None) -> Membership | None:
    """The viewer's own membership (any status), fetched once per request and group.

    The answer is kept on the group instance, so every check made on one loaded group (the group page, a
    meeting's access rules, its refusal messages) costs one query; services reload the group inside their
    transaction and so never act on a stale answer.
    """
    return _membership(user, group)


def is_lead(user, group: Group | None) -> bool:
    membership = _membership(user, group)
    return bool(membership and membership.is_lead)


def is_active_member(user, group: Group | None) -> bool:
    membership = _membership(user, group)
    return bool(membership and membership.status == Membership.Status.ACTIVE)


def can_manage_roster(user, group: Group) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_lead(user, group):
        return True
    return not group.is_confidential and user.is_equity_director


def sees_hidden_members(user, group: Group) -> bool:
    """Only the group's own leads see the people who joined hidden (the director and superusers never do)."""
    return is_lead(user, group)


def can_see_member_names(user, group: Group) -> bool:
    """Whether the viewer sees any member's name: the roster managers, and active members (opted-in list)."""
    return can_manage_roster(user, group) or is_active_member(user, group)


def can_see_leads(user, group: Group) -> bool:
    # Leading a confidential group is itself a membership: only people inside it see who leads.
    return not group.is_confidential or can_see_member_names(user, group)


def get_group_for_viewer(request, slug: str, *, schools: bool = True) -> Group:
    """The group a signed-in viewer may see: 404 when unknown, or archived and not theirs to see.

    With `schools` the eligible schools come prefetched (pages that list them). Without, the group's row,
    its schools' IDs (`eligible_school_ids`, enough for `eligibility.check`) and the viewer's own
    membership come in one statement (`_group_and_viewer`), and `membership_of` then asks nothing more.
    """
    if not request.user.is_authenticated:
        raise PermissionDenied
    if schools:
        group: Group = get_object_or_404(Group.objects.prefetch_related("eligible_schools"), slug=slug)
    else:
        group = _group_and_viewer(slug, request.user)
    if group.status == Group.Status.ARCHIVED and not (request.user.is_equity_director or is_lead(request.user, group)):
        raise Http404
    return group


@functools.cache
def _group_and_viewer_statement() -> tuple[str, RowReader[Group], RowReader[Membership]]:
    groups, memberships = RowReader(Group, "g"), RowReader(Membership, "m")
    schools = Group.eligible_schools.through._meta
    # Names from the models' own metadata, never from input: the values go as parameters.
    sql = (
        f"SELECT {groups.columns},"  # noqa: S608
        f' ARRAY(SELECT s."school_id" FROM "{schools.db_table}" s WHERE s."group_id" = g."id"),'
        f" {memberships.columns}"
        f' FROM "{Group._meta.db_table}" g'
        f' LEFT JOIN "{Membership._meta.db_table}" m ON m."group_id" = g."id" AND m."user_id" = %s'
        ' WHERE g."slug" = %s'
    )
    return sql, groups, memberships


def _group_and_viewer(slug: str, user) -> Group:
    """The group with `slug`, its `eligible_school_ids` and the viewer's membership (kept for
    `membership_of`), in one round trip; 404 when there is no such group.

    Hand-written because the group page and a join read it on every request, and compiling the ORM's query
    for a 73-column row (every translation) with an array of the schools cost several times running it
    (`belong.rows`); the membership needs a second query through the ORM.
    """
    sql, groups, memberships = _group_and_viewer_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, slug])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    group = groups.build(row[: groups.width])
    group.eligible_school_ids = row[groups.width]
    membership_values = row[groups.width + 1 :]
    if user.is_active:
        membership = None
        if membership_values[memberships.attnames.index("id")] is not None:  # NULL: no membership
            membership = memberships.build(membership_values)
            Membership.group.field.set_cached_value(membership, group)
        group._viewer_memberships = {user.pk: membership}
    return group


def get_group_for_lead(request, slug: str, *, refusal: str = "") -> Group:
    """The group the viewer manages (its leads; the director for a group that is not confidential):
    404 when unknown, 403 when not theirs to manage. `refusal` is the 403 page's explanation."""
    if not request.user.is_authenticated:
        raise PermissionDenied(refusal)
    group = _group_and_viewer(slug, request.user)  # with the viewer's membership: can_manage_roster asks nothing
    if not can_manage_roster(request.user, group):
        raise PermissionDenied(refusal)
    return group


def get_membership_for_self(request, group: Group) -> Membership:
    membership = membership_of(request.user, group)
    if membership is None:
        raise Http404
    return membership
