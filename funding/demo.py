"""A demo funding cycle: allocations to a few groups, requests decided three ways, expenses with receipts.

The spending is the kind the seed districts' groups have: food for a meeting, a guest speaker's honorarium,
books for a study group, leads' stipends. Safe to run again: nothing is added once a cycle exists.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from groups.models import Group, Membership

from . import services
from .models import Cycle

DEMO_RECEIPT = b"%PDF-1.4\n% Belong demo receipt\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# group name, allocation in dollars
ALLOCATIONS = [
    ("Latinx/Hispanic Belong Group", 1500),
    ("LGBTQ+ Belong Group", 1200),
    ("Educators of Color Network", 1500),
    ("Educator Ally Group", 800),
]


def _lead(group: Group):
    membership = (
        Membership.objects.filter(group=group, role=Membership.Role.LEAD, status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def _receipt() -> ContentFile:
    return ContentFile(DEMO_RECEIPT, name="receipt.pdf")


def load(stdout, people: dict) -> None:
    if Cycle.objects.exists():
        return
    director = people["director"]
    name, starts, ends = services.default_cycle()
    cycle = services.cycle_create(name=name, starts_on=starts, ends_on=ends, total_cents=1_000_000, by=director)
    groups = {g.name: g for g in Group.objects.filter(name__in=[n for n, _ in ALLOCATIONS])}
    for group_name, dollars in ALLOCATIONS:
        if group_name in groups:
            services.allocation_set(
                cycle=cycle, group=groups[group_name], amount_cents=dollars * 100, reason="", by=director
            )
    day = starts + datetime.timedelta(days=75)

    latinx = groups.get("Latinx/Hispanic Belong Group")
    lead = latinx and _lead(latinx)
    if lead:
        food = services.request_create(
            cycle=cycle,
            group=latinx,
            amount_cents=40_000,
            purpose="Food for the fall family night meeting",
            planned_on=day,
            category="food",
            by=lead,
        )
        services.request_decide(
            funding_request=food,
            decision="partly",
            approved_cents=30_000,
            message="Approved for 30 guests; ask again if more sign up.",
            by=director,
        )
        services.expense_record(
            cycle=cycle,
            group=latinx,
            funding_request=food,
            spent_on=day,
            amount_cents=21_480,
            category="food",
            vendor="Corner Market catering",
            note="Tamales and drinks",
            receipt=_receipt(),
            by=lead,
        )
        services.expense_record(
            cycle=cycle,
            group=latinx,
            funding_request=food,
            spent_on=day,
            amount_cents=12_000,
            category="food",
            vendor="Sunrise Bakery",
            note="Desserts (beyond what remained: waits for the director)",
            receipt=_receipt(),
            by=lead,
        )
        services.request_create(
            cycle=cycle,
            group=latinx,
            amount_cents=25_000,
            purpose="Books for the spring study circle",
            planned_on=day + datetime.timedelta(days=120),
            category="materials",
            by=lead,
        )

    lgbtq = groups.get("LGBTQ+ Belong Group")
    lead = lgbtq and _lead(lgbtq)
    if lead:
        speaker = services.request_create(
            cycle=cycle,
            group=lgbtq,
            amount_cents=50_000,
            purpose="Honorarium for a guest speaker on inclusive curriculum",
            planned_on=day + datetime.timedelta(days=30),
            category="speaker",
            by=lead,
        )
        services.request_decide(funding_request=speaker, decision="approve", message="Thank you.", by=director)
        services.expense_record(
            cycle=cycle,
            group=lgbtq,
            funding_request=speaker,
            spent_on=day + datetime.timedelta(days=30),
            amount_cents=50_000,
            category="speaker",
            vendor="Guest speaker honorarium",
            receipt=_receipt(),
            by=lead,
        )

    ally = groups.get("Educator Ally Group")
    lead = ally and _lead(ally)
    if lead:
        stipend = services.request_create(
            cycle=cycle,
            group=ally,
            amount_cents=100_000,
            purpose="Stipends for two leads",
            planned_on=day,
            category="stipend",
            by=lead,
        )
        services.request_decide(
            funding_request=stipend,
            decision="decline",
            message="Stipends come from the district's extra-duty budget this year.",
            by=director,
        )
    stdout.write(f"Funding: cycle {cycle.name} with {len(groups)} allocations.\n")
