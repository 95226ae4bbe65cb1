"""Decision e-mails reach the leads through the outbox, in their language, naming no one."""

from __future__ import annotations

import datetime

import pytest

from funding import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def _ask(world, group, lead, amount=30_000):
    return services.request_create(
        cycle=world.cycle,
        group=group,
        amount_cents=amount,
        purpose="Guest speaker",
        planned_on=datetime.date(2026, 11, 1),
        category="speaker",
        by=lead,
    )


def test_it_tells_the_leads_of_a_partial_approval(world, director, deliver, mailoutbox):
    world.lead.preferred_language = "en"
    world.lead.save()
    funding_request = _ask(world, world.group, world.lead)
    mailoutbox.clear()
    deliver(
        services.request_decide,
        funding_request=funding_request,
        decision="partly",
        approved_cents=20_000,
        message="Half now, half in spring",
        by=director,
    )
    [note] = [m for m in mailoutbox if m.to == [world.lead.email]]
    assert note.subject == f"Harbor Readers: a decision on funding request FR-{funding_request.pk}"
    assert "approved $200.00 of the $300.00" in note.body
    assert "Half now, half in spring" in note.body
    assert f"/funding/groups/harbor-readers/?cycle={world.cycle.pk}" in note.body


def test_it_writes_to_a_lead_in_their_language(world, director, deliver, mailoutbox):
    funding_request = _ask(world, world.group, world.lead)  # the lead reads Spanish
    mailoutbox.clear()
    deliver(services.request_decide, funding_request=funding_request, decision="approve", by=director)
    [note] = [m for m in mailoutbox if m.to == [world.lead.email]]
    # Until the lead regenerates the catalogues the words are English; the figures already follow Spanish.
    assert "300,00" in note.body


def test_it_keeps_a_confidential_groups_mail_neutral_and_nameless(world, director, deliver, mailoutbox):
    funding_request = deliver(_ask, world=world, group=world.secret_group, lead=world.secret_lead)
    [to_director] = [m for m in mailoutbox if m.to == [director.email]]
    assert to_director.subject == "A funding decision is waiting"
    assert "Sasha" not in to_director.body and world.secret_lead.email not in to_director.body
    mailoutbox.clear()
    deliver(services.request_decide, funding_request=funding_request, decision="decline", by=director)
    [note] = mailoutbox
    assert note.subject == "A message from Belong"
    assert "declined funding request" in note.body
