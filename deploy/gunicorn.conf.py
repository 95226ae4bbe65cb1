"""gunicorn settings for production (docker-compose's `web` service).

Access logs record when, which page and how it went, never who or with what: each line holds the
time, the method, the URL pattern the request matched (`/accounts/password/reset/key/<uidb36>-<key>/`,
`/me/calendar/<token>.ics`: the values a person's address carried are never written), the status and
the duration. No client address, query string, user agent, referer or response size. The anonymous
comment pages (/comment/..., with or without a language prefix) are not logged at all.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re

from gunicorn.glogging import Logger

from belong.logging import ROUTE_KEY, SKIP_KEY, UNMATCHED, scrub

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Chosen by measurement on 2 cores (bench/README.md, "gunicorn worker class"): gthread keeps connections
# alive, so a small page costs 0.9 ms of CPU instead of sync's 1.3-2.1 ms (1,574 vs 517 requests/s for the
# bare view); on the CPU-bound signed-in pages the two are within noise, and 5 workers x 2 threads served
# the public plan page best. More threads per worker only add GIL contention.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("WEB_THREADS", "2"))
# The heartbeat file on tmpfs: a container's overlay filesystem can stall it (gunicorn's FAQ).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - not a temp file
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never takes the site down.
max_requests = 2000
max_requests_jitter = 200
# Import Django once, in the master, before forking the workers. Without it every worker imports the
# project itself (about 1.5 s of CPU each): at start the 5 imports share 2 cores while the first worker
# already answers, and each recycle (max_requests) re-imports in the middle of live traffic, which the
# bench saw as p99s of several seconds. With it a start or a recycle costs a fork, and the workers share
# the imported code's memory until they write to it. Safe because nothing opens a connection or starts a
# thread at import time (checked: settings, belong.celery, the apps' ready(); database and Redis
# connections open on a worker's first request, the e-mail publisher thread on its first publish and
# after a fork). The cost: `kill -HUP` no longer loads new code; a deploy restarts the container.
# WEB_PRELOAD=false goes back to an import per worker (e.g. to reload code with HUP while debugging).
preload_app = os.environ.get("WEB_PRELOAD", "true").lower() != "false"


def when_ready(server) -> None:
    """In the master, after the preload and before the first fork: do the first-request work once
    (URL patterns, translation catalogs, compiled templates; belong/warm.py), so a fresh worker's first
    page costs what every later one does (the directory's: ~1.4 s of CPU before, ~60 ms after)."""
    if server.cfg.preload_app:
        from belong.warm import warm

        warm()


# The reverse proxy in front sets X-Forwarded-Proto; only trust it from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No runtime control socket: it would be written under a home directory the app user cannot write.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'

# Used when Django is not loaded (a request gunicorn refused before the application saw it); the
# application's own list is settings.LOG_SKIP_PATH_PREFIXES with settings.LANGUAGES as prefixes.
_ANONYMOUS = re.compile(r"^/(?:[a-z]{2,3}(?:-[a-z0-9]+)?/)?comment(?:/|$)", re.IGNORECASE)
SAFE_ATOMS = ("t", "m", "s", "T", "D", "M", "L")


def route_of(environ: dict) -> str:
    """The route Django resolved (left in the environ by belong.middleware.LogRouteMiddleware)."""
    route = environ.get(ROUTE_KEY)
    if not route:
        try:
            from belong.logging import route_for_path

            route = route_for_path(environ.get("PATH_INFO") or "/")
        except Exception:
            route = "/" + UNMATCHED
    return scrub(route)


def is_anonymous(environ: dict) -> bool:
    path = environ.get("PATH_INFO") or ""
    if environ.get(SKIP_KEY) or _ANONYMOUS.match(path):
        return True
    try:
        from belong.logging import is_anonymous_path

        return is_anonymous_path(path)
    except Exception:
        return False


class _ErrorLineFilter(logging.Filter):
    """gunicorn's own error lines name the request URI and the client address: routes and scrub."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Error handling request") and record.args:
            args = list(record.args)
            uri = str(args[-1])
            path = uri.split("?", 1)[0]
            if _ANONYMOUS.match(path):
                args[-1] = "[anonymous page]"
            else:
                args[-1] = route_of({"PATH_INFO": path})
            record.args = tuple(args)
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg, record.args = scrub(message), ()
        return True


class PrivacyLogger(Logger):
    """Access lines hold the time, method, route, status and duration; nothing else is offered to
    the format, so `--access-logformat '%(h)s %(a)s'` writes dashes."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, _ErrorLineFilter) for f in self.error_log.filters):
            self.error_log.addFilter(_ErrorLineFilter())

    def access(self, resp, req, environ, request_time):
        if is_anonymous(environ):
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        route = route_of(environ)
        safe = {key: atoms[key] for key in SAFE_ATOMS}
        safe.update(U=route, r=f"{environ.get('REQUEST_METHOD', '-')} {route}")
        return safe


logger_class = PrivacyLogger
