"""Names from results files never act on a GitHub job log: every line perfgate prints goes through one neutraliser
(render/cells.log_text), the error paths included. The runner reads ``::name::`` at the start of a line (after
spaces) and ``##[name]`` anywhere in it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from perfgate.render.cells import log_text

from ..conftest import EXAMPLES, Invoke

ROOT = EXAMPLES.parent

HEAD = EXAMPLES / "pytest-benchmark" / "head.json"
ASV = ROOT / "tests" / "data" / "asv" / "results" / "perfgate-vm" / "8533afed-existing-py.json"
NAMES = [
    "x\n::error ::x",
    "y\n  ::add-mask::y",
    "z\r\n::stop-commands::tok",
    "w\r::warning file=a::w",
    "v\u2028::notice::v",
    "u ##[add-mask]u",
    "t\n##[error]t",
]


def _acts(output: str) -> list[str]:
    """The lines of ``output`` that a runner would take for a workflow command."""
    return [line for line in output.splitlines() if line.lstrip().startswith("::") or "##[" in line]


def _renamed(source: Path, target: Path, names: list[str]) -> str:
    data = json.loads(source.read_text(encoding="utf-8"))
    for bench, name in zip(data["benchmarks"], names, strict=False):
        bench["name"] = bench["fullname"] = name
    target.write_text(json.dumps(data), encoding="utf-8")
    return str(target)


@pytest.mark.parametrize("text", NAMES)
def test_the_neutraliser_leaves_no_command_and_keeps_the_words(text: str) -> None:
    shown = log_text(f"perfgate: error: {text}")
    assert _acts(shown) == []
    assert text.split()[-1].strip(":#[]") in shown


def test_nothing_was_compared_lists_names_inert(run_cli: Invoke, tmp_path: Path) -> None:
    """The error path of `compare` with no series in common: the names are listed, none as a command."""
    for i in range(0, len(NAMES), 3):
        base = _renamed(HEAD, tmp_path / "base.json", ["a", "b", "c"])
        head = _renamed(HEAD, tmp_path / "head.json", NAMES[i : i + 3])
        result = run_cli("compare", base, head)
        assert result.exit_code == 3, result.output
        assert "nothing was compared: " in result.output and "no series in common" in result.output
        assert _acts(result.output) == [], result.output


def test_the_gate_s_nothing_compared_lines_are_inert(
    run_cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`perfgate gate` on a pull request whose series main never had: exit 0, a neutral outcome, and its log lines
    (printed one by one, not as an error) carry the names inert."""
    db = f"sqlite:///{tmp_path / 'history.db'}"
    base = _renamed(HEAD, tmp_path / "base.json", ["a", "b", "c"])
    stored = run_cli("ingest", base, "--branch", "main", "--commit", "1" * 40, "--db", db)
    assert stored.exit_code == 0, stored.output
    for key in [k for k in os.environ if k.startswith("GITHUB_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(ROOT / "tests" / "data" / "github-events" / "pull_request_fork.json"))
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/shop")
    monkeypatch.setenv("GITHUB_SHA", "3" * 40)
    head = _renamed(HEAD, tmp_path / "head.json", NAMES[:3])
    result = run_cli("gate", head, "--db", db, "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "nothing was compared" in result.output
    assert "stop-commands" in result.output  # the names are still there, to read
    assert _acts(result.output) == [], result.output


def test_every_asv_benchmark_failed_lists_names_inert(run_cli: Invoke, tmp_path: Path) -> None:
    data = json.loads(ASV.read_text(encoding="utf-8"))
    row = next(iter(data["results"].values()))
    data["results"] = {name: [None, *row[1:]] for name in NAMES}
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "benchmarks.json").write_text(
        (ASV.parent.parent / "benchmarks.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    failed = tmp_path / "results" / "failed.json"
    failed.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("compare", str(failed), str(failed))
    assert result.exit_code == 3, result.output
    assert "every benchmark failed or was skipped (asv)" in result.output
    assert _acts(result.output) == [], result.output


def test_the_text_report_and_history_never_start_a_command(run_cli: Invoke, tmp_path: Path) -> None:
    """A name without a newline still starts the report's row and the history's heading: those lines are inert."""
    names = ["::error ::x", "##[add-mask]y", "::stop-commands::tok"]
    base = _renamed(EXAMPLES / "pytest-benchmark" / "base.json", tmp_path / "base.json", names)
    head = _renamed(HEAD, tmp_path / "head.json", names)
    compared = run_cli("compare", base, head)
    assert compared.exit_code == 1, compared.output
    assert "| ::error ::x" in compared.output and "regression" in compared.output
    assert _acts(compared.output) == [], compared.output
    db = f"sqlite:///{tmp_path / 'history.db'}"
    assert run_cli("ingest", base, "--branch", "main", "--commit", "1" * 40, "--db", db).exit_code == 0
    shown = run_cli("history", "::error ::x", "--db", db)
    assert shown.exit_code == 0, shown.output
    assert "on main, 1 run, oldest first" in shown.output and _acts(shown.output) == [], shown.output
