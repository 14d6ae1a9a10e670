"""Exit codes are a contract: bad input, bad databases and hostile names end as a clear error (exit 3)
or a safe rendering, and anything unexpected as an internal error (exit 4), never a traceback or exit 1."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from perfgate import app
from perfgate.config import Config
from perfgate.errors import StoreError
from perfgate.store import Store
from perfgate.store.database import mask_url

from .conftest import DATA, EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def _perfgate(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PERFGATE_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "perfgate", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- internal errors ---------------------------------------------------------------------------


def test_an_unexpected_exception_is_an_internal_error_not_a_failed_gate(
    run_cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(app, "compare_files", broken)
    result = run_cli("compare", BASE, HEAD)
    assert result.exit_code == 4
    assert "internal error while running 'perfgate compare'" in result.output
    assert "--debug" in result.output and "PERFGATE_DEBUG=1" in result.output
    assert "Traceback" not in result.output
    debug = run_cli("--debug", "compare", BASE, HEAD)
    assert debug.exit_code == 4 and "Traceback" in debug.output and "RuntimeError: boom" in debug.output


def test_an_internal_error_in_gate_says_in_the_job_summary_that_the_gate_did_not_run(
    run_cli: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "out.txt"
    for key, value in {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_SHA": "1" * 40,
        "GITHUB_EVENT_PATH": str(DATA / "github-events" / "pull_request.json"),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)

    def broken(*_: object, **__: object) -> None:
        raise KeyError("x")

    monkeypatch.setattr(app, "read_all", broken)
    result = run_cli("gate", HEAD)
    assert result.exit_code == 4
    assert "perfgate could not run" in summary.read_text() and "internal error (KeyError)" in summary.read_text()
    assert "verdict<<" in outputs.read_text() and "\nerror\n" in outputs.read_text()


# --- hostile files (bad input of every format is tested in tests/formats/) ---------------------


def _write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return str(path)


def _pytest_benchmark(**changes: object) -> str:
    raw = json.loads(Path(BASE).read_text())
    raw["benchmarks"][0].update(changes)
    return json.dumps(raw)


# --- the store: the same limits on both databases --------------------------------------------


@pytest.mark.parametrize(
    "options, words",
    [
        (["--commit", "a" * 65], "commit"),
        (["--commit", "c", "--branch", "b" * 300], "branch"),
        (["--commit", "c", "--suite", "s" * 300], "suite"),
        (["--commit", "c", "--key", "k" * 300], "idempotency key"),
        (["--commit", "c", "--pr", str(2**40)], "pull request number"),
        (["--commit", "c", "--branch", "ma\x00in"], "NUL"),
    ],
    ids=["commit", "branch", "suite", "key", "pr", "nul"],
)
def test_values_too_long_for_a_column_are_refused_before_writing(
    options: list[str], words: str, run_cli: Invoke, db_url: str
) -> None:
    args = ["ingest", BASE, "--db", db_url, *options]
    if "--branch" not in options:
        args += ["--branch", "main"]
    result = run_cli(*args)
    assert result.exit_code == 3, result.output
    assert words in result.output


def test_broken_databases_are_errors_that_say_so(tmp_path: Path, run_cli: Invoke) -> None:
    good = tmp_path / "good.db"
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", f"sqlite:///{good}").exit_code == 0
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[:5000])
    text = tmp_path / "text.db"
    text.write_text("not a database at all, but long enough to be read as one" * 100)
    two = tmp_path / "two.db"
    two.write_bytes(good.read_bytes())
    with sqlite3.connect(two) as connection:
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    for path in (truncated, text, two):
        result = run_cli("compare", HEAD, "--against", "main", "--db", f"sqlite:///{path}")
        assert result.exit_code == 3, (path.name, result.output)
        assert str(path) in result.output
    assert not list(tmp_path.glob("*.lock"))  # the schema lock leaves nothing behind


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@127.0.0.1:abc/x",
        "postgresql://u:hunter2@127.0.0.1:1/test?connect_timeout=1",
        "postgresql://u@127.0.0.1/test?password=hunter2&bogus=1",
    ],
)
def test_bad_database_urls_are_errors_without_secrets(url: str, run_cli: Invoke) -> None:
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", url)
    assert result.exit_code == 3, result.output
    assert "hunter2" not in result.output


def test_masking_covers_passwords_and_secret_query_values() -> None:
    masked = mask_url("postgresql://u:pw@h/db?password=p1&sslpassword=p2&application_name=ok&token=t")
    assert "pw" not in masked.split("@")[0].split(":", 2)[-1] and "p1" not in masked and "p2" not in masked
    assert "application_name=ok" in masked and "token=t" not in masked


def test_a_read_only_compare_does_not_create_a_database(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'none' / 'history.db'}")
    with pytest.raises(Exception, match="no history database"):
        app.compare_with_history(
            store, [HEAD], suite="default", branch="main", settings=app.resolve_settings(Config(), app.Overrides())
        )
    assert not (tmp_path / "none").exists()
    with pytest.raises(StoreError):
        Store("postgresql://u@h:notaport/x")


# --- nothing injected ----------------------------------------------------------------------------


def test_names_cannot_forge_workflow_commands_or_break_junit(tmp_path: Path) -> None:
    hostile = "evil\n::error::forged\x1b]0;title\x07\u202e"
    path = _write(tmp_path, "h.json", _pytest_benchmark(name=hostile, fullname=hostile))
    done = _perfgate("compare", path, path, "--output-format", "junit", "-o", str(tmp_path / "j.xml"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not any(line.startswith("::") for line in done.stdout.splitlines())
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    ET.parse(tmp_path / "j.xml")  # valid XML


def test_units_and_names_are_escaped_in_markdown(tmp_path: Path) -> None:
    doc = {
        "perfgate": 1,
        "series": [
            {"name": "a", "unit": "@admin <img src=x onerror=alert(1)>", "samples": [1, 2, 3, 4, 5, 6]},
        ],
    }
    path = _write(tmp_path, "p.json", json.dumps(doc))
    done = _perfgate("compare", path, path, "--output-format", "markdown", cwd=tmp_path)
    assert "<img" not in done.stdout and "@admin" not in done.stdout, done.stdout + done.stderr
