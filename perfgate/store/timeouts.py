"""Time limits on Postgres, so that a server that accepts a connection and never answers, or a table lock held by
another session, stops perfgate with a message instead of holding a CI job until it is killed.

Set like every other storage setting, in the database URL's query: ``?connect_timeout=5&lock_timeout=10s``.
``connect_timeout`` is in seconds, as libpq reads it; ``lock_timeout`` and ``statement_timeout`` are Postgres
durations (``500ms``, ``30s``, ``5min``; a bare number is milliseconds; 0 turns the limit off) and reach the server
as session settings. SQLite has its own: a writer waits 30 s for another (``busy_timeout``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.engine import URL

from perfgate.errors import StoreError

CONNECT_TIMEOUT = "connect_timeout"
LOCK_TIMEOUT = "lock_timeout"
STATEMENT_TIMEOUT = "statement_timeout"
_DURATION = re.compile(r"\d+(?:ms|s|min|h)?")


@dataclass(frozen=True)
class TimeLimits:
    """The limits of one database's sessions, as the server reads them."""

    connect: str = "10"  # seconds to open a connection (libpq rounds values under 2 up to 2)
    lock: str = "30s"  # the longest wait for a lock: as long as SQLite waits for a writer
    statement: str = "10min"  # the longest statement: far above any of perfgate's, far below forever

    def of(self, key: str) -> str:
        return {CONNECT_TIMEOUT: self.connect, LOCK_TIMEOUT: self.lock, STATEMENT_TIMEOUT: self.statement}[key]


def split(url: URL, shown: str) -> tuple[URL, TimeLimits]:
    """The URL without perfgate's time-limit keys, and the limits it asks for (defaults for those it omits).
    ``shown`` is the URL as it may be printed, for errors that name a bad value."""
    query = dict(url.query)
    given: dict[str, str] = {}
    for key in (CONNECT_TIMEOUT, LOCK_TIMEOUT, STATEMENT_TIMEOUT):
        if key not in query:
            continue
        value = query.pop(key)
        text = value if isinstance(value, str) else (value[-1] if value else "")
        pattern = r"\d+" if key == CONNECT_TIMEOUT else _DURATION.pattern
        if not re.fullmatch(pattern, text.strip()):
            expected = "whole seconds, e.g. 10" if key == CONNECT_TIMEOUT else "a duration, e.g. 500ms, 30s or 5min"
            raise StoreError(f"the database URL {shown}: {key}={text!r}: expected {expected} (0: no limit)")
        given[{CONNECT_TIMEOUT: "connect", LOCK_TIMEOUT: "lock", STATEMENT_TIMEOUT: "statement"}[key]] = text.strip()
    return url.set(query=query), TimeLimits(**given)


def connect_args(limits: TimeLimits, url: URL) -> dict[str, str]:
    """What psycopg is given besides the URL: the connect timeout, and the other two as session settings, after
    any ``options`` the URL already passes to the server."""
    own = url.query.get("options", "")
    options = f"{own if isinstance(own, str) else ' '.join(own)} -c {LOCK_TIMEOUT}={limits.lock} "
    options += f"-c {STATEMENT_TIMEOUT}={limits.statement}"
    return {CONNECT_TIMEOUT: limits.connect, "options": options.strip()}


def which(error: BaseException | None) -> str | None:
    """The limit a driver's error says was hit, or None."""
    if error is None:
        return None
    if type(error).__name__ == "ConnectionTimeout" or "timeout expired" in str(error):
        return CONNECT_TIMEOUT
    sqlstate = getattr(error, "sqlstate", None)
    if sqlstate == "55P03" and "lock timeout" in str(error):
        return LOCK_TIMEOUT
    if sqlstate == "57014" and "statement timeout" in str(error):
        return STATEMENT_TIMEOUT
    return None


def message(key: str, limits: TimeLimits, shown: str) -> str:
    """The error for a limit that was hit: which one, and how to change it."""
    what = {
        CONNECT_TIMEOUT: f"did not answer within {CONNECT_TIMEOUT}={limits.connect} s",
        LOCK_TIMEOUT: f"kept a lock perfgate needs for longer than {LOCK_TIMEOUT}={limits.lock} (another session "
        "holds it: a long transaction, a migration, a VACUUM FULL)",
        STATEMENT_TIMEOUT: f"ran a statement for longer than {STATEMENT_TIMEOUT}={limits.statement}",
    }[key]
    return f"the database {shown} {what}. Set another limit with ?{key}=… in the database URL (docs/storage.md)"
