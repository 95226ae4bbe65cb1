from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

REVIEW_PERMISSION = "comments.review_comment"


def can_review(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(REVIEW_PERMISSION))


def require_reviewer(request):
    """None for a reviewer; a login redirect for someone signed out; PermissionDenied for other staff."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_review(request.user):
        raise PermissionDenied
    return None
