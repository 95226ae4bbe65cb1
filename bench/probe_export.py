"""Run one roster CSV export to completion in a fresh process and report time and peak memory.

    python bench/probe_export.py GROUP_SLUG      (environment as set by bench/run)

Prints `BENCH_RESULT {json}`: rows, bytes, seconds, queries, the process's resident memory before
and at its highest during the export (sampled every 5 ms from /proc/self/statm), the peak RSS of the
whole process (ru_maxrss) and the Python heap peak measured by tracemalloc in a second export.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


@contextmanager
def rss_peak():
    """Yields a dict that holds, afterwards, the RSS before and the highest RSS seen meanwhile."""
    seen = {"before": rss_bytes(), "peak": rss_bytes()}
    done = threading.Event()

    def sample():
        while not done.wait(0.005):
            seen["peak"] = max(seen["peak"], rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield seen
    finally:
        done.set()
        sampler.join()
        seen["peak"] = max(seen["peak"], rss_bytes())


def export_once(client, url: str) -> tuple[int, int, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    rows = size = 0
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"purpose": "Sign-in sheet for the bench meeting"})
        assert response.status_code == 200, response.status_code
        assert response.streaming, "the roster export should stream"
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += chunk.count(b"\n")
    return rows - 1, size, time.perf_counter() - started, len(captured.captured_queries)


def main() -> int:
    import django

    django.setup()
    from django.test import Client

    from bench.generate import FIXTURE
    from groups.models import Group

    slug = sys.argv[1]
    group = Group.objects.get(slug=slug)
    client = Client(HTTP_HOST="127.0.0.1")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email=FIXTURE["lead_of"][slug]))
    url = f"/groups/{group.slug}/roster.csv"
    # Warm up imports, templates and the connection on the form page, then take the baseline.
    assert client.get(url).status_code == 200
    with rss_peak() as rss:
        rows, size, seconds, queries = export_once(client, url)
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    export_once(client, url)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        "BENCH_RESULT "
        + json.dumps(
            {
                "rows": rows,
                "bytes": size,
                "seconds": round(seconds, 3),
                "queries": queries,
                "baseline_rss_mb": round(rss["before"] / 2**20, 1),
                "peak_rss_mb": round(rss["peak"] / 2**20, 1),
                "rss_growth_mb": round((rss["peak"] - rss["before"]) / 2**20, 1),
                "process_maxrss_mb": round(maxrss_kb / 1024, 1),
                "traced_peak_mb": round(traced_peak / 1e6, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
