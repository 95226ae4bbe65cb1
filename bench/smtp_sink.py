"""A real SMTP server for the bench (aiosmtpd) that counts what it receives.

    python bench/smtp_sink.py PORT STATE_FILE

Writes {"count": n, "first": t, "last": t} (wall-clock seconds) to STATE_FILE as messages arrive and
stops on SIGTERM. Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self, state_path: str):
        self.state_path = state_path
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None
        self.lock = threading.Lock()
        self.write()

    def write(self) -> None:
        temporary = self.state_path + ".tmp"
        with open(temporary, "w") as handle:
            json.dump({"count": self.count, "first": self.first, "last": self.last}, handle)
        os.replace(temporary, self.state_path)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            now = time.time()
            self.count += 1
            self.first = self.first or now
            self.last = now
            # Every 50 messages (and the last one is caught by the final write on exit) keeps file I/O cheap.
            if self.count % 50 == 0 or self.count < 50:
                self.write()
        return "250 Message accepted for delivery"


def main() -> int:
    port, state_path = int(sys.argv[1]), sys.argv[2]
    counter = Counter(state_path)
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.2):
        with counter.lock:
            counter.write()  # the tail that the every-50 rule skipped
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
