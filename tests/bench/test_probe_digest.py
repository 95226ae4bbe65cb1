"""bench/probe_digest.py builds the digest for everyone, renders each distinct digest once, and leaves nothing."""

from __future__ import annotations

import json

import pytest

from belong.models import OutboxMessage
from spaces.models import Announcement, NotificationPreference
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_it_measures_the_digest_and_rolls_everything_back(capsys, settings):
    settings.SPACES_DIGEST_BATCH = 3
    first, second = GroupFactory(), GroupFactory()
    for n in range(4):
        MembershipFactory(group=first, user=UserFactory(preferred_language="es" if n == 0 else "en"))
    for _n in range(3):
        MembershipFactory(group=second)
    from bench import probe_digest

    probe_digest.main(["--render", "50"])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("BENCH_RESULT "))
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    assert result["messages"] == 7
    assert result["batches"] == 3
    # Two groups, one of them with a Spanish reader: three distinct digests, each rendered once.
    assert result["distinct_contents"] == 3 and result["renderings"] == 3 and result["rendered"] == 7
    assert not OutboxMessage.objects.filter(kind="spaces.digest").exists()
    assert not Announcement.objects.exists() and not NotificationPreference.objects.exists()
