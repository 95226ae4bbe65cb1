"""Log scrubbing: client addresses, user agents and comment receipts never reach a log line."""

from __future__ import annotations

import logging
import re

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b")
_RECEIPT = re.compile(r"\b\d{4}(?:[- ]?\d{4}){3,}\b")
# A path segment of 20+ URL-safe characters with a capital letter is a secret (a calendar feed or
# unsubscribe token), never a slug: "Not Found: /me/calendar/<token>.ics" must not leak it.
_TOKEN_SEGMENT = re.compile(r"(?<=/)(?=[^/\s]*[A-Z])[A-Za-z0-9_\-:]{20,}")


def scrub(text: str) -> str:
    text = _IPV4.sub("[address]", text)
    text = _IPV6.sub("[address]", text)
    text = _TOKEN_SEGMENT.sub("[token]", text)
    return _RECEIPT.sub("[receipt]", text)


class ScrubSensitiveFilter(logging.Filter):
    """Drops the request object and rewrites the message so no identifying value survives."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            # Django attaches the request to error records; an error report built from it would
            # carry REMOTE_ADDR, the user agent and the POST body.
            record.request = None
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            # The formatter would render the traceback after this filter ran, unscrubbed; an
            # exception's message can hold the very values removed above.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
