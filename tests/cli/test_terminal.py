"""Terminal conventions: colour only on a terminal or when asked, --quiet, and progress on stderr for long
reads that a pipe or a log never sees."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def test_colour_only_when_asked_or_on_a_terminal(run_cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = run_cli("compare", BASE, HEAD)  # CliRunner's stdout is not a terminal: auto means no colour
    assert "\x1b[" not in plain.output
    coloured = run_cli("--color", "always", "compare", BASE, HEAD)
    assert "\x1b[31m\x1b[1mregression" in coloured.output  # the failing verdict in bold red
    assert "\x1b[31m\x1b[1mFAIL: 1 regression" in coloured.output
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("--color", "auto", "compare", BASE, HEAD).output
    assert "\x1b[" not in run_cli("--color", "never", "compare", BASE, HEAD).output


def test_quiet_prints_only_what_fails(run_cli: Invoke) -> None:
    result = run_cli("compare", "-q", BASE, HEAD)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("benchmark") and lines[1].startswith("test_tokenize")
    assert "test_render" not in result.output and "baseline:" not in result.output
    assert lines[-1] == "FAIL: 1 regression (test_tokenize)"
    passing = run_cli("compare", "-q", BASE, BASE)
    assert passing.exit_code == 0 and passing.output == "PASS: 3 unchanged\n"


def _compare_on_a_terminal(
    tmp_path: Path, *args: str, after: str = "0", command: tuple[str, ...] = ("compare",), files: int = 1
) -> tuple[int, str, str]:
    """Run `perfgate compare` on a JMeter file (or ``command`` on ``files`` copies of it) with stderr on a
    pseudo-terminal (as a person at a terminal sees it)."""
    import os
    import pty
    import subprocess
    import sys
    import threading

    rows = ["timeStamp,elapsed,label,success"] + [
        f"{1764500000000 + i},{50 + i % 7},GET /x,true" for i in range(60_000)
    ]
    results = tmp_path / "results.jtl"
    results.write_text("\n".join(rows) + "\n")
    paths = [str(results)] * 2  # compare: the file against itself
    if command != ("compare",):  # several files: copies, as a glob over a results folder would give
        paths = [str(shutil.copy(results, tmp_path / f"results-{i}.jtl")) for i in range(files)]
    main_fd, terminal = pty.openpty()
    env = {**os.environ, "PERFGATE_PROGRESS_AFTER": after, "NO_COLOR": "1"}
    seen: list[bytes] = []

    def drain() -> None:  # read the terminal while perfgate writes to it, or a full buffer would block it
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "perfgate", *command, *args, *paths],
        stdout=subprocess.PIPE, stderr=terminal, env=env, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    os.close(terminal)
    reader.join(timeout=10)
    os.close(main_fd)
    return done.returncode, done.stdout.decode(), b"".join(seen).decode(errors="replace")


def test_long_reads_show_progress_on_a_terminal_only(tmp_path: Path) -> None:
    code, out, err = _compare_on_a_terminal(tmp_path)
    assert code == 0, err
    assert "reading " in err and "results.jtl" in err and "MB/s" in err and "100%" in err
    assert "reading" not in out  # the report on stdout stays clean
    code, _, err = _compare_on_a_terminal(tmp_path, "-q")
    assert code == 0 and "reading" not in err
    code, _, err = _compare_on_a_terminal(tmp_path, after="60")  # quick reads print nothing
    assert code == 0 and "reading" not in err


def test_ingest_of_several_files_counts_them_on_a_terminal(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'history.db'}"
    command = ("ingest", "--db", db, "--commit", "abc123", "--branch", "main")
    code, _, err = _compare_on_a_terminal(tmp_path, command=command, files=3)
    assert code == 0, err
    assert "read 1 of 3 files" in err and "read 3 of 3 files" in err
    code, _, err = _compare_on_a_terminal(tmp_path, command=command, files=3, after="60")
    assert code == 0 and "files" not in err


def test_no_progress_when_stderr_is_not_a_terminal(
    run_cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERFGATE_PROGRESS_AFTER", "0")
    result = run_cli("compare", BASE, HEAD)
    assert "reading" not in result.output
