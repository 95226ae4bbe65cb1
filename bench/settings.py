"""The portal's own settings, with the two changes a load test from one address needs.

Everything else (DEBUG, security, static files, mail) comes from the environment exactly as in
production; bench/run sets those variables.
"""

from belong.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The public comment form allows 5 submissions an hour per client address. Every wrk connection
# comes from 127.0.0.1, so the limit is lifted here; the limiter itself still runs on every POST.
COMMENT_RATE_LIMIT_COUNT = 1_000_000_000
COMMENT_RECEIPT_RATE_LIMIT_COUNT = 1_000_000_000
# The same for the ceilings across all addresses; bench tokens carry no proof of work, so they count as
# forms sent without JavaScript.
COMMENT_GLOBAL_LIMIT = 1_000_000_000
COMMENT_UNVERIFIED_GLOBAL_LIMIT = 1_000_000_000

# See bench/storage.py: the vendored CSS/JS reference .map files that are not shipped.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "bench.storage.BenchStaticFilesStorage"}}  # noqa: F405
