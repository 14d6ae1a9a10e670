"""A real SMTP server on loopback (aiosmtpd) with STARTTLS or TLS, AUTH, and injectable refusals.

Certificates come from a throwaway CA (trustme); clients trust it through their ssl context, or through
SSL_CERT_FILE for the command line.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USER, PASSWORD = "digest-bot", "s3cret/pass:word"


@dataclass
class Mailbox:
    """What the server received, and the refusals it will make next (one per command, in order)."""

    messages: list[tuple[Envelope, EmailMessage]] = field(default_factory=list)
    refuse_mail: list[str] = field(default_factory=list)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)  # address -> reply, every time
    refuse_data: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.commands.append("MAIL")
        if self.refuse_mail:
            return self.refuse_mail.pop(0)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.commands.append("RCPT")
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.commands.append("DATA")
        if self.refuse_data:
            return self.refuse_data.pop(0)
        content = envelope.original_content or b""
        if envelope.smtp_utf8:  # RFC 6532: UTF-8 headers, which the bytes parser would leave as surrogates
            message = email.message_from_string(content.decode("utf-8"), policy=email.policy.default)
        else:
            message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((envelope, message))
        return "250 Message accepted for delivery"


def _authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    # handled=False: aiosmtpd then replies 535 itself (its default, True, means "already replied").
    return AuthResult(success=ok, handled=False)


@dataclass
class Server:
    host: str
    port: int
    mailbox: Mailbox
    client_context: ssl.SSLContext
    ca_file: Path

    def url(self, scheme: str = "smtp", *, user: str | None = USER, password: str | None = PASSWORD) -> str:
        from urllib.parse import quote

        credentials = f"{quote(user, safe='')}:{quote(password or '', safe='')}@" if user else ""
        return f"{scheme}://{credentials}{self.host}:{self.port}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(
    tmp_path: Path, mode: str = "starttls", *, auth: bool = True, smtputf8: bool = False
) -> Iterator[Server]:
    """mode: "starttls" (plain, then STARTTLS), "smtps" (TLS from the start) or "plain" (no TLS at all);
    smtputf8: offer SMTPUTF8 (RFC 6531), for addresses that are not ASCII."""
    ca = trustme.CA()
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    ca_file = tmp_path / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    mailbox = Mailbox()
    options: dict[str, Any] = {
        "hostname": "127.0.0.1",
        "port": free_port(),
        "ready_timeout": 10.0,
        "enable_SMTPUTF8": smtputf8,
    }
    if auth:
        options["authenticator"] = _authenticate
        # smtplib falls back from PLAIN to LOGIN after a refusal, and aiosmtpd's LOGIN then waits for a line
        # smtplib never sends; offering PLAIN only keeps a refused login a plain 535.
        options["auth_exclude_mechanism"] = ["LOGIN"]
    if mode == "starttls":
        options.update(tls_context=server_context, require_starttls=True)
    elif mode == "smtps":
        # Implicit TLS: aiosmtpd cannot see it, so AUTH must be allowed "without" STARTTLS.
        options.update(ssl_context=server_context, auth_require_tls=False)
    else:
        options.update(auth_require_tls=False)
    controller = Controller(mailbox, **options)
    controller.start()
    try:
        yield Server("127.0.0.1", options["port"], mailbox, client_context, ca_file)
    finally:
        controller.stop()
