"""A frozen cache Redis costs a request at most one short timeout, not one per cache call.

A Redis that hangs (SIGSTOP) still accepts connections, so every call waits out its socket timeout;
a page makes several. belong.cache answers every call as a miss for CACHE_RETRY_AFTER_SECONDS after a
timeout, in every thread of the process, then tries Redis again.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from belong.cache import TolerantRedisCache

OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


@pytest.fixture
def frozen(private_redis):
    """Freeze `private_redis` inside the block; it resumes (SIGCONT) however the test ends."""
    pid = private_redis.process.pid

    class Freezer:
        def __enter__(self):
            os.kill(pid, signal.SIGSTOP)

        def __exit__(self, *exc_info):
            os.kill(pid, signal.SIGCONT)

    try:
        yield Freezer()
    finally:
        os.kill(pid, signal.SIGCONT)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_it_waits_one_timeout_then_misses_at_once_in_every_thread_and_recovers(private_redis, frozen, settings):
    settings.CACHE_RETRY_AFTER_SECONDS = 1
    cache = TolerantRedisCache(private_redis.url(2), {"OPTIONS": OPTIONS})
    cache.set("greeting", "hello")

    with frozen:
        first, first_took = timed(lambda: cache.get("greeting", "missed"))
        rest, rest_took = timed(lambda: [cache.get("greeting", "missed") for _ in range(50)])
        # Django builds a cache object per thread: another thread's is paused too.
        other_thread: list = []
        thread = threading.Thread(
            target=lambda: other_thread.append(
                timed(lambda: TolerantRedisCache(private_redis.url(2), {"OPTIONS": OPTIONS}).get("greeting", "missed"))
            )
        )
        thread.start()
        thread.join()
        assert cache.paused
        writes, writes_took = timed(lambda: (cache.set("greeting", "changed"), cache.add("lock", 1), cache.incr("n")))

    assert (first, rest) == ("missed", ["missed"] * 50)
    assert 0.4 < first_took < 1.0
    assert rest_took < 0.05
    assert other_thread[0][0] == "missed" and other_thread[0][1] < 0.05
    # While paused, add() lets the caller through and incr() counts nothing, as when Redis is down.
    assert writes == (None, True, 0) and writes_took < 0.05

    # Resumed: still misses until the pause is over, then one call finds Redis and the pause ends.
    assert cache.get("greeting", "missed") == "missed"
    time.sleep(1.1)
    assert not cache.paused  # /healthz's check may be the call that finds Redis again
    assert cache.get("greeting") == "hello"
    assert not cache.paused


def test_it_does_not_pause_for_a_refused_connection(private_redis, settings):
    settings.CACHE_RETRY_AFTER_SECONDS = 60
    cache = TolerantRedisCache(private_redis.url(2), {"OPTIONS": OPTIONS})
    private_redis.stop()

    assert timed(lambda: cache.get("greeting", "missed"))[1] < 0.2
    assert not cache.paused

    private_redis.start()
    cache.set("greeting", "back")
    assert cache.get("greeting") == "back"


def test_it_ends_the_pause_when_the_probing_call_fails_for_its_own_reasons(private_redis, frozen, settings):
    settings.CACHE_RETRY_AFTER_SECONDS = 0.5
    cache = TolerantRedisCache(private_redis.url(2), {"OPTIONS": OPTIONS})
    with frozen:
        cache.get("anything")
    time.sleep(0.6)

    # The call that tries Redis again is an incr of a key that does not exist: Redis answers, Django raises.
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
