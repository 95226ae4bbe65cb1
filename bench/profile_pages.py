"""Profile one page of the portal in-process, through the WSGI handler gunicorn calls (no HTTP, no test client).

    DATABASE_URL=postgres://…/belong_bench REDIS_URL=redis://…/9 \\
        .venv/bin/python bench/profile_pages.py directory group roster plan comment join --requests 200

It uses the bench district (bench/generate.py; any scale), production-like settings (DEBUG off, manifest-less
static files) and signed-in sessions written straight to the session store, like bench/run. For each page it
prints the CPU milliseconds a request takes in this process once warm (median of --requests: on a shared
machine the wall-clock time mostly measures the neighbours) and its wall time, and cProfile's top functions by
own time and by cumulative time, so what a change saved can be read off before and after.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-profile-not-secret")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("BEHIND_TLS_PROXY", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("ADMIN_REQUIRES_MFA", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CACHE_KEY_PREFIX", "belong-profile")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
# bench.settings serves hashed files: run `manage.py collectstatic` once (bench/run does) before profiling.
os.environ.setdefault("STATIC_MANIFEST", "true")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=["bare", "directory", "group", "roster", "plan", "comment", "join"])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime,cumulative")
    parser.add_argument("--save", default="", help="directory to write each page's cProfile data (<page>.prof)")
    parser.add_argument("--queries", action="store_true", help="also print each query of one warm request, timed")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.db.models import Exists, OuterRef

    from bench.generate import FIXTURE
    from bench.runner import cookie_for, make_sessions, new_csrf_secret
    from groups.models import Group, Membership

    User = get_user_model()
    handler = WSGIHandler()
    large = Group.objects.get(slug="bench-large")
    join_group = Group.objects.get(slug="bench-join")
    lead = User.objects.get(email=FIXTURE["lead_of"]["bench-large"])
    viewer = User.objects.get(email=FIXTURE["viewer"])
    keys = make_sessions([lead, viewer])
    csrf = new_csrf_secret()

    def request(path: str, *, method: str = "GET", cookie: str = "", body: str = "") -> int:
        data = body.encode()
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path.split("?")[0],
            "QUERY_STRING": path.split("?")[1] if "?" in path else "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_LENGTH": str(len(data)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_ACCEPT_LANGUAGE": "en",
        }
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        status = []
        response = handler(environ, lambda s, h, *a: status.append(s))
        for _chunk in response:
            pass
        response.close()
        return int(status[0].split()[0])

    def joiners(count: int):
        people = list(
            User.objects.filter(is_active=True, job_role="teacher")
            .exclude(Exists(Membership.objects.filter(group=join_group, user=OuterRef("pk"))))
            .exclude(email__startswith="lead-")
            .order_by("?")[:count]
        )
        person_keys = make_sessions(people)
        body = urlencode({"csrfmiddlewaretoken": csrf, "message": ""})
        return iter([(cookie_for(person_keys[p.pk], csrf), body) for p in people])

    from equity_plan.models import Plan

    plan = Plan.objects.filter(slug=FIXTURE["plan_slug"]).first()
    pages = {
        "bare": lambda: request("/bench/bare/"),
        "directory": lambda: request("/groups/", cookie=cookie_for(keys[viewer.pk])),
        "group": lambda: request(f"/groups/{large.slug}/", cookie=cookie_for(keys[viewer.pk])),
        "roster": lambda: request(f"/groups/{large.slug}/roster/", cookie=cookie_for(keys[lead.pk])),
        "plan": lambda: request(f"/plan/{plan.slug}/"),
        "comment": lambda: request("/comment/"),
    }
    total = args.requests * 2 + 10
    pool = None
    for name in args.pages:
        if name == "join":
            pool = pool or joiners(total)

            def run(pool=pool):
                cookie, body = next(pool)
                return request(f"/groups/{join_group.slug}/join/", method="POST", cookie=cookie, body=body)

        else:
            run = pages[name]
        for _ in range(5):  # warm: templates compiled, connections open, caches filled
            status = run()
        timings, cpu = [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            run()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        if args.queries:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                run()
            print(f"\n=== {name}: {len(captured)} queries of one warm request")
            for query in captured:
                print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:300]}")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            run()
        profiler.disable()
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(str(Path(args.save) / f"{name}.prof"))
        print(
            f"\n=== {name}: status {status}, CPU {statistics.median(cpu):.2f} ms (median), wall "
            f"{statistics.median(timings):.2f} ms (median), {sorted(timings)[int(len(timings) * 0.9)]:.2f} ms (p90) "
            f"over {args.requests} requests"
        )
        for sort in args.sort.split(","):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats(sort).print_stats(args.top)
            lines = [line for line in out.getvalue().splitlines() if line.strip()]
            start = next(i for i, line in enumerate(lines) if "ncalls" in line)
            print(f"--- by {sort} (per {args.requests} requests)")
            print("\n".join(lines[start:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
