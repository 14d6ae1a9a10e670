"""A git server on loopback speaking smart HTTP (``git http-backend``), with GitHub's token rules.

Repositories are bare repositories under one root, served at ``/<owner>/<name>``. As on GitHub: a public
repository can be read by anyone; a private one only with a token; pushing needs a token with write access.
Credentials arrive as HTTP basic auth (``x-access-token:<token>``), the way actions/checkout and perfgate send
them. Refusals use GitHub's words, which git prints as the last line of its error.
"""

from __future__ import annotations

import base64
import os
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

BACKEND = Path(subprocess.run(["git", "--exec-path"], capture_output=True, text=True, check=True).stdout.strip())


@dataclass
class GitServer:
    root: Path
    tokens: dict[str, str] = field(default_factory=dict)  # token -> "read" | "write"
    private: set[str] = field(default_factory=set)  # "owner/name" of private repositories
    pushes: list[str] = field(default_factory=list)  # "owner/name" of each accepted push

    def __post_init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> GitServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def create(self, full_name: str, seed: Path, *, private: bool = False) -> Path:
        """A bare repository cloned from the local repository ``seed`` (all its branches and refs)."""
        bare = self.root / f"{full_name}.git"
        bare.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "--quiet", "--mirror", str(seed), str(bare)], check=True)
        subprocess.run(["git", "-C", str(bare), "config", "http.receivepack", "true"], check=True)
        if private:
            self.private.add(full_name)
        return bare

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _refuse(self, status: int, message: str) -> None:
                body = message.encode()
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _token(self) -> str | None:
                header = self.headers.get("Authorization", "")
                if not header.lower().startswith("basic "):
                    return None
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                return password or user

            def _serve(self) -> None:
                url = urlparse(self.path)
                parts = url.path.strip("/").split("/")
                full_name = "/".join(parts[:2]).removesuffix(".git")
                push = "git-receive-pack" in url.path or "service=git-receive-pack" in url.query
                token = self._token()
                access = server.tokens.get(token or "")
                if not (server.root / f"{full_name}.git").is_dir():
                    self._refuse(404, "Repository not found.")
                    return
                if push or full_name in server.private:
                    if token is None:
                        self._refuse(401, "Authentication required")  # git: could not read Username
                        return
                    if access is None:
                        self._refuse(404 if not push else 403, "Repository not found.")
                        return
                    if push and access != "write":
                        self._refuse(403, f"Permission to {full_name}.git denied to github-actions[bot].")
                        return
                body = self._body()
                env = {
                    "PATH": os.environ["PATH"],
                    "GIT_PROJECT_ROOT": str(server.root),
                    "GIT_HTTP_EXPORT_ALL": "1",
                    "REQUEST_METHOD": self.command,
                    "PATH_INFO": "/" + "/".join([f"{full_name}.git", *parts[2:]]),
                    "QUERY_STRING": url.query,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(body)),
                    "REMOTE_USER": "x-access-token" if token else "",
                    "REMOTE_ADDR": "127.0.0.1",
                    "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                    "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
                }
                done = subprocess.run(
                    [str(BACKEND / "git-http-backend")], input=body, env=env, capture_output=True, timeout=60
                )
                separator = b"\r\n\r\n" if b"\r\n\r\n" in done.stdout else b"\n\n"
                head, _, payload = done.stdout.partition(separator)
                status = 200
                headers: list[tuple[str, str]] = []
                for line in head.decode().splitlines():
                    name, _, value = line.partition(":")
                    if name.lower() == "status":
                        status = int(value.split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                if push and status == 200 and self.command == "POST":
                    server.pushes.append(full_name)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks: list[bytes] = []
                    while True:
                        size = int(self.rfile.readline().strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        return Handler
