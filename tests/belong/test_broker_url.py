"""Celery's broker is the cache's Redis database, also when Redis listens on a unix socket (the embedded server)."""

import subprocess

import pytest
import redis
from kombu import Connection

from belong.settings import celery_broker_url

from .services import redis_server_binary, wait_until


def test_it_keeps_a_tcp_url_as_it_is():
    assert celery_broker_url("redis://127.0.0.1:6379/9") == "redis://127.0.0.1:6379/9"
    assert celery_broker_url("rediss://cache.example:6380/2") == "rediss://cache.example:6380/2"


def test_it_names_a_sockets_database_the_way_kombu_reads_it():
    assert celery_broker_url("unix:///srv/redis.sock?db=9") == "redis+socket:///srv/redis.sock?virtual_host=9"
    assert celery_broker_url("unix:///srv/redis.sock") == "redis+socket:///srv/redis.sock"


@pytest.fixture
def socket_redis(tmp_path):
    socket_path = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [redis_server_binary(), "--port", "0", "--unixsocket", str(socket_path), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(socket_path.exists, timeout=10, what="redis-server's socket")
        yield socket_path
    finally:
        process.kill()
        process.wait()


def test_it_publishes_tasks_into_the_database_the_socket_url_names(socket_redis):
    with Connection(celery_broker_url(f"unix://{socket_redis}?db=9")) as connection:
        connection.SimpleQueue("belong-probe").put({"probe": True})
    assert redis.Redis(unix_socket_path=str(socket_redis), db=9).llen("belong-probe") == 1
    assert redis.Redis(unix_socket_path=str(socket_redis), db=0).llen("belong-probe") == 0
