"""The one clock every Belong process agrees on: the database's.

Web nodes, workers and beat may run on machines whose clocks drift apart; a heartbeat written with one
machine's time.time() and judged with another's made /healthz answer 503 for as long as the two
disagreed. Anything one process writes and another judges by age uses this clock (or `Now()` in a
query).
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection


def database_now() -> datetime:
    """The database's current time (STATEMENT_TIMESTAMP, what Django's Now() means on PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT STATEMENT_TIMESTAMP()")
        return cursor.fetchone()[0]
