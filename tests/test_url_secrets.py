"""Passwords with unencoded reserved characters: masked however a parser splits the URL, and such URLs refused
before a driver can quote its own reading of them (perfgate/url_secrets.py)."""

from __future__ import annotations

import pytest

from perfgate import url_secrets


@pytest.mark.parametrize(
    ("url", "char"),
    [
        ("postgresql://u:S3cre@tPW@127.0.0.1/db", "@"),
        ("postgresql://u:ab/cdPW@127.0.0.1:bad/db", "/"),
        ("postgresql://u:ab?cdPW@127.0.0.1/db", "?"),
        ("postgresql://u:ab#cdPW@127.0.0.1/db", "#"),
        ("smtp://u:S3cret#PW@127.0.0.1:2525", "#"),
        ("smtps://u:S3cret/PW@mail.example.com", "/"),
        ("smtp://u:S3cret?PW@mail.example.com:587", "?"),
        ("smtp://u:S3c@retPW@mail.example.com", "@"),
    ],
)
def test_an_unencoded_reserved_character_is_found_and_the_password_masked(url: str, char: str) -> None:
    assert url_secrets.unencoded(url) == char
    shown = url_secrets.mask(url)
    message = url_secrets.refusal("URL", url, char)
    for text in (shown, message):
        assert "PW" not in text and "S3c" not in text and "ab" not in text.split("//")[1]
    assert f"%{ord(char):02X}" in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p%40ss%2Fw%3F%23@127.0.0.1/db",
        "postgresql://u@127.0.0.1/db",
        "postgresql://u:pw@h/db?application_name=a@b",  # an @ past the path is no part of the authority
        "postgresql:///db?host=/var/run/postgresql",
        "sqlite:////tmp/a@b/history.db",
        "smtp://u:pw@mail.example.com",
    ],
)
def test_unambiguous_urls_are_used(url: str) -> None:
    assert url_secrets.unencoded(url) is None


def test_the_mask_covers_the_widest_reading() -> None:
    # SQLAlchemy ends the password at the first @, urllib at the last: both readings are hidden.
    assert url_secrets.mask("postgresql://u:a@b@h/db") == "postgresql://u:***@h/db"
    assert url_secrets.mask("postgresql://u@h/db") == "postgresql://u@h/db"
    assert url_secrets.mask("postgresql://u:p@h/db?sslpassword=x&application_name=y") == (
        "postgresql://u:***@h/db?sslpassword=***&application_name=y"
    )


def test_a_driver_s_message_loses_every_reading_of_the_password() -> None:
    url = "postgresql://u:S3cret@tPW@127.0.0.1/db"
    said = "failed to resolve host 'tPW@127.0.0.1': [Errno -2] Name or service not known; password S3cret"
    scrubbed = url_secrets.scrub(said, url, ("tPW@127.0.0.1", "db"))
    assert "tPW" not in scrubbed and "S3cret" not in scrubbed
    assert "Name or service not known" in scrubbed
