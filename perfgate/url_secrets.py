"""Passwords in URLs (the database's, the SMTP server's): how such a URL may be printed, and when it is too
ambiguous to use.

A password written with an unencoded ``@``, ``/``, ``?`` or ``#`` is split differently by each parser:
SQLAlchemy ends the password at the first ``@``, urllib ends the authority at the first ``/``, ``?`` or ``#`` and
takes the last ``@`` in it, libpq stops at ``/``. Whatever any of them could take for the password is masked here,
and such a URL is refused before a driver sees it, so no driver's message can quote a piece of it."""

from __future__ import annotations

import re
from urllib.parse import unquote

# Characters that end or split the authority in one parser or another: unencoded in a password, they mislead.
RESERVED = "@/?#[]"
_SECRET_QUERY = re.compile(r"(?i)((?:^|[?&;])[^=&;]*(?:password|passwd|pwd|secret|token|key)[^=&;]*=)[^&;]*")


def _split(url: str, *, widest: bool = True) -> tuple[str, str, str, str] | None:
    """(scheme and ``://``, user, password as written, everything after it) of a URL with a password. The user ends
    at the first ``:``; the password runs to the last ``@`` of the whole URL (``widest``: the widest span any parser
    could read as userinfo) or to the first (the narrowest)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return None
    userinfo, _, after = rest.rpartition("@") if widest else rest.partition("@")
    user, colon, password = userinfo.partition(":")
    if not colon:
        return None
    return scheme + sep, user, password, after


def mask(url: str) -> str:
    """``url`` as it may be printed: whatever could be its password replaced by ***, and so is any secret-looking
    query value (``password=``, ``sslpassword=``, ``token=``, …)."""
    parts = _split(url)
    if parts is not None:
        head, user, _, after = parts
        url = f"{head}{user}:***@{after}"
    return _SECRET_QUERY.sub(r"\1***", url)


def unencoded(url: str) -> str | None:
    """A character written unencoded in the URL's password that makes parsers disagree, or None: ``/``, ``?``,
    ``#``, ``[`` or ``]`` in it, or an ``@`` followed by another ``@`` before any ``/``, ``?`` or ``#`` (so either
    could end the userinfo). Such a URL is refused with a hint to percent-encode it, never guessed at."""
    parts = _split(url, widest=False)
    if parts is None:
        return None
    password, after = parts[2], parts[3]
    if (char := next((c for c in password if c in RESERVED), None)) is not None:
        return char
    if "@" in after and not any(c in after.partition("@")[0] for c in "/?#"):
        return "@"
    return None


def refusal(what: str, url: str, char: str) -> str:
    """The message for a URL whose password holds ``char`` unencoded."""
    return (
        f"the {what} {mask(url)!r} has a password with an unencoded {char!r}: write it percent-encoded "
        f"({char!r} as %{ord(char):02X}), as every reserved character in a URL's password must be"
    )


def scrub(text: str, url: str, parsed: tuple[str, ...] = ()) -> str:
    """A driver's or a library's message about ``url`` that cannot quote a piece of its password: the password (as
    written and decoded, at its widest reading, and each piece of it between reserved characters) is taken out, and
    so is any quoted part of the driver's parse (``parsed``: host and database as it read them) that is not plainly
    in what follows the userinfo (``'tPW@127.0.0.1'`` from a password ``S3cret@tPW``)."""
    widest = _split(url)
    if widest is None:
        return mask(text)
    password, after = widest[2], widest[3]
    for part in parsed:
        if part and part not in after:
            text = text.replace(f"'{part}'", "'***'").replace(f'"{part}"', '"***"')
    secrets = {password, unquote(password), *re.split(r"[@/?#\[\]:]", password)}
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:  # a shorter one would blank out ordinary words
            text = text.replace(secret, "***")
    return mask(text)
