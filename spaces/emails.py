"""E-mail kinds of group spaces. Stored contexts hold IDs only; renderers never depend on the recipient,
so the outbox renders each once per distinct context and language (belong.mail.RenderCache)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from accounts.models import EmailCategory
from belong import mail
from groups.models import Group

from .models import Announcement, Thread
from .selectors import digest_content


def _sender(group: Group) -> str:
    return _("Belong") if group.neutral_email_subjects else group.name


@mail.register("spaces.announcement", category=EmailCategory.GROUP_MESSAGES)
def announcement(context: dict) -> mail.Rendered:
    item = Announcement.objects.select_related("group").get(pk=context["announcement_id"])
    return mail.Rendered(
        context={"group": item.group, "announcement": item, "neutral": item.group.neutral_email_subjects},
        from_name=_sender(item.group),
    )


@mail.register("spaces.reply", category=EmailCategory.GROUP_UPDATES)
def reply(context: dict) -> mail.Rendered:
    thread = Thread.objects.select_related("group").get(pk=context["thread_id"])
    return mail.Rendered(
        context={"group": thread.group, "thread": thread, "neutral": thread.group.neutral_email_subjects},
        from_name=_sender(thread.group),
    )


# The digest gathers announcements from group leads: one click on its unsubscribe link stops it (and the
# leads' messages), through the same preference as every other message from leads.
@mail.register("spaces.digest", category=EmailCategory.GROUP_MESSAGES)
def digest(context: dict) -> mail.Rendered:
    since = datetime.fromisoformat(context["since"])
    until = datetime.fromisoformat(context["until"])
    return mail.Rendered(context={"sections": digest_content(context["group_ids"], since, until)})
