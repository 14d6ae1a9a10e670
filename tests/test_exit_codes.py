"""Exit codes are a contract (0 pass, 1 gate failed, 2 usage, 3 bad input, config or environment, 4 internal
error): anything unexpected ends as an internal error, exit 4, with a way to see more, never a traceback or a
failed gate. Bad input is tested in tests/formats/, bad databases in tests/store/."""

from __future__ import annotations

import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import DATA, EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def test_an_unexpected_exception_is_an_internal_error_not_a_failed_gate(
    run_cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("perfgate.app.compare.compare_files", broken)
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

    monkeypatch.setattr("perfgate.app.action.read_all", broken)
    result = run_cli("gate", HEAD)
    assert result.exit_code == 4
    assert "perfgate could not run" in summary.read_text() and "internal error (KeyError)" in summary.read_text()
    assert "verdict<<" in outputs.read_text() and "\nerror\n" in outputs.read_text()


def _perfgate(*args: str, **popen: Any) -> subprocess.Popen[bytes]:
    """perfgate in its own process, as a shell runs it."""
    return subprocess.Popen([sys.executable, "-m", "perfgate", *args], stderr=subprocess.PIPE, **popen)


def test_ctrl_c_exits_130_not_as_a_failed_gate() -> None:
    """Click says "Aborted!" and exits 1 on Ctrl-C: a job log would read it as a failed gate."""
    waiting = _perfgate("compare", "-", BASE, stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # reads stdin
    _until_reading_stdin(waiting.pid)
    waiting.send_signal(signal.SIGINT)
    _, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 130
    assert err.decode().strip() == "perfgate: interrupted"


READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}  # read()'s number, as /proc/PID/syscall shows it


def _until_reading_stdin(pid: int, timeout: float = 60.0) -> None:
    """Wait until the process is blocked in read(0, …) (Linux's /proc): past its imports, where Ctrl-C would
    only be Python's own."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        call = Path(f"/proc/{pid}/syscall").read_text().split()
        if call[:2] == [READ_SYSCALL.get(platform.machine(), "0"), "0x0"]:  # read(), fd 0
            return
        time.sleep(0.05)
    raise AssertionError("perfgate never read its standard input")


def test_a_reader_that_stops_early_is_not_an_internal_error(tmp_path: Path) -> None:
    """`perfgate export | head`: the reader goes away; perfgate stops quietly with 141, as a shell's SIGPIPE."""
    db = f"sqlite:///{tmp_path / 'history.db'}"
    imported = _perfgate("import", str(EXAMPLES / "demo" / "pvlib-history.jsonl"), "--db", db, stdout=subprocess.PIPE)
    assert imported.wait(timeout=120) == 0
    exporting = _perfgate("export", "--db", db, stdout=subprocess.PIPE)  # 1.3 MB: more than a pipe holds
    assert exporting.stdout is not None and exporting.stderr is not None
    assert exporting.stdout.read(100).startswith(b"{")
    exporting.stdout.close()
    assert exporting.wait(timeout=60) == 141
    assert exporting.stderr.read() == b""


READERS = [
    ("history", "test_tokenize"),
    ("export",),
    ("prune", "--keep-days", "9"),
    ("alert", "--dry-run"),
    ("digest", "--dry-run"),
    ("site", "out"),
]


@pytest.mark.parametrize("command", READERS, ids=[c[0] for c in READERS])
def test_a_command_that_reads_the_history_says_there_is_none_and_creates_none(
    run_cli: Invoke, command: tuple[str, ...]
) -> None:
    """An empty database created by one of them hid the next one's "no history" (alert then said nothing, exit 0)."""
    result = run_cli(*command)
    assert result.exit_code == 3, result.output
    assert "no history in sqlite:///" in result.output and "perfgate ingest" in result.output
    assert not Path(".perfgate").exists()


def test_a_broken_pipe_that_is_not_stdouts_stays_an_internal_error(
    run_cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A socket's or a subprocess's broken pipe is a bug to report; only stdout's reader going away is quiet."""

    def broken(*_: object, **__: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("perfgate.app.compare.compare_files", broken)
    result = run_cli("compare", BASE, HEAD)
    assert result.exit_code == 4 and "internal error" in result.output and "BrokenPipeError" in result.output
