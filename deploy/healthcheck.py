"""Container health check for the `web` service: exit 0 only when /healthz answers 200.

Runs inside the container without curl. It asks gunicorn directly, so it names a host the portal
answers to (the first of ALLOWED_HOSTS) and says the request came through the TLS proxy: otherwise
Django would refuse the Host header or redirect to https.
"""

from __future__ import annotations

import http.client
import os
import sys


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    port = int(os.environ.get("PORT", "8000"))
    # /healthz answers within about a second whatever hangs (each check has its own timeout): no answer
    # in 5 s means gunicorn itself is stuck.
    timeout = float(os.environ.get("HEALTHCHECK_TIMEOUT", "5"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read(2000).decode("utf-8", "replace")
    except OSError as error:
        print(f"healthz unreachable: {type(error).__name__}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if response.status != 200:
        print(f"healthz {response.status}: {body}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
