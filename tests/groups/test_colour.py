"""A group's colour: a fixed palette the lead chooses from, each readable with white text."""

import re
from pathlib import Path

import pytest

from belong.models import AuditLog
from groups.models import GROUP_COLOUR_HEX, GroupColour

from .factories import GroupFactory, LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "groups.css"


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("colour", GroupColour.values)
def test_it_keeps_white_text_readable_on_every_colour(colour):
    ratio = 1.05 / (_luminance(GROUP_COLOUR_HEX[colour]) + 0.05)
    assert ratio >= 4.5, (colour, ratio)
    # The stylesheet draws the same colour the model promises.
    rule = re.search(rf"\.group-colour-{colour} {{ --group-colour: (#[0-9a-f]{{6}}); }}", CSS.read_text())
    assert rule and rule.group(1) == GROUP_COLOUR_HEX[colour]


def test_it_lets_a_lead_choose_the_colour_and_records_who(client):
    lead = LeadFactory()
    group = lead.group
    client.force_login(lead.user)
    page = client.get(group.get_absolute_url()).text
    assert f'action="/groups/{group.slug}/colour/"' in page
    chosen = "berry" if group.colour != "berry" else "teal"
    response = client.post(f"/groups/{group.slug}/colour/", {"colour": chosen})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.colour == chosen
    entry = AuditLog.objects.get(action="groups.colour_changed")
    assert entry.actor == lead.user and entry.detail["to"] == chosen
    assert f'class="card h-100 group-card group-colour-{chosen}"' in client.get("/groups/").text


def test_it_refuses_a_colour_outside_the_palette(client):
    lead = LeadFactory()
    group = lead.group
    before = group.colour
    client.force_login(lead.user)
    response = client.post(f"/groups/{group.slug}/colour/", {"colour": "#ff0000"}, follow=True)
    assert "Choose one of the colours shown." in response.text
    group.refresh_from_db()
    assert group.colour == before


def test_it_lets_only_those_who_manage_the_group_choose(client):
    group = GroupFactory()
    member = MembershipFactory(group=group).user
    client.force_login(member)
    assert client.post(f"/groups/{group.slug}/colour/", {"colour": "teal"}).status_code == 403
    assert f'action="/groups/{group.slug}/colour/"' not in client.get(group.get_absolute_url()).text
