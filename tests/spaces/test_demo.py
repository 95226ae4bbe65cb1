"""The demo space: loaded once, in the demo lead's group."""

from __future__ import annotations

import io

import pytest

from spaces import demo
from spaces.models import Announcement, Resource, Thread

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_space_once(world):
    people = {"lead": world.lead}
    demo.load(io.StringIO(), people)
    demo.load(io.StringIO(), people)
    assert Announcement.objects.filter(group=world.group, pinned=True).count() == 1
    assert Thread.objects.filter(group=world.group).count() == 1
    assert Resource.objects.filter(group=world.group).count() == 1


def test_it_does_nothing_without_a_lead(db):
    demo.load(io.StringIO(), {})
    assert not Announcement.objects.exists()
