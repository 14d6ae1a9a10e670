"""A small shop API on loopback for generating real load-test runs (python server.py PORT [--changed] [--leak]
[--slow-search]).

GET /api/search sleeps ~20 ms (~27 ms with --changed); GET /api/items/<id> ~3 ms; POST /api/orders ~5 ms and
fails 1 % of the time (9 % with --changed, in bursts: errors cluster in 2-second stretches). --leak plants a
soak-test defect: search slows by 0.5 % and orders fail 2 % more often (relatively) for every second of uptime.
--slow-search makes search alone three times slower (~60 ms), everything else as on main: in a closed loop the
other endpoints then get fewer requests.
"""

from __future__ import annotations

import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHANGED = "--changed" in sys.argv
LEAK = "--leak" in sys.argv
SLOW_SEARCH = "--slow-search" in sys.argv
STARTED = time.monotonic()


def _aged(factor_per_second: float) -> float:
    """1 without --leak; with it, 1 + factor * seconds since the server started."""
    return 1 + factor_per_second * (time.monotonic() - STARTED) if LEAK else 1.0


rng = random.Random(1 if CHANGED else 0)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/api/search"):
            mu = -2.8 if SLOW_SEARCH else -3.9 if not CHANGED else -3.6  # ~20 ms, ~27 ms; ~60 ms
            time.sleep(rng.lognormvariate(mu, 0.2) * _aged(0.005))
            self._reply(200, b'{"items": [1, 2, 3]}')
        elif self.path.startswith("/api/items/"):
            time.sleep(rng.lognormvariate(-5.8, 0.2))
            self._reply(200, b'{"id": 1}')
        else:
            self._reply(404, b'{"error": "not found"}')

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        time.sleep(rng.lognormvariate(-5.3, 0.2))
        burst = int(time.time() / 2) % 10 == 0  # one 2-second stretch in 20 seconds
        rate = (0.09 if CHANGED else 0.01) * (5 if burst else 0.55) * _aged(0.02)
        if rng.random() < rate:
            self._reply(500, b'{"error": "payment service timed out"}')
        else:
            self._reply(201, b'{"order": 1}')


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
