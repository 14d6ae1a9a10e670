"""Shared fixtures: test data, a fresh database per test on SQLite *and* Postgres, golden files."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from perfgate import limits
from perfgate.cli import main

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"
GOLDEN = Path(__file__).parent / "golden"

# The Postgres server the tests use; CI has one on this machine. A missing server fails the run.
POSTGRES_ADMIN_URL = os.environ.get("PERFGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def input_limits(**smaller: int) -> Iterator[None]:
    """Lower input limits for one block, as --max-input-size sets them for one command."""
    token = limits.input_limits.set(limits.InputLimits(**smaller))
    try:
        yield
    finally:
        limits.input_limits.reset(token)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite golden files from actual output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def check_golden(name: str, actual: str, update: bool) -> None:
    """Compare with tests/golden/NAME; on mismatch leave NAME.actual beside it for a diff."""
    expected_path = GOLDEN / name
    actual_path = expected_path.with_name(expected_path.name + ".actual")
    if update:
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
        actual_path.unlink(missing_ok=True)
        return
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else None
    if expected != actual:
        actual_path.write_text(actual, encoding="utf-8")
        pytest.fail(f"{expected_path} differs from the output; see {actual_path} (pytest --update-golden)")
    actual_path.unlink(missing_ok=True)


Invoke = Callable[..., Result]


def record_runs(run_cli: Invoke, db: str, *pairs: tuple[str, str]) -> None:
    """Ingest each (results file, commit) as a run of main into the database at ``db``, one key per run."""
    for i, (path, commit) in enumerate(pairs):
        result = run_cli("ingest", path, "--branch", "main", "--commit", commit, "--key", f"run-{i}", "--db", db)
        assert result.exit_code == 0, result.output


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Invoke]:
    """Run the CLI in a clean temporary directory, with no database URL from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PERFGATE_DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    yield invoke


def _postgres_database() -> Iterator[str]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"perfgate_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the message says how to fix it; CI must not skip silently
        pytest.fail(
            f"Postgres is needed for the tests and is not usable at {POSTGRES_ADMIN_URL}: {exc}\n"
            "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            pytrace=False,
        )
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty Postgres database (for tests that move data between the two backends)."""
    yield from _postgres_database()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a new, empty database: the same test body runs on SQLite and on Postgres."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
    else:
        yield from _postgres_database()
