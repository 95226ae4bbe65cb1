"""E-mail kinds owned by funding, registered with the outbox when the app is ready.

Stored contexts hold IDs only; amounts and words are read at delivery, in the recipient's language.
No message names who asked or spent, so a confidential group's leads are never revealed by one.
"""

from __future__ import annotations

from belong import mail

from .models import Expense, FundingRequest


def _neutral(group) -> bool:
    return group.neutral_email_subjects


@mail.register("funding.awaiting_decision")
def awaiting_decision(context: dict) -> mail.Rendered:
    if context.get("request_id"):
        item = FundingRequest.objects.select_related("group", "cycle").get(pk=context["request_id"])
        kind = "request"
    else:
        item = Expense.objects.select_related("group", "cycle").get(pk=context["expense_id"])
        kind = "expense"
    return mail.Rendered(context={"item": item, "kind": kind, "group": item.group, "neutral": _neutral(item.group)})


# The leads asked: they hear the answer whatever their preferences.
@mail.register("funding.request_decided")
def request_decided(context: dict) -> mail.Rendered:
    item = FundingRequest.objects.select_related("group", "cycle").get(pk=context["request_id"])
    return mail.Rendered(context={"item": item, "group": item.group, "neutral": _neutral(item.group)})


@mail.register("funding.expense_decided")
def expense_decided(context: dict) -> mail.Rendered:
    item = Expense.objects.select_related("group", "cycle").get(pk=context["expense_id"])
    return mail.Rendered(context={"item": item, "group": item.group, "neutral": _neutral(item.group)})
