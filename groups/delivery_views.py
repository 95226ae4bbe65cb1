"""A group's members that e-mail cannot reach, for the people who manage its roster."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from belong import delivery

from . import access
from .models import Membership


@login_required
@require_GET
def unreachable(request, slug):
    # The roster's own rule: its leads; for a normal group the equity director too; a confidential
    # group's only its leads.
    group = access.get_group_for_lead(request, slug)
    members = delivery.unreachable(
        Membership.objects.filter(group=group, status=Membership.Status.ACTIVE).select_related("user"),
        email_field="user__email",
    ).order_by("user__full_name", "user__email")
    return render(request, "delivery/group_unreachable.html", {"group": group, "members": list(members)})
