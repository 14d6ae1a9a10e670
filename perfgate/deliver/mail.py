"""Mail delivery of the digest: one MIME message, sent over SMTP with STARTTLS or TLS, or written to a file.

Sending is all or nothing: every recipient must be accepted before the message is handed over, so a
refused address never leaves the others with a mail the rest did not get. Temporary refusals (4xx, a
dropped connection) are retried with the same Message-ID; permanent ones (5xx, bad credentials, a refused
connection) fail at once with the server's own words. The password never appears in a message.

An address that is not ASCII (jö@example.com) is a real address (RFC 6531) that only a server offering
SMTPUTF8 can take: the message is then written as UTF-8 (RFC 6532) and sent with SMTPUTF8, and a server
without it is an error before anything is sent.
"""

from __future__ import annotations

import email.policy
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from perfgate import url_secrets
from perfgate.errors import DeliveryError, UsageError

DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
ATTEMPTS = 3
BACKOFF = 5.0  # seconds before the second attempt; doubled for each further one


@dataclass(frozen=True)
class SmtpUrl:
    """smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS from the start)."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @property
    def display(self) -> str:
        """The URL without its password: the only form perfgate ever prints."""
        user = f"{self.username}@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpUrl:
    """Read an SMTP URL; errors quote it without its password, and never urllib's reading of it (which would
    quote a password's tail as the port)."""
    if (char := url_secrets.unencoded(url)) is not None:
        raise UsageError(url_secrets.refusal("SMTP URL", url, char))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UsageError(
            f"cannot read the SMTP URL {_redact(url)!r}: expected smtp[s]://USER:PASSWORD@HOST[:PORT], with a port "
            "from 1 to 65535"
        ) from None
    if parts.scheme not in DEFAULT_PORTS:
        raise UsageError(f"the SMTP URL {_redact(url)!r} must start with smtp:// (STARTTLS) or smtps:// (TLS)")
    if not parts.hostname:
        raise UsageError(f"the SMTP URL {_redact(url)!r} names no host")
    return SmtpUrl(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _redact(url: str) -> str:
    return url_secrets.mask(url)


def check_address(address: str, what: str) -> str:
    """A plain mail address, or a UsageError naming the option."""
    _, addr = parseaddr(address)
    if "@" not in addr or addr.startswith("@") or addr.endswith("@") or any(c.isspace() for c in addr):
        raise UsageError(f"{what} {address!r} is not a mail address (expected name@example.com)")
    return address


def build_message(
    *,
    subject: str,
    text: str,
    html: str,
    images: Sequence[tuple[str, bytes]],
    sender: str,
    recipients: Sequence[str],
    date: datetime,
) -> EmailMessage:
    """multipart/alternative (text, then multipart/related HTML with its charts by Content-ID)."""
    international = not all(address.isascii() for address in (sender, *recipients))
    # RFC 2047 may not encode an address, so a UTF-8 one makes the whole header block UTF-8 (RFC 6532).
    message = EmailMessage(policy=email.policy.default.clone(utf8=True) if international else email.policy.default)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    message["Date"] = format_datetime(date)
    domain = sender.rpartition("@")[2].rstrip(">") or "perfgate.invalid"
    message["Message-ID"] = make_msgid("perfgate-digest", domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders stay quiet
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    html_part = next(part for part in message.iter_parts() if part.get_content_type() == "text/html")
    for cid, png in images:
        html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>", filename=f"{cid}.png")
    return message


def send(
    message: EmailMessage,
    url: SmtpUrl,
    *,
    timeout: float = 30.0,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
    context: ssl.SSLContext | None = None,
) -> int:
    """Deliver to every recipient in To, or to none; returns the number of attempts it took."""
    recipients = [address.addr_spec for address in message["To"].addresses] if message["To"] else []
    if not recipients:
        raise UsageError("the digest has no recipients: give --to")
    sender = message["From"].addresses[0].addr_spec if message["From"].addresses else ""
    context = context or ssl.create_default_context()
    for attempt in range(1, attempts + 1):
        try:
            _send_once(message, url, sender, recipients, timeout, context)
            return attempt
        except _Temporary as exc:
            if attempt == attempts:
                raise DeliveryError(
                    f"{url.display} kept refusing the digest for now ({exc}); gave up after {attempts} attempts, "
                    "nothing was sent"
                ) from None
            sleep(BACKOFF * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


class _Temporary(Exception):
    """A failure worth another attempt: a 4xx reply or a connection lost midway."""


def _send_once(
    message: EmailMessage, url: SmtpUrl, sender: str, recipients: list[str], timeout: float, context: ssl.SSLContext
) -> None:
    try:
        client = _connect(url, timeout, context)
    except OSError as exc:  # refused, unknown host, TLS handshake, a 4xx/5xx greeting (SMTPConnectError)
        if isinstance(exc, smtplib.SMTPConnectError) and 400 <= exc.smtp_code < 500:
            raise _Temporary(_reply(exc.smtp_code, exc.smtp_error)) from None
        if isinstance(exc, socket.timeout):
            raise _Temporary(f"no answer from {url.host}:{url.port} in {timeout:g} s") from None
        raise DeliveryError(f"cannot connect to {url.display}: {_reason(exc)}; nothing was sent") from None
    try:
        with client:
            _secure_and_login(client, url, context)
            _envelope(client, sender, recipients)
            # SMTP needs CRLF line ends; smtplib.data() leaves bytes as they are (send_message would fix them
            # but it cannot check every recipient before handing the message over).
            code, reply = client.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
            if code != 250:
                _refuse(client, "the message", code, reply)
    except (TimeoutError, smtplib.SMTPServerDisconnected, ConnectionResetError) as exc:
        raise _Temporary(f"the connection was lost: {_reason(exc)}") from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"TLS with {url.display} failed: {_reason(exc)}; nothing was sent") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"{url.display} refused the login for {url.username!r}: {_reply(exc.smtp_code, exc.smtp_error)}; "
            "nothing was sent"
        ) from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise _Temporary(_reply(exc.smtp_code, exc.smtp_error)) from None
        raise DeliveryError(
            f"{url.display} refused: {_reply(exc.smtp_code, exc.smtp_error)}; nothing was sent"
        ) from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"{url.display}: {exc}; nothing was sent") from None


def _connect(url: SmtpUrl, timeout: float, context: ssl.SSLContext) -> smtplib.SMTP:
    if url.scheme == "smtps":
        return smtplib.SMTP_SSL(url.host, url.port, timeout=timeout, context=context)
    return smtplib.SMTP(url.host, url.port, timeout=timeout)


def _secure_and_login(client: smtplib.SMTP, url: SmtpUrl, context: ssl.SSLContext) -> None:
    client.ehlo()
    if url.scheme == "smtp":
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif url.password is not None:
            # A password is never sent in the clear.
            raise DeliveryError(
                f"{url.display} does not offer STARTTLS: refusing to send the password unencrypted "
                "(use smtps:// if the server speaks TLS from the start)"
            )
    if url.username is not None:
        if not (url.username + (url.password or "")).isascii():
            # smtplib encodes AUTH as ASCII; a UTF-8 password would fail halfway through the login.
            raise DeliveryError("the SMTP user name and password must be ASCII (a limit of Python's smtplib)")
        client.login(url.username, url.password or "")


def _envelope(client: smtplib.SMTP, sender: str, recipients: list[str]) -> None:
    """MAIL FROM and every RCPT TO; any refusal resets the transaction before anything is handed over."""
    international = [a for a in (sender, *recipients) if not a.isascii()]
    options: list[str] = []
    if international:
        if not client.has_extn("smtputf8"):
            raise DeliveryError(
                f"the server does not offer SMTPUTF8, which the address {international[0]!r} needs; nothing was "
                "sent (use an ASCII address, or a server that supports SMTPUTF8)"
            )
        options = ["SMTPUTF8", *(["BODY=8BITMIME"] if client.has_extn("8bitmime") else [])]
    code, reply = client.mail(sender, options)
    if code != 250:
        _refuse(client, f"the sender {sender}", code, reply)
    for recipient in recipients:
        code, reply = client.rcpt(recipient)
        if code not in (250, 251):
            _refuse(client, f"the recipient {recipient}", code, reply)


def _refuse(client: smtplib.SMTP, what: str, code: int, reply: bytes) -> None:
    client.rset()
    if 400 <= code < 500:
        raise _Temporary(f"{what}: {_reply(code, reply)}")
    raise DeliveryError(f"the server refused {what}: {_reply(code, reply)}; nothing was sent")


def _reply(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {message}".strip()


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
