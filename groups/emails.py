"""E-mail kinds owned by groups, registered with the outbox when the app is ready.

Stored contexts hold IDs and the leads' own words only; everything else is read at delivery time.
Subjects never name a member, and never name the group when it asks for neutral subject lines.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from accounts.models import EmailCategory
from belong import mail

from .models import Group, GroupProposal
from .selectors import directory_for_welcome, upcoming_meetings_for_group

User = get_user_model()


def _group(context: dict) -> Group:
    return Group.objects.get(pk=context["group_id"])


def _sender_name(group: Group) -> str:
    # The sender line is as visible in an inbox as the subject: keep it neutral too when asked.
    return _("Belong") if group.neutral_email_subjects else group.name


def _group_context(context: dict, **extra) -> mail.Rendered:
    group = _group(context)
    return mail.Rendered(
        context={"group": group, "neutral": group.neutral_email_subjects, **extra},
        from_name=_sender_name(group),
    )


@mail.register("groups.joined", category=EmailCategory.GROUP_UPDATES)
def joined(context: dict) -> mail.Rendered:
    group = _group(context)
    return mail.Rendered(
        context={
            "group": group,
            "neutral": group.neutral_email_subjects,
            "upcoming_meetings": upcoming_meetings_for_group(group, limit=3),
        },
        from_name=_sender_name(group),
    )


@mail.register("groups.request_received", category=EmailCategory.GROUP_UPDATES)
def request_received(context: dict) -> mail.Rendered:
    return _group_context(context)


# The person asked to join: they hear the answer whatever their preferences.
@mail.register("groups.request_approved")
def request_approved(context: dict) -> mail.Rendered:
    return _group_context(context)


@mail.register("groups.request_declined")
def request_declined(context: dict) -> mail.Rendered:
    return _group_context(context)


@mail.register("groups.invited", category=EmailCategory.GROUP_UPDATES)
def invited(context: dict) -> mail.Rendered:
    return _group_context(context, inviter=User.objects.filter(pk=context.get("inviter_id")).first())


@mail.register("groups.lead_new_member", category=EmailCategory.GROUP_UPDATES)
def lead_new_member(context: dict) -> mail.Rendered:
    # `hidden`: the person joined hidden, so the lead is reminded to keep the name within the leads.
    return _group_context(context, person=User.objects.get(pk=context["user_id"]), hidden=context.get("hidden", False))


@mail.register("groups.lead_new_request", category=EmailCategory.GROUP_UPDATES)
def lead_new_request(context: dict) -> mail.Rendered:
    # `hidden`: the person joined hidden, so the lead is reminded to keep the name within the leads.
    return _group_context(context, person=User.objects.get(pk=context["user_id"]), hidden=context.get("hidden", False))


@mail.register("groups.lead_membership_flagged", category=EmailCategory.GROUP_UPDATES)
def lead_membership_flagged(context: dict) -> mail.Rendered:
    return _group_context(context)


@mail.register("groups.message", category=EmailCategory.GROUP_MESSAGES)
def group_message(context: dict) -> mail.Rendered:
    return _group_context(context, sender=User.objects.filter(pk=context.get("sender_id")).first())


@mail.register("groups.proposal_received")
def proposal_received(context: dict) -> mail.Rendered:
    return mail.Rendered(
        context={"proposal": GroupProposal.objects.select_related("proposer").get(pk=context["proposal_id"])}
    )


@mail.register("groups.proposal_decided")
def proposal_decided(context: dict) -> mail.Rendered:
    return mail.Rendered(
        context={"proposal": GroupProposal.objects.select_related("group").get(pk=context["proposal_id"])}
    )


@mail.register("groups.welcome", category=EmailCategory.NEWS)
def welcome(context: dict) -> mail.Rendered:
    return mail.Rendered(context={"groups": directory_for_welcome()})
