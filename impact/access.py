"""Who may see impact pages: one helper per resource, returning it or raising."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from meetings.access import get_occurrence_for_manager
from meetings.models import Occurrence

from . import services


def get_feedback_target(token: str) -> tuple[Occurrence, int]:
    """The meeting date and person a feedback link was made for; a forged or expired link is "not found"."""
    found = services.feedback_token_read(token)
    if found is None:
        raise Http404
    occurrence_id, user_id = found
    return get_object_or_404(Occurrence.objects.for_listing(), pk=occurrence_id), user_id


def get_occurrence_for_feedback_results(request, pk: int) -> Occurrence:
    """Feedback follows the roster's rule: the group's leads, and the director for groups that are not
    confidential (a confidential group's figures reach the director only inside district totals)."""
    return get_occurrence_for_manager(request, pk)


def require_equity_director(request) -> None:
    """The annual report holds district aggregates: the equity director's (and superusers')."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not request.user.is_equity_director:
        raise PermissionDenied(_("Only the equity director sees the annual report."))
