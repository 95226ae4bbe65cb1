"""E-mail kinds owned by impact: the morning-after feedback request."""

from __future__ import annotations

from accounts.models import EmailCategory
from belong import mail
from meetings.emails import NothingToSend, _from_name, _shared
from meetings.models import Occurrence


# Ephemeral: the stored context holds the person's answer link, which must not linger once sent.
@mail.register("impact.feedback_request", category=EmailCategory.MEETINGS, ephemeral=True, shared_render=False)
def feedback_request(context: dict) -> mail.Rendered:
    occurrence = Occurrence.objects.for_listing().get(pk=context["occurrence_id"])
    if occurrence.is_cancelled:
        raise NothingToSend("the meeting was cancelled")
    return mail.Rendered(
        context=_shared(occurrence.meeting, occurrence=occurrence, token=context["token"]),
        from_name=_from_name(occurrence.meeting),
    )
