"""The groups and meetings apps' news, turned into people's notifications (in the same transaction)."""

from __future__ import annotations

from . import services


def on_request_decided(*, group, user, approved: bool, **_kwargs) -> None:
    services.notification_send_request_decided(user=user, group=group)


def on_meeting_changed(*, meeting, recipients, **_kwargs) -> None:
    # A district event belongs to no group's space: its e-mail is the whole news.
    if meeting.group_id is not None:
        services.notification_send_meeting_changed(
            users=recipients.only("pk").iterator(chunk_size=2000), group=meeting.group
        )
