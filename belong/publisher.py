"""Publishing to the Celery broker off the request's thread.

A request that writes an outbox row queues its delivery task once its transaction commits. Done in the
request's own thread, a Redis that hangs (frozen, not stopped: it still accepts connections) held the
response for as long as the hang lasted, since every join or reply waited on the publish. Here the
request only hands the publish to one background thread per process and answers at once; the thread
publishes with the broker's short timeouts (settings: CELERY_BROKER_TRANSPORT_OPTIONS).

Nothing is lost when a publish fails, waits behind a hang, is dropped because PUBLISHER_QUEUE_SIZE
publishes are already waiting, or the process ends first (it waits up to 2 s at exit): the row stays
pending in PostgreSQL and the outbox sweeper queues it again (belong.mail.sweep). With
CELERY_TASK_ALWAYS_EAGER there is no broker and the work runs at once, in the caller's thread, as tests
and local runs expect.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

EXIT_WAIT_SECONDS = 2.0

_lock = threading.Lock()
_waiting: queue.Queue | None = None
_owner_pid: int | None = None


def publish_in_background(publish: Callable[..., Any], *args: Any) -> None:
    """Run `publish(*args)` on this process's publisher thread; never waits for the broker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        publish(*args)
        return
    try:
        _publisher_queue().put_nowait((publish, args))
    except queue.Full:
        log.warning("Publisher queue full; %s left for the sweeper.", getattr(publish, "__name__", publish))


def wait_until_idle(timeout: float) -> bool:
    """Whether everything handed to the publisher so far has been tried within `timeout` seconds."""
    waiting = _waiting
    if waiting is None or _owner_pid != os.getpid():
        return True  # nothing handed over in this process (a fork inherits the queue, not the thread)
    done = threading.Event()
    try:
        waiting.put((done.set, ()), timeout=timeout)
    except queue.Full:
        return False
    return done.wait(timeout)


def _publisher_queue() -> queue.Queue:
    global _waiting, _owner_pid
    # A forked child (a gunicorn or Celery prefork worker) inherits the queue but not the thread.
    if _waiting is not None and _owner_pid == os.getpid():
        return _waiting
    with _lock:
        if _waiting is None or _owner_pid != os.getpid():
            waiting: queue.Queue = queue.Queue(maxsize=getattr(settings, "PUBLISHER_QUEUE_SIZE", 1000))
            threading.Thread(target=_run, args=(waiting,), name="belong-publisher", daemon=True).start()
            if _owner_pid is None:
                # A gunicorn worker recycled after max_requests exits right after its last response:
                # give what it handed over a moment to reach the broker (a fork inherits the hook).
                atexit.register(wait_until_idle, timeout=EXIT_WAIT_SECONDS)
            _waiting, _owner_pid = waiting, os.getpid()
        return _waiting


def _run(waiting: queue.Queue) -> None:
    while True:
        publish, args = waiting.get()
        try:
            publish(*args)
        except Exception:
            log.exception("Background publish %s failed.", getattr(publish, "__name__", publish))
