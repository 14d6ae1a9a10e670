"""Time limits on Postgres (store/timeouts.py): a server that accepts TCP and never answers, and a table lock held
by another session, stop perfgate with exit 3 and the limit's name, within the limit, instead of waiting forever."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from perfgate.errors import StoreError
from perfgate.store import Store

from ..conftest import EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback TCP server that accepts every connection and never says a word; its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_hits_connect_timeout(run_cli: Invoke, silent_server: int) -> None:
    url = f"postgresql://u@127.0.0.1:{silent_server}/db?connect_timeout=2"
    started = time.monotonic()
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", url)
    elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.output
    assert "did not answer within connect_timeout=2 s" in result.output
    assert "?connect_timeout=" in result.output
    assert elapsed < 15  # libpq tries each address once; 2 s each, never forever


def test_the_default_connect_timeout_applies_without_a_setting(silent_server: int) -> None:
    store = Store(f"postgresql://u@127.0.0.1:{silent_server}/db")
    started = time.monotonic()
    with pytest.raises(StoreError, match=r"did not answer within connect_timeout=10 s"):
        store.current_revision()
    assert time.monotonic() - started < 30


@pytest.fixture
def locked(postgres_url: str) -> Iterator[str]:
    """A Postgres database with perfgate's schema whose runs table another session holds locked; its URL."""
    Store(postgres_url).ensure_schema()
    other = create_engine(postgres_url)
    with other.connect() as conn:
        transaction = conn.begin()
        conn.execute(text("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE"))
        yield postgres_url
        transaction.rollback()
    other.dispose()


def test_a_table_lock_held_by_another_session_hits_lock_timeout(run_cli: Invoke, locked: str) -> None:
    started = time.monotonic()
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", f"{locked}?lock_timeout=300ms")
    assert result.exit_code == 3, result.output
    assert "kept a lock perfgate needs for longer than lock_timeout=300ms" in result.output
    assert time.monotonic() - started < 10


def test_a_statement_that_runs_too_long_hits_statement_timeout(run_cli: Invoke, locked: str) -> None:
    url = f"{locked}?lock_timeout=0&statement_timeout=400ms"  # no lock limit: the statement's limit stops the wait
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", url)
    assert result.exit_code == 3, result.output
    assert "ran a statement for longer than statement_timeout=400ms" in result.output


def test_the_sessions_get_the_defaults_and_keep_the_url_s_own_options(postgres_url: str) -> None:
    store = Store(f"{postgres_url}?options=-c%20application_name%3Dperfgate-test")
    with store.engine.connect() as conn:
        shown = [conn.execute(text(f"SHOW {k}")).scalar() for k in ("lock_timeout", "statement_timeout")]
        assert conn.execute(text("SHOW application_name")).scalar() == "perfgate-test"
    assert shown == ["30s", "10min"]
    store.close()
    custom = Store(f"{postgres_url}?lock_timeout=2s&statement_timeout=1min&connect_timeout=3")
    with custom.engine.connect() as conn:
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "2s"
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "1min"
    custom.close()


@pytest.mark.parametrize(
    ("query", "named"),
    [("connect_timeout=soon", "connect_timeout='soon'"), ("lock_timeout=5parsecs", "lock_timeout='5parsecs'")],
)
def test_a_bad_limit_is_named(run_cli: Invoke, postgres_url: str, query: str, named: str) -> None:
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", f"{postgres_url}?{query}")
    assert result.exit_code == 3, result.output
    assert named in result.output and "expected" in result.output
