"""An incoming-webhook endpoint on loopback: records each POST (path, headers, JSON body) and answers with the
statuses it is told to, in order (then 200), as Slack's does: ``ok`` in plain text."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    content_type: str
    body: Any


@dataclass
class FakeWebhook:
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers) for the next POSTs
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/services/T000/B000/s3cr3tT0k3n") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with fake._lock:
                    fake.received.append(Received(self.path, self.headers.get("Content-Type", ""), json.loads(raw)))
                    status, headers = fake.answers.pop(0) if fake.answers else (200, {})
                data = b"ok" if status == 200 else b"server_error"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def running() -> Iterator[FakeWebhook]:
    fake = FakeWebhook()
    try:
        yield fake
    finally:
        fake.stop()
