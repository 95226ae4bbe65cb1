"""gunicorn settings for production (docker-compose's `web` service).

Access logs record when, what and how it went, never who: no client address, user agent, referer or
query string, and path segments that carry a secret (calendar feed tokens, unsubscribe tokens) are
replaced by `[token]`.
"""

from __future__ import annotations

import multiprocessing
import os

from gunicorn.glogging import Logger

from belong.logging import scrub

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
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
# The reverse proxy in front sets X-Forwarded-Proto; only trust it from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No runtime control socket: it would be written under a home directory the app user cannot write.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'


def redact_path(path: str) -> str:
    """Addresses, comment receipts and token segments go exactly as in the application's own logs."""
    return scrub(path or "")


class PrivacyLogger(Logger):
    """Offers the access-log format only atoms that cannot identify a person or leak a secret."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        safe = {key: atoms[key] for key in ("t", "s", "m", "H", "b", "B", "T", "D", "M", "L", "p")}
        safe.update(
            U=path,
            r=f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}",
            h="-",
            u="-",
            l="-",
            q="-",
            f="-",
            a="-",
        )
        return safe


logger_class = PrivacyLogger
