"""bench/run's engine: serve the portal with gunicorn on a synthetic district and measure it.

Run it through `bench/run` (which prepares .venv and wrk). Everything binds to 127.0.0.1, every load
loop has a fixed duration, and every process it starts is stopped before it returns.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
RESULTS = BENCH / "results"

sys.path.insert(0, str(ROOT))

from bench.generate import FIXTURE  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(message, flush=True)


# --- Configuration -------------------------------------------------------------------------------------


def default_database_url() -> str:
    """The bench's own database beside the configured one (or the embedded server's)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        from belong import embedded

        base = embedded.database_url()
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/belong_bench"))


def default_redis_url() -> str:
    base = os.environ.get("REDIS_URL", "")
    if not base:
        from belong import embedded

        return embedded.redis_url() + "?db=9"
    parts = urlsplit(base)
    if parts.scheme.startswith("unix"):
        return urlunsplit(parts._replace(query="db=9"))
    return urlunsplit(parts._replace(path="/9"))


def bench_environment(args, smtp_port: int, web_port: int) -> dict[str, str]:
    """Production settings, pointed at the bench's database, Redis DB and local SMTP server."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "belong-bench",
        "DEBUG": "false",
        "SECRET_KEY": args.secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        # Plain HTTP on the loopback: no TLS proxy in front, so no redirect to https and no HSTS.
        "SECURE_SSL_REDIRECT": "false",
        "BEHIND_TLS_PROXY": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_MANIFEST": "true",
        "DATABASE_CONN_MAX_AGE": "600",
        "EMAIL_DELIVERY": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "ADMIN_REQUIRES_MFA": "false",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }
    return env


# --- Processes -----------------------------------------------------------------------------------------


@contextmanager
def process(command: list[str], *, env: dict[str, str], name: str, log_path: Path):
    """Start a process in its own session and stop exactly it (and its children) afterwards."""
    handle = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        handle.close()


def wait_for_http(url: str, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early (code {proc.returncode}); see its log")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


def wait_for_workers(url: str, workers: int, proc, timeout: float = 90, answers: int = 5) -> dict[str, int]:
    """Wait until every gunicorn worker has answered `answers` requests of the bare view.

    The first answer only says that one worker is up. Without this the first page measured shared the CPU
    with workers still importing Django (or, without preload_app, each importing it for the first time),
    which put seconds into its p99. Requests go in concurrent bursts, each on its own connection, so the
    kernel hands them to different workers; the bare view names the worker that answered (X-Bench-Worker).
    """
    from concurrent.futures import ThreadPoolExecutor

    def ask(_):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                return response.headers.get("X-Bench-Worker", "")
        except OSError:
            return ""

    seen: dict[str, int] = {}
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited early (code {proc.returncode}); see its log")
            for pid in pool.map(ask, range(workers * 4)):
                if pid:
                    seen[pid] = seen.get(pid, 0) + 1
            if len(seen) >= workers and min(seen.values()) >= answers:
                return seen
            time.sleep(0.05)
    raise RuntimeError(f"only {len(seen)} of {workers} workers answered within {timeout:.0f}s")


# --- Measurements ----------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    method: str = "GET"
    cookie: str = ""
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    pool: list[tuple[str, str]] | None = None  # (cookie, body) per request
    warm_up: bool = True
    # Load for this page alone: e.g. one connection, to read a latency that is not queueing.
    threads: int | None = None
    connections: int | None = None


@dataclass
class Result:
    page: Page
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    statuses: str
    queries: int | None = None
    note: str = ""
    single_ms: float | None = None  # one request alone, in-process (no HTTP, no queueing)


def run_wrk(
    page: Page, *, base_url: str, duration: int, threads: int, connections: int, workdir: Path, env: dict[str, str]
) -> dict:
    wrk_env = {**env, "BENCH_METHOD": page.method, "BENCH_BODY": page.body}
    headers = dict(page.headers)
    if page.cookie:
        headers["Cookie"] = page.cookie
    if page.method == "POST":
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    wrk_env["BENCH_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in headers.items())
    wrk_env["BENCH_POOL"] = ""
    if page.pool is not None:
        prefix = workdir / f"pool-{page.name.replace(' ', '-').replace('/', '-')}"
        for thread in range(threads):
            with open(f"{prefix}.{thread + 1}", "w") as handle:
                for cookie, body in page.pool[thread::threads]:
                    handle.write(f"{cookie}\t{body}\n")
        wrk_env["BENCH_POOL"] = str(prefix)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(BENCH / "wrk" / "bench.lua"),
        base_url + page.path,
    ]
    completed = subprocess.run(command, env=wrk_env, capture_output=True, text=True, timeout=duration + 60, check=False)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise RuntimeError(f"wrk gave no result for {page.name}: {completed.stdout}\n{completed.stderr}")


def count_queries(client, page: Page, *, repeat_pool_entry: tuple[str, str] | None = None) -> tuple[int, int, float]:
    """(queries, status, seconds) for one request through Django's test client against the bench database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cookie, body = repeat_pool_entry if repeat_pool_entry else (page.cookie, page.body)
    client.cookies.clear()
    for part in filter(None, (p.strip() for p in cookie.split(";"))):
        name, _, value = part.partition("=")
        client.cookies[name] = value
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in page.headers.items()}
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        if page.method == "POST":
            response = client.post(page.path, data=body, content_type="application/x-www-form-urlencoded", **extra)
        else:
            response = client.get(page.path, **extra)
        if getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
    return len(captured.captured_queries), response.status_code, time.perf_counter() - started


# --- Fixtures: sessions, CSRF, comment tokens ----------------------------------------------------------


def make_sessions(users) -> dict[int, str]:
    """A signed-in session per user, written straight to the session store (no login round trip)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    # Written to the database: the db engine reads them there, and cached_db on its first miss.
    assert settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
        "belong.sessions",
    ), settings.SESSION_ENGINE
    store = SessionStore()
    expires = timezone.now() + timedelta(days=1)
    rows, keys = [], {}
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=2000)
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        # A sign-in puts the session in the cache as well as the database; so does the bench, under the key
        # the configured store uses.
        from importlib import import_module

        from django.core.cache import caches

        cached_store = import_module(settings.SESSION_ENGINE).SessionStore
        sessions = {
            cached_store(key).cache_key: store.decode(row.session_data)
            for key, row in zip(keys.values(), rows, strict=True)
        }
        caches[settings.SESSION_CACHE_ALIAS].set_many(sessions, timeout=86400)
    return keys


def cookie_for(session_key: str, csrf: str | None = None) -> str:
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    if csrf:
        cookie += f"; {settings.CSRF_COOKIE_NAME}={csrf}"
    return cookie


def new_csrf_secret() -> str:
    from django.middleware.csrf import _get_new_csrf_string

    return _get_new_csrf_string()


def comment_tokens(count: int) -> list[str]:
    """Genuine form tokens, already older than the form's minimum fill-in time."""
    from django.core import signing

    from comments import protection

    issued = int(time.time()) - 30
    return [
        signing.dumps({"n": secrets.token_urlsafe(12), "t": issued}, salt=protection._TOKEN_SALT) for _ in range(count)
    ]


# --- The run ---------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    pg = ""
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg = "PostgreSQL " + cursor.fetchone()[0].split()[0]
    except Exception:  # the report says "?" rather than failing
        pg = ""
    load = " / ".join(f"{n:.1f}" for n in os.getloadavg())
    return {
        "load": load,
        "cpus": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "python": sys.version.split()[0],
        "psql": pg or "?",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure Belong against the bare framework (see bench/run).")
    parser.add_argument("--scale", type=float, default=1.0, help="district size: 1 = 150,000 staff; 0.01 quick")
    parser.add_argument("--regenerate", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument(
        "--duration", type=int, default=None, help="seconds of load per page (default 10; 5 below --scale 0.1)"
    )
    # The production formula from deploy/gunicorn.conf.py: 2 x CPUs + 1 (at most 9), 2 threads each.
    parser.add_argument("--workers", type=int, default=min(2 * (os.cpu_count() or 1) + 1, 9))
    parser.add_argument("--threads", type=int, default=2, help="gthread threads per gunicorn worker")
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class (gthread as in production, or sync)"
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated words: measure only the pages whose name holds one (and the bare view)",
    )
    parser.add_argument("--connections", type=int, default=0, help="wrk connections (default: workers x threads)")
    parser.add_argument("--notice-timeout", type=int, default=300, help="seconds to wait for the notice e-mails")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: pages,notice,export,digest")
    args = parser.parse_args(argv)
    args.duration = args.duration or (10 if args.scale >= 0.1 else 5)
    args.database_url = args.database_url or default_database_url()
    args.redis_url = args.redis_url or default_redis_url()
    args.secret_key = secrets.token_urlsafe(50)
    for url in (args.database_url, args.redis_url):
        host = urlsplit(url).hostname
        if host not in (None, "", "127.0.0.1", "localhost", "::1"):
            parser.error(f"the bench only talks to servers on this machine, not {host}")
    skip = set(filter(None, args.skip.split(",")))
    started = time.monotonic()
    RESULTS.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="belong-bench-"))
    try:
        return _run(args, skip, workdir, started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _prepare_database(args) -> None:
    from bench import generate

    if args.regenerate:
        _drop_database(args.database_url)
    generate.ensure_database(args.database_url)
    marker = _read_scale(args.database_url)
    if marker is not None and abs(marker - args.scale) > 1e-9:
        log(f"==> The bench database holds a district at scale {marker:g}; rebuilding it at {args.scale:g}")
        _drop_database(args.database_url)
        generate.ensure_database(args.database_url)
        marker = None
    if marker is None:
        # Empty, or left half-built by an interrupted run: start from a clean database.
        _drop_database(args.database_url)
        generate.ensure_database(args.database_url)
        command = [
            PYTHON,
            str(BENCH / "generate.py"),
            "--database-url",
            args.database_url,
            "--scale",
            str(args.scale),
            "--force",
        ]
        subprocess.run(
            command,
            cwd=ROOT,
            check=True,
            env={**os.environ, "SECRET_KEY": args.secret_key, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        )
    else:
        log(f"==> Reusing the bench district at scale {marker:g} (bench/run --regenerate rebuilds it)")
        # New migrations since it was built (a new column or index) apply to the existing district.
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            check=True,
            env={
                **os.environ,
                "SECRET_KEY": args.secret_key,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": args.database_url,
            },
        )
        # Earlier runs' writes (each join and leave rewrites its group's row, and comments, sessions and
        # outbox rows pile up) are vacuumed as autovacuum would have done by now. A server that runs with
        # autovacuum off, as some development machines do, would otherwise measure every earlier run's dead
        # rows: the join's p50 on one connection doubled over four runs on such a machine.
        started = time.monotonic()
        _vacuum(args.database_url)
        log(f"==> VACUUM ANALYZE of what earlier runs wrote ({time.monotonic() - started:.0f}s)")


def _vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _read_scale(url: str) -> float | None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('bench_district')").fetchone()[0]
        if not exists:
            return None
        row = conn.execute("SELECT scale FROM bench_district").fetchone()
        return float(row[0]) if row else None


def _run(args, skip: set[str], workdir: Path, started: float) -> int:
    smtp_port, web_port = free_port(), free_port()
    env_overrides = bench_environment(args, smtp_port, web_port)
    log(f"==> Bench database {_redact(args.database_url)}, Redis {_redact(args.redis_url)}")
    os.environ.update(env_overrides)
    _prepare_database(args)

    import django

    django.setup()
    from django.core.management import call_command

    log("==> collectstatic (hashed, compressed files as in production)")
    call_command("collectstatic", interactive=False, verbosity=0)
    _flush_redis(args.redis_url)
    env = {**os.environ, **env_overrides}

    from django.contrib.auth import get_user_model
    from django.test import Client

    from groups.models import Group

    User = get_user_model()
    base_url = f"http://127.0.0.1:{web_port}"
    threads = 2
    connections = args.connections or args.workers * args.threads
    results: list[Result] = []
    extras: dict[str, dict] = {}
    info = machine()
    from bench.generate import ensure_funding

    added = ensure_funding(args.scale)
    if added:
        log("==> Funding added to the district: " + ", ".join(f"{n:,} {k}" for k, n in added.items()))
    counts = _district_counts()
    log("==> District: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))

    large = Group.objects.get(slug="bench-large")
    lead = User.objects.get(email=FIXTURE["lead_of"]["bench-large"])
    viewer = User.objects.get(email=FIXTURE["viewer"])
    superuser = User.objects.get(email=FIXTURE["superuser"])
    join_group = Group.objects.get(slug="bench-join")

    if "pages" not in skip:
        mail_before = _request_mail()
        pages = _pages(args, large, lead, viewer, superuser, join_group, threads)
        if args.only:
            words = [word.strip() for word in args.only.split(",") if word.strip()]
            pages = [p for p in pages if p.name == "bare view" or any(word in p.name for word in words)]
        # A page that fails answers 500 here as it would to a visitor; the run goes on and says so.
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        with ExitStack() as stack:
            # Production's gunicorn settings (access log without client data, keep-alive, worker recycling),
            # bound to the loopback only; the command line wins over the config file.
            config = ROOT / "deploy" / "gunicorn.conf.py"
            gunicorn = stack.enter_context(
                process(
                    [
                        str(Path(PYTHON).parent / "gunicorn"),
                        *(["--config", str(config)] if config.exists() else []),
                        "belong.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{web_port}",
                        "--workers",
                        str(args.workers),
                        "--threads",
                        str(args.threads),
                        "--worker-class",
                        args.worker_class,
                    ],
                    env=env,
                    name="gunicorn",
                    log_path=RESULTS / "gunicorn.log",
                )
            )
            wait_for_http(base_url + "/bench/bare/", gunicorn)
            wait_for_workers(base_url + "/bench/bare/", args.workers, gunicorn)
            log(
                f"==> gunicorn: {args.workers} {args.worker_class} workers x {args.threads} threads; "
                f"wrk: {threads} threads, "
                f"{connections} connections, {args.duration}s per page"
            )
            bare_rps = None
            for page in pages:
                try:
                    queries, status, seconds = _queries_for(client, page)
                except Exception as error:  # a half-migrated app must not sink the other measurements
                    log(f"    {page.name:<28} failed in-process: {type(error).__name__}: {error}")
                    results.append(
                        Result(
                            page=page,
                            requests_per_second=0,
                            p50_ms=0,
                            p99_ms=0,
                            requests=0,
                            statuses="error",
                            note=f"{type(error).__name__}: {str(error)[:120]}",
                        )
                    )
                    continue
                if seconds > TOO_SLOW_SECONDS:
                    result = Result(
                        page=page,
                        requests_per_second=1 / seconds,
                        p50_ms=seconds * 1000,
                        p99_ms=seconds * 1000,
                        requests=1,
                        statuses=f"1 x {status}",
                        queries=queries,
                        single_ms=seconds * 1000,
                        note=f"not loaded: one request took {seconds:.1f} s in-process",
                    )
                    results.append(result)
                    log(f"    {page.name:<28} one request {seconds:.1f} s, {queries} queries: too slow to load")
                    continue
                load = {"threads": page.threads or threads, "connections": page.connections or connections}
                if page.warm_up:
                    run_wrk(page, base_url=base_url, duration=2, workdir=workdir, env=env, **load)
                before = _page_state(page)
                measured = run_wrk(page, base_url=base_url, duration=args.duration, workdir=workdir, env=env, **load)
                run_seconds = measured["duration_us"] / 1e6
                result = Result(
                    page=page,
                    requests_per_second=measured["requests"] / run_seconds,
                    p50_ms=measured["p50_us"] / 1000,
                    p99_ms=measured["p99_us"] / 1000,
                    requests=measured["requests"],
                    statuses=_statuses(measured),
                    queries=queries,
                    single_ms=seconds * 1000,
                    note=_page_note(page, before, measured, status),
                )
                if page.name == "bare view":
                    bare_rps = result.requests_per_second
                results.append(result)
                log(
                    f"    {page.name:<28} {result.requests_per_second:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  "
                    f"p99 {result.p99_ms:7.1f} ms  {queries} queries  [{result.statuses}] {result.note}"
                )
            extras["bare_rps"] = {"value": bare_rps}
        after = _request_mail()
        extras["request_mail"] = {key: after[key] - mail_before[key] for key in after}

    if "export" not in skip:
        extras["export"] = _measure_export(env)
        log(f"==> Roster CSV export: {json.dumps(extras['export'])}")

    if "digest" not in skip:
        extras["digest"] = _measure_digest(env)
        log(f"==> Weekly digest: {json.dumps(extras['digest'])}")

    if "notice" not in skip:
        extras["notice"] = _measure_notice(args, env, smtp_port, workdir)
        log(f"==> Meeting notice: {json.dumps(extras['notice'])}")

    report = _report(results, extras, info, counts, args, connections, threads, time.monotonic() - started)
    print()
    print(report)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    (RESULTS / f"bench-{stamp}.md").write_text(report + "\n")
    (RESULTS / "latest.md").write_text(report + "\n")
    return 0


def _redact(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=(parts.hostname or "") + (f":{parts.port}" if parts.port else "")))


def _flush_redis(url: str) -> None:
    """Empty the bench's own Redis database: stale queued tasks, sessions and rate-limit counters."""
    from django.core.cache import cache

    cache.clear()


def _district_counts() -> dict[str, int]:
    from django.apps import apps
    from django.db import connection

    tables = set(connection.introspection.table_names())
    counts = {}
    for label, model_name, name in [
        ("accounts", "User", "staff"),
        ("groups", "Group", "groups"),
        ("groups", "Membership", "memberships"),
        ("meetings", "Meeting", "meetings"),
        ("meetings", "Occurrence", "occurrences"),
        ("comments", "Comment", "comments"),
        ("equity_plan", "ActionItem", "action items"),
        ("funding", "Expense", "expenses"),
    ]:
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        if model._meta.db_table in tables:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
                counts[name] = cursor.fetchone()[0]
    return counts


def _pages(args, large, lead, viewer, superuser, join_group, threads: int) -> list[Page]:
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from accounts.models import ADMINISTRATOR_ROLES
    from groups.models import Group, Membership

    User = get_user_model()
    keys = make_sessions([lead, viewer, superuser])
    csrf = new_csrf_secret()
    pages = [
        Page("bare view", "/bench/bare/"),
        Page("directory /groups/", "/groups/", cookie=cookie_for(keys[viewer.pk])),
        Page(f"group page ({_members(large):,} members)", f"/groups/{large.slug}/", cookie=cookie_for(keys[viewer.pk])),
        Page(
            f"roster ({_members(large):,} members, lead)",
            f"/groups/{large.slug}/roster/",
            cookie=cookie_for(keys[lead.pk]),
        ),
    ]
    from equity_plan.models import Plan

    plan = Plan.objects.filter(slug=FIXTURE["plan_slug"]).first()
    if plan:
        pages.append(Page("plan overview (public)", f"/plan/{plan.slug}/"))
    from comments.models import Topic

    topic = Topic.objects.filter(is_open=True).order_by("position").first()
    if topic:
        pages.append(Page("comment form GET (public)", "/comment/"))
        # One genuine single-use token per request: enough for 2,000 requests a second.
        tokens = comment_tokens(max(2000, 2000 * args.duration))
        body = {
            "topic": topic.pk,
            "body": "The new family liaison hours at our school have really helped.",
            "relationship": "",
            "website": "",
        }
        pages.append(
            Page(
                "comment form POST (public)",
                "/comment/",
                method="POST",
                warm_up=False,
                pool=[("", urlencode({**body, "form_token": token})) for token in tokens],
            )
        )
    # Join / leave: each request is a different person who is not yet in the group.
    eligible = (
        User.objects.filter(is_active=True)
        .exclude(job_role__in=ADMINISTRATOR_ROLES)
        .exclude(Exists(Membership.objects.filter(group=join_group, user=OuterRef("pk"))))
        .exclude(email__startswith="lead-")
        .exclude(email__in=[FIXTURE["superuser"], FIXTURE["viewer"]])
        .order_by("?")
    )
    # Enough people that no wrk thread comes back to one already joined at up to 600 joins a second (wrk
    # gives each thread its own share of the pool, and one that has walked its share starts it again).
    people = list(eligible[: 600 * args.duration + 600])
    person_keys = make_sessions(people)
    token_body = urlencode({"csrfmiddlewaretoken": csrf, "message": ""})
    entries = [(cookie_for(person_keys[p.pk], csrf), token_body) for p in people]
    light, pool = entries[:600], entries[600:]
    # wrk gives each thread every n-th entry; leave must walk the same people in the same order.
    join_path, leave_path = f"/groups/{join_group.slug}/join/", f"/groups/{join_group.slug}/leave/"
    pages.append(Page("join POST", join_path, method="POST", pool=pool, warm_up=False))
    pages.append(Page("leave POST", leave_path, method="POST", pool=pool, warm_up=False))
    # Under full load p50 is mostly queueing (connections / throughput); one connection shows the request itself.
    pages.append(
        Page("join POST, 1 connection", join_path, method="POST", pool=light, warm_up=False, threads=1, connections=1)
    )
    # One reviewer at a time: the time of a page view, not of a queue of them.
    pages.append(
        Page(
            "admin comment list (superuser), 1 connection",
            "/admin/comments/comment/",
            cookie=cookie_for(keys[superuser.pk]),
            threads=1,
            connections=1,
        )
    )
    pages.append(
        Page(
            "admin comments, status filter, 1 connection",
            "/admin/comments/comment/?status__exact=new",
            cookie=cookie_for(keys[superuser.pk]),
            threads=1,
            connections=1,
        )
    )
    # Impact: the director's annual report for the current school year (every table, suppression, charts).
    pages.append(
        Page(
            "annual report, school year (director), 1 connection",
            "/impact/report/",
            cookie=cookie_for(keys[superuser.pk]),
            threads=1,
            connections=1,
        )
    )
    from funding.models import Cycle, Expense

    cycle = Cycle.objects.order_by("-starts_on").first()
    if cycle:
        groups, expenses = Group.objects.count(), Expense.objects.filter(cycle=cycle).count()
        pages.append(
            Page(
                f"funding program page ({groups:,} groups, {expenses:,} expenses, director), 1 connection",
                f"/funding/cycles/{cycle.pk}/",
                cookie=cookie_for(keys[superuser.pk]),
                threads=1,
                connections=1,
            )
        )
    return pages


def _members(group) -> int:
    from groups.models import Membership

    return Membership.objects.filter(group=group, status="active").count()


# A page slower than this for a single request is reported from that request alone, not loaded with wrk:
# a 10-second run would see a handful of requests and tie up every worker.
TOO_SLOW_SECONDS = 5.0


def _queries_for(client, page: Page) -> tuple[int, int, float]:
    """Queries for one request, measured on a second request so one-off caches do not count."""
    if page.pool is not None:
        # A person kept aside from the pool, so wrk's first requests still do real joins and leaves.
        entry = page.pool.pop()
        if page.name == "join POST":
            measured = count_queries(client, page, repeat_pool_entry=entry)
            _queries_for.join_entry = entry
            return measured
        if page.name == "leave POST" and getattr(_queries_for, "join_entry", None):
            return count_queries(client, page, repeat_pool_entry=_queries_for.join_entry)
        return count_queries(client, page, repeat_pool_entry=entry)
    first = count_queries(client, page)
    if first[2] > TOO_SLOW_SECONDS:
        return first  # no second helping of a page that takes this long
    return count_queries(client, page)


def _request_mail() -> dict:
    """What the page runs did about e-mail: rows queued in the outbox, and how many were sent.

    No Celery worker and no SMTP server run during the page runs, so a request that tried to send
    mail itself would have failed; `sent` must be 0.
    """
    from django.db.models import Count

    from belong.models import OutboxMessage

    rows = OutboxMessage.objects.values("status").annotate(n=Count("id"))
    by_status = {row["status"]: row["n"] for row in rows}
    return {
        "queued": by_status.get(OutboxMessage.Status.PENDING, 0),
        "sent": by_status.get(OutboxMessage.Status.SENT, 0),
    }


def _page_state(page: Page) -> int | None:
    if page.name.startswith("comment form POST"):
        from comments.models import Comment

        return Comment.objects.count()
    if page.name.startswith(("join POST", "leave POST")):
        from groups.models import Group, Membership

        return Membership.objects.filter(group=Group.objects.get(slug="bench-join")).count()
    return None


def _page_note(page: Page, before: int | None, measured: dict, status: int) -> str:
    after = _page_state(page)
    notes = []
    if status >= 400:
        notes.append(f"status {status} in-process")
    if before is not None and after is not None:
        change = after - before
        what = (
            "joined"
            if page.name.startswith("join")
            else "left"
            if page.name.startswith("leave")
            else ("comments stored")
        )
        notes.append(f"{abs(change):,} {what}")
    return "; ".join(notes)


def _statuses(measured: dict) -> str:
    parts = []
    for key, label in (("ok", "2xx"), ("redirects", "3xx"), ("client_errors", "4xx"), ("server_errors", "5xx")):
        if measured.get(key):
            parts.append(f"{measured[key]:,} {label}")
    if not measured.get("requests"):
        parts.append("no response finished within the run")
    errors = sum(measured.get(k, 0) for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    if errors:
        parts.append(f"{errors} socket errors")
    return ", ".join(parts)


# --- (b) Roster CSV export -------------------------------------------------------------------------------


def _measure_export(env: dict[str, str]) -> dict:
    slug = "bench-roster"
    completed = subprocess.run(
        [PYTHON, str(BENCH / "probe_export.py"), slug],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    return {"error": (completed.stderr or completed.stdout)[-2000:]}


def _measure_digest(env: dict[str, str]) -> dict:
    """The weekly digest for every staff member (bench/probe_digest.py; rolled back, nothing sent)."""
    completed = subprocess.run(
        [PYTHON, str(BENCH / "probe_digest.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    return {"error": (completed.stderr or completed.stdout)[-2000:]}


# --- (a) Meeting notice ---------------------------------------------------------------------------------


def _measure_notice(args, env: dict[str, str], smtp_port: int, workdir: Path) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from belong.models import OutboxMessage
    from groups.models import Group

    group = Group.objects.get(slug="bench-notice")
    lead = group.memberships.filter(role="lead").select_related("user").first().user
    # Rows the join runs queued are not part of this measurement.
    OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).update(status=OutboxMessage.Status.SKIPPED)
    _flush_redis(args.redis_url)
    state = workdir / "smtp-state.json"
    with ExitStack() as stack:
        stack.enter_context(
            process(
                [PYTHON, str(BENCH / "smtp_sink.py"), str(smtp_port), str(state)],
                env=env,
                name="smtp",
                log_path=RESULTS / "smtp.log",
            )
        )
        worker_log = RESULTS / "celery.log"
        worker = stack.enter_context(
            process(
                [
                    str(Path(PYTHON).parent / "celery"),
                    "-A",
                    "belong",
                    "worker",
                    "--concurrency",
                    "1",
                    "--pool",
                    "solo",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel",
                    "INFO",
                ],
                env=env,
                name="celery",
                log_path=worker_log,
            )
        )
        _wait_for(lambda: state.exists(), 30, "the SMTP server")
        _wait_for(lambda: b"ready." in worker_log.read_bytes(), 60, "the Celery worker", proc=worker)
        started, started_wall, since = time.monotonic(), time.time(), timezone.now()
        kind, expected = _schedule_notice(group, lead, transaction, timezone)
        scheduled = time.monotonic() - started
        deadline = started + args.notice_timeout
        received = 0
        while time.monotonic() < deadline:
            received = json.loads(state.read_text() or "{}").get("count", 0)
            if received >= expected:
                break
            if worker.poll() is not None:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        last = json.loads(state.read_text() or "{}")
    result = {
        "kind": kind,
        "recipients": expected,
        "received": received,
        "seconds_to_schedule": round(scheduled, 2),
        "seconds_to_last_message": round(last["last"] - started_wall, 2) if received else None,
        "seconds_waited": round(elapsed, 1),
        "complete": received >= expected,
    }
    if received:
        result["messages_per_second"] = round(received / max(elapsed, 1e-6), 1)
    # This run's rows only: a reused district keeps earlier runs' notices.
    result["sent_rows"] = OutboxMessage.objects.filter(
        kind=kind, status=OutboxMessage.Status.SENT, created_at__gte=since
    ).count()
    return result


def _schedule_notice(group, lead, transaction, timezone) -> tuple[str, int]:
    """Schedule through the meetings service when it exists, else e-mail the group, else the outbox."""
    from belong import mail
    from belong.models import OutboxMessage

    start = timezone.now() + timedelta(days=7)
    try:
        from meetings import services as meeting_services
    except ImportError:
        meeting_services = None
    if meeting_services is not None and hasattr(meeting_services, "meeting_schedule"):
        with transaction.atomic():
            meeting = meeting_services.meeting_schedule(
                by=lead,
                group=group,
                title="Bench: monthly meeting",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                audience="members",
                agenda="Welcome and planning.",
                online_url="https://meet.example.org/bench",
            )
        kind = "meetings.scheduled"
        expected = OutboxMessage.objects.filter(kind=kind, context__meeting_id=meeting.pk).count()
        return kind, expected
    try:
        from groups import services as group_services
    except ImportError:
        group_services = None
    if group_services is not None and hasattr(group_services, "group_email"):
        with transaction.atomic():
            expected = group_services.group_email(
                group=group, sender=lead, subject="Bench notice", body="Our next meeting is on the 1st."
            )
        return "groups.message", expected
    members = [m.user for m in group.memberships.filter(status="active").select_related("user")]
    with transaction.atomic():
        expected = mail.enqueue_many(
            kind="groups.message",
            recipients=members,
            context={"group_id": group.pk, "sender_id": lead.pk, "subject": "Bench", "body": "Bench"},
        )
    return "groups.message", expected


def _wait_for(check, timeout: float, what: str, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited early; see bench/results/")
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {timeout:.0f}s")


# --- Report ------------------------------------------------------------------------------------------------


def _report(
    results: list[Result],
    extras: dict,
    info: dict,
    counts: dict,
    args,
    connections: int,
    threads: int,
    total_seconds: float,
) -> str:
    bare = next((r.requests_per_second for r in results if r.page.name == "bare view"), None)
    lines = [
        f"Belong bench — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, scale {args.scale:g} "
        f"({', '.join(f'{n:,} {k}' for k, n in counts.items())})",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM; Python {info['python']}; {info['psql']}",
        f"gunicorn {args.workers} workers x {args.threads} threads ({args.worker_class}, deploy/gunicorn.conf.py), "
        "DEBUG off, "
        "manifest static files; "
        f"wrk {threads} threads x {connections} connections, {args.duration}s per page, same machine; "
        f"load average at the start {info['load']}",
        '"1 request alone" is one request through Django\'s test client in the bench process (no HTTP, no '
        "queueing): the page's own cost.",
        "",
        "| page | requests/s | p50 ms | p99 ms | queries/request | x bare view | 1 request alone, ms | responses |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ratio = f"{r.requests_per_second / bare:.0%}" if bare else "—"
        note = f"{r.statuses}" + (f"; {r.note}" if r.note else "")
        alone = f"{r.single_ms:,.0f}" if r.single_ms is not None else "—"
        lines.append(
            f"| {r.page.name} | {r.requests_per_second:,.1f} | {r.p50_ms:,.1f} | {r.p99_ms:,.1f} | "
            f"{r.queries if r.queries is not None else '—'} | {ratio} | {alone} | {note} |"
        )
    lines.append("")
    notice = extras.get("notice")
    if notice:
        if notice.get("complete"):
            lines.append(
                f"Meeting notice ({notice['kind']}) to {notice['recipients']:,} members, one Celery worker, "
                f"real SMTP server: {notice['seconds_to_last_message']:.1f} s from scheduling to the last "
                f"message received ({notice.get('messages_per_second', 0):,.0f} messages/s; scheduling "
                f"itself {notice['seconds_to_schedule']:.2f} s)."
            )
        else:
            rate = notice.get("received", 0) / max(notice.get("seconds_waited") or 1, 1)
            projected = f"; all of them would take about {notice['recipients'] / rate:,.0f} s" if rate else ""
            lines.append(
                f"Meeting notice ({notice.get('kind')}) to {notice.get('recipients', 0):,} members, one "
                f"Celery worker, real SMTP server: {notice.get('received', 0):,} messages received in "
                f"{notice.get('seconds_waited')} s, then the bench stopped waiting ({rate:,.1f} messages/s"
                f"{projected})."
            )
    mail_rows = extras.get("request_mail")
    if mail_rows:
        lines.append(
            f"E-mail in requests: the page runs queued {mail_rows['queued']:,} outbox rows and sent "
            f"{mail_rows['sent']:,} (no worker or SMTP server was running, so a request that sent mail "
            f"itself would have failed)."
        )
    export = extras.get("export")
    if export and "error" not in export:
        lines.append(
            f"Roster CSV export: {export['rows']:,} rows ({export['bytes'] / 1e6:.1f} MB) in "
            f"{export['seconds']:.2f} s; peak memory: process RSS grew {export['rss_growth_mb']:.1f} MB "
            f"(peak RSS {export['peak_rss_mb']:.0f} MB), Python heap peak {export['traced_peak_mb']:.1f} MB "
            f"during the export; {export['queries']} queries."
        )
    elif export:
        lines.append(f"Roster CSV export failed: {export['error']}")
    digest = extras.get("digest")
    if digest and "error" not in digest:
        lines.append(
            f"Weekly digest: {digest['messages']:,} messages for {digest['staff']:,} staff in "
            f"{digest['groups']:,} groups, built in {digest['batches']} batches in "
            f"{digest['build_seconds']:.1f} s ({digest['build_queries']} queries); "
            f"{digest['distinct_contents']:,} distinct contents x languages; {digest['rendered']:,} "
            f"messages rendered with {digest['renderings']:,} renderings, "
            f"{digest['ms_per_rendered_message']} ms a message."
        )
    elif digest:
        lines.append(f"Weekly digest failed: {digest['error']}")
    admin_rows = [r for r in results if r.page.name.startswith("admin comment")]
    for r in admin_rows:
        lines.append(
            f"{r.page.name[0].upper() + r.page.name[1:]} at {counts.get('comments', 0):,} comments: "
            f"{r.p50_ms:.0f} ms per page view (p50), {r.p99_ms:.0f} ms p99, {r.queries} queries."
        )
    lines.append(f"Whole run: {total_seconds / 60:.1f} minutes.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
