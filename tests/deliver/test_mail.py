"""Sending the digest through a real SMTP server on loopback, and reading back what arrived."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest

from perfgate.deliver import mail
from perfgate.errors import DeliveryError, UsageError
from perfgate.store import Store
from tests.conftest import Invoke
from tests.fake_smtp import PASSWORD, USER, Server, free_port, smtp_server
from tests.weekly import Shape, history, store_history

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def _message(*recipients: str) -> EmailMessage:
    return mail.build_message(
        subject="perfgate weekly for acme/shop: 1 regression landed on main",
        text="1 regression landed on main.\n",
        html='<p>1 regression</p><img src="cid:chart1"><img src="cid:chart2">',
        images=[("chart1", PNG), ("chart2", PNG + b"2")],
        sender="perfgate <perfgate@example.com>",
        recipients=recipients or ("lead@example.com",),
        date=NOW,
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with smtp_server(tmp_path) as running:
        yield running


def _send(server: Server, message: EmailMessage, url: str | None = None, **options: object) -> int:
    sleeps: list[float] = []
    attempts = mail.send(
        message,
        mail.parse_smtp_url(url or server.url()),
        context=server.client_context,
        sleep=sleeps.append,
        timeout=10,
        **options,  # type: ignore[arg-type]
    )
    assert len(sleeps) == attempts - 1
    return attempts


def test_starttls_with_login_delivers_both_parts_and_the_inline_charts(server: Server) -> None:
    sent = _message("lead@example.com", "team@example.com")
    assert _send(server, sent) == 1
    ((envelope, got),) = server.mailbox.messages
    assert envelope.mail_from == "perfgate@example.com"
    assert envelope.rcpt_tos == ["lead@example.com", "team@example.com"]
    # Long headers are folded; a parser may keep the space of a fold right after the colon.
    assert got["Subject"].strip() == "perfgate weekly for acme/shop: 1 regression landed on main"
    assert got["From"] == "perfgate <perfgate@example.com>"
    assert got["To"] == "lead@example.com, team@example.com"
    assert email.utils.parsedate_to_datetime(got["Date"]) == NOW
    assert got["Message-ID"].strip() == sent["Message-ID"] and sent["Message-ID"].endswith("@example.com>")
    assert got.get_content_type() == "multipart/alternative"
    text, html = got.get_body(("plain",)), got.get_body(("html",))
    assert text is not None and text.get_content().replace("\r\n", "\n") == "1 regression landed on main.\n"
    assert html is not None and 'src="cid:chart1"' in html.get_content()
    related = {p["Content-ID"]: p.get_content() for p in got.walk() if p.get_content_type() == "image/png"}
    assert related == {"<chart1>": PNG, "<chart2>": PNG + b"2"}


def test_smtps_delivers(tmp_path: Path) -> None:
    with smtp_server(tmp_path, "smtps") as server:
        assert _send(server, _message(), server.url("smtps")) == 1
        assert len(server.mailbox.messages) == 1


def test_temporary_refusals_are_retried_with_the_same_message(server: Server) -> None:
    server.mailbox.refuse_data += ["451 4.3.0 try again later", "421 4.7.0 busy"]
    message = _message()
    assert _send(server, message) == 3
    ((_, got),) = server.mailbox.messages
    assert got["Message-ID"].strip() == message["Message-ID"]


def test_temporary_refusals_give_up_after_the_last_attempt(server: Server) -> None:
    server.mailbox.refuse_mail += ["452 4.3.1 out of space"] * 3
    with pytest.raises(
        DeliveryError, match=r"kept refusing .*452 4.3.1 out of space.*after 3 attempts, nothing was sent"
    ):
        _send(server, _message())
    assert server.mailbox.messages == []


def test_a_permanent_refusal_fails_at_once(server: Server) -> None:
    server.mailbox.refuse_data.append("554 5.7.1 message rejected as spam")
    with pytest.raises(DeliveryError, match=re.escape("554 5.7.1 message rejected as spam; nothing was sent")):
        _send(server, _message())
    assert server.mailbox.commands.count("DATA") == 1


def test_one_refused_recipient_means_nobody_gets_a_copy(server: Server) -> None:
    server.mailbox.refuse_rcpt["gone@example.com"] = "550 5.1.1 no such user"
    with pytest.raises(DeliveryError, match=re.escape("recipient gone@example.com: 550 5.1.1 no such user")):
        _send(server, _message("lead@example.com", "gone@example.com", "team@example.com"))
    assert server.mailbox.messages == []
    assert "DATA" not in server.mailbox.commands


def test_bad_credentials_are_named_and_the_password_is_not(server: Server) -> None:
    with pytest.raises(DeliveryError) as caught:
        _send(server, _message(), server.url(password="wrong-password"))
    assert f"refused the login for {USER!r}" in str(caught.value) and "535" in str(caught.value)
    assert "wrong-password" not in str(caught.value)
    assert server.mailbox.messages == []


def test_a_non_ascii_password_is_refused_before_logging_in(server: Server) -> None:
    with pytest.raises(DeliveryError, match="must be ASCII"):
        _send(server, _message(), server.url(password="pässword"))
    assert "MAIL" not in server.mailbox.commands


def test_a_refused_connection_is_a_clear_error() -> None:
    url = mail.parse_smtp_url(f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{free_port()}")
    with pytest.raises(DeliveryError, match=r"cannot connect to smtp://digest-bot@127.0.0.1:\d+: .*nothing was sent"):
        mail.send(_message(), url, sleep=lambda _: None, timeout=5)


def test_a_password_is_never_sent_without_tls(tmp_path: Path) -> None:
    with smtp_server(tmp_path, "plain") as server:
        with pytest.raises(DeliveryError, match="does not offer STARTTLS: refusing to send the password"):
            _send(server, _message())
        # Without credentials, a plain local relay is fine.
        assert _send(server, _message(), server.url(user=None)) == 1


def test_a_certificate_the_client_does_not_trust_is_refused(server: Server) -> None:
    with pytest.raises(DeliveryError, match="certificate verify failed"):
        mail.send(_message(), mail.parse_smtp_url(server.url()), sleep=lambda _: None, timeout=5)
    assert server.mailbox.messages == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", mail.SmtpUrl("smtp", "mail.example.com", 587)),
        ("smtps://u%40x:p%3Aw@mail.example.com", mail.SmtpUrl("smtps", "mail.example.com", 465, "u@x", "p:w")),
        ("smtp://u:p@127.0.0.1:2525", mail.SmtpUrl("smtp", "127.0.0.1", 2525, "u", "p")),
    ],
)
def test_smtp_urls(url: str, expected: mail.SmtpUrl) -> None:
    assert mail.parse_smtp_url(url) == expected
    assert "p" not in expected.display.split("@")[0].split("//")[1].split(":")[1:]


@pytest.mark.parametrize(
    "url",
    [
        "https://u:hunter2@host",
        "smtp://u:hunter2@",
        "smtp://u:hunter2@host:99999",
        # Unencoded reserved characters: urllib would read the password's tail as the port (issue 28).
        "smtp://u:S3cret#hunter2@127.0.0.1:2525",
        "smtp://u:S3cret/hunter2@127.0.0.1:2525",
        "smtps://u:S3cret?hunter2@mail.example.com",
        "smtp://u:S3cret@hunter2@mail.example.com",
    ],
)
def test_bad_smtp_urls_never_echo_the_password(url: str) -> None:
    with pytest.raises(UsageError) as caught:
        mail.parse_smtp_url(url)
    assert "hunter2" not in str(caught.value) and "S3cret" not in str(caught.value)
    assert "could not be cast" not in str(caught.value)  # urllib's reading of the URL is never quoted


def test_perfgate_digest_sends_through_smtp(run_cli: Invoke, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole command: history in the store, the URL from PERFGATE_SMTP_URL, the CA trusted by SSL_CERT_FILE."""
    store = Store("sqlite:///.perfgate/history.db")
    store_history(store, history([Shape("test_a", step_at=32, step=0.2), Shape("test_b")], end=NOW), NOW)
    monkeypatch.setenv("PERFGATE_SMTP_URL", server.url())
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
    result = run_cli(
        "digest",
        "--until",
        "2026-11-23T08:00",
        "--to",
        "lead@example.com",
        "--from",
        "bot@example.com",
        "--repository",
        "acme/shop",
    )
    assert result.exit_code == 0, result.output
    assert f"via smtp://{USER}@127.0.0.1:{server.port}" in result.output
    assert PASSWORD not in result.output
    ((envelope, got),) = server.mailbox.messages
    assert envelope.rcpt_tos == ["lead@example.com"]
    assert got["Subject"].strip() == "perfgate weekly for acme/shop: 1 regression landed on main and 1 steady"
    html = got.get_body(("html",))
    assert html is not None and "https://github.com/acme/shop/commit/" in html.get_content()
    charts = [p for p in got.walk() if p.get_content_type() == "image/png"]
    assert len(charts) == 1 and f"cid:{charts[0]['Content-ID'].strip('<>')}" in html.get_content()


@pytest.mark.parametrize(
    "to, words",
    [
        ("lead@example.com", "refused the recipient lead@example.com: 550 5.1.1 no such user; nothing was sent"),
        ("jö@example.com", "does not offer SMTPUTF8, which the address 'jö@example.com' needs; nothing was sent"),
    ],
    ids=["refused", "non-ascii-without-smtputf8"],
)
def test_perfgate_digest_exits_3_when_the_server_refuses(
    to: str, words: str, run_cli: Invoke, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store("sqlite:///.perfgate/history.db")
    store_history(store, history([Shape("test_a")], end=NOW), NOW)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
    server.mailbox.refuse_rcpt["lead@example.com"] = "550 5.1.1 no such user"
    result = run_cli("digest", "--until", "2026-11-23T08:00", "--to", to, "--smtp-url", server.url())
    assert result.exit_code == 3, result.output
    assert words in result.output
    assert PASSWORD not in result.output


def test_a_non_ascii_address_is_sent_with_smtputf8_when_the_server_offers_it(tmp_path: Path) -> None:
    with smtp_server(tmp_path, smtputf8=True) as server:
        assert _send(server, _message("jö@example.com", "lead@example.com")) == 1
        ((envelope, got),) = server.mailbox.messages
    assert envelope.rcpt_tos == ["jö@example.com", "lead@example.com"]
    assert "SMTPUTF8" in envelope.mail_options
    assert [a.addr_spec for a in got["To"].addresses] == ["jö@example.com", "lead@example.com"]


def test_a_non_ascii_address_without_smtputf8_is_a_clear_error_and_nothing_is_sent(server: Server) -> None:
    with pytest.raises(DeliveryError, match=r"does not offer SMTPUTF8, which the address 'jö@example.com' needs"):
        _send(server, _message("lead@example.com", "jö@example.com"))
    assert "MAIL" not in server.mailbox.commands and server.mailbox.messages == []


def test_a_non_ascii_address_makes_a_utf8_message_not_an_encoded_word() -> None:
    written = _message("jö@example.com").as_bytes()
    assert "To: jö@example.com".encode() in written and b"=?utf-8?" not in written.split(b"\n\n", 1)[0]
