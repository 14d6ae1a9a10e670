"""Exit codes are a contract (0 pass, 1 gate failed, 2 usage, 3 bad input, config or environment, 4 internal
error): anything unexpected ends as an internal error, exit 4, with a way to see more, never a traceback or a
failed gate. Bad input is tested in tests/formats/, bad databases in tests/store/."""

from __future__ import annotations

from pathlib import Path

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
