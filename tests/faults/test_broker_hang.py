"""A frozen broker never holds the request that queued an e-mail (belong.publisher).

The delivery task is published after commit from a background thread: the commit returns at once, the
publish gives up after the broker's socket timeout, the row stays pending for the sweeper, and once
Redis resumes the next publish goes through on a new connection.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.db import transaction

from belong import mail, publisher
from belong.models import OutboxMessage
from tests.belong.fixtures import celery_broker
from tests.belong.services import ROOT
from tests.factories import UserFactory

pytestmark = pytest.mark.slow


def enqueue_and_commit(person) -> float:
    started = time.monotonic()
    with transaction.atomic():
        mail.enqueue(kind="account.message", to=person, context={"subject": "Hello", "text": "Hi", "html": "<p>Hi</p>"})
    return time.monotonic() - started


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_commits_at_once_while_the_broker_is_frozen_and_publishes_again_once_it_resumes(
    private_redis, settings, caplog
):
    person = UserFactory()
    queue = redis.Redis.from_url(private_redis.url(0))
    with celery_broker(private_redis.url(0)):
        enqueue_and_commit(person)  # connects, as a running site is
        assert publisher.wait_until_idle(timeout=10)
        assert queue.llen("celery") == 1

        os.kill(private_redis.process.pid, signal.SIGSTOP)
        try:
            with caplog.at_level(logging.WARNING, "belong.mail"):
                took = enqueue_and_commit(person)
                idle = publisher.wait_until_idle(timeout=10)
        finally:
            os.kill(private_redis.process.pid, signal.SIGCONT)

        assert took < 0.2, f"the commit waited {took:.2f} s on a frozen broker"
        assert idle, "the publisher gave up on the frozen broker within 10 s"
        assert "not queued" in caplog.text and "the sweeper will deliver it" in caplog.text
        assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 2

        enqueue_and_commit(person)
        assert publisher.wait_until_idle(timeout=10)
        # The frozen publish may land too once Redis reads its socket: the sweeper's claims send each row once.
        assert queue.llen("celery") >= 2
    queue.close()


def test_it_publishes_what_was_handed_over_before_the_process_exits(tmp_path):
    """A gunicorn worker recycled after max_requests exits right after its last response."""
    marker = tmp_path / "published"
    script = (
        "import pathlib, time, django\n"
        "django.setup()\n"
        "from belong.publisher import publish_in_background\n"
        "def publish(path):\n"
        "    time.sleep(0.5)\n"
        "    pathlib.Path(path).write_text('done')\n"
        f"publish_in_background(publish, {str(marker)!r})\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "belong.settings", "CELERY_TASK_ALWAYS_EAGER": "false"}
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, timeout=60)

    assert marker.read_text() == "done"
    assert time.monotonic() - started < 30
