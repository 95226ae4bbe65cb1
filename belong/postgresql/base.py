"""Django's PostgreSQL backend, with the connection health check made only when it can find something.

`CONN_HEALTH_CHECKS` makes Django send `SELECT 1` before the first query of every request on a persistent
connection, so that a connection the server dropped while it sat idle (a restart, a failover, an idle
timeout) is replaced instead of failing the request. On a busy worker that is one more round trip on every
page, and on a page of one query (the public plan) it doubles them. A connection that answered a request a
moment ago has nothing to report: the check is skipped while the connection was last used less than
`HEALTH_CHECK_AFTER_IDLE_SECONDS` ago, and made as before after a pause. What is given up: a server restart
in the middle of traffic fails the first query on each connection used in the previous seconds (Django
then closes that connection, and the next request reconnects), as a restart fails the requests in flight.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

HEALTH_CHECK_AFTER_IDLE_SECONDS = 2.0


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_request_ended_at: float | None = None

    def close_if_health_check_failed(self) -> None:
        ended_at = self.last_request_ended_at
        if (
            self.connection is not None
            and not self.health_check_done
            and ended_at is not None
            and time.monotonic() - ended_at < HEALTH_CHECK_AFTER_IDLE_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self) -> None:
        # Called as a request starts and as it ends. `health_check_done` is true only at the end of a request
        # that used the connection (Django resets it there); if the connection got through that request
        # without an error, or passed the check Django makes after one, it worked just now.
        used_in_request = self.health_check_done
        super().close_if_unusable_or_obsolete()
        if self.connection is None:
            self.last_request_ended_at = None
        elif used_in_request:
            self.last_request_ended_at = time.monotonic()

    def _close(self) -> None:
        self.last_request_ended_at = None
        super()._close()
