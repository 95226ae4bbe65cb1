"""Log lines never carry client addresses, comment receipts or URL tokens, tracebacks included."""

from __future__ import annotations

import logging
import sys

from belong.logging import ScrubSensitiveFilter, scrub

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWx12"


def test_it_replaces_token_segments_but_keeps_slugs_and_ids():
    assert scrub(f"Not Found: /me/calendar/{TOKEN}.ics") == "Not Found: /me/calendar/[token].ics"
    assert scrub("/me/email/unsubscribe/eyJ1IjoxfQ:1xVPhO:4bMeKjOFP3nXs7B2Ub8gdYwC4NNe/") == (
        "/me/email/unsubscribe/[token]/"
    )
    kept = "/groups/black-educators-alliance-of-riverside/meetings/12/ /plan/2026-2027-equity-plan/"
    assert scrub(kept) == kept


def test_it_scrubs_the_traceback_of_a_logged_exception():
    try:
        raise ValueError(f"lookup failed for 203.0.113.9 on /me/calendar/{TOKEN}.ics")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Failed", (), sys.exc_info())

    assert ScrubSensitiveFilter().filter(record)
    line = logging.Formatter("%(message)s").format(record)

    assert "ValueError: lookup failed for [address] on /me/calendar/[token].ics" in line
    assert "203.0.113.9" not in line and TOKEN not in line
