"""Read one bounce message (a DSN, RFC 3464) from standard input and apply it.

For the mail server that receives the VERP return path (`bounces+<row>.<signature>@<OUTBOX_BOUNCE_DOMAIN>`),
e.g. a Postfix transport:

    belong-bounces unix - n n - - pipe
      user=belong argv=/app/manage.py process_bounce --recipient ${original_recipient}

It always exits 0 once the message is read, so the mail server never retries or bounces a bounce:
a report that is not ours (forged, or about mail that was not sent with VERP) is logged and dropped.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from belong import delivery

# A DSN carries at most the returned message's headers or a few hundred kB of it.
MAX_BYTES = 10 * 1024 * 1024


class Command(BaseCommand):
    help = "Apply a bounce message (DSN) read from standard input: suppress the address, mark the message."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recipient",
            default="",
            help="The envelope recipient the mail server received the bounce for (the VERP address).",
        )

    def handle(self, *args, recipient: str = "", **options):
        raw = sys.stdin.buffer.read(MAX_BYTES)
        results = delivery.process_dsn(raw, envelope_recipient=recipient or None)
        if not results:
            self.stdout.write("No failed recipient in this message; nothing applied.")
        for bounce, applied in results:
            if bounce.row_id is None:
                self.stdout.write(f"Ignored {bounce.address} ({bounce.status}): not a signed Belong return path.")
            else:
                verb = "Applied" if applied else "Nothing to change for"
                self.stdout.write(f"{verb} {bounce.address} ({bounce.status}), message {bounce.row_id}.")
