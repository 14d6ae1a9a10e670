"""Choosing the baseline: merge-base and ancestry, recording time, and saying why."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from perfgate.baseline import choose, environment_warnings
from perfgate.model import Environment, RunHeader

from .conftest import DATA, EXAMPLES, Invoke

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _headers(*commits: str) -> list[RunHeader]:
    """Runs newest first: the last commit given was recorded first."""
    n = len(commits)
    return [RunHeader(i + 1, c, T0 + timedelta(hours=n - i)) for i, c in enumerate(commits)]


def test_without_a_merge_base_the_latest_runs() -> None:
    choice = choose(_headers("c5", "c4", "c3"), branch="main", limit=2, base_commit=None, ancestors=None)
    assert choice.run_ids == (1, 2) and choice.reason == "the latest 2 runs of main" and not choice.warnings


def test_ancestry_prefers_the_merge_base_then_its_nearest_ancestors() -> None:
    # main moved on (c9, c8 are after the merge-base c5); the PR must be compared with c5 and before.
    headers = _headers("c9", "c8", "c5", "c4", "c2", "c1")
    choice = choose(headers, branch="main", limit=3, base_commit="c5", ancestors=["c5", "c4", "c3", "c2", "c1"])
    assert choice.run_ids == (3, 4, 5)
    assert choice.reason == "3 runs of main by commit ancestry (1 at the merge-base c5, then its nearest ancestors)"


def test_ancestry_with_no_recorded_ancestor_warns() -> None:
    choice = choose(_headers("c9", "c8"), branch="main", limit=5, base_commit="c5", ancestors=["c5", "c4"])
    assert choice.run_ids == (1, 2)
    assert "no main-branch run is recorded at the merge-base c5" in choice.warnings[0]


def test_without_git_runs_up_to_the_merge_base_by_time() -> None:
    choice = choose(_headers("c9", "c5", "c4", "c3"), branch="main", limit=2, base_commit="c5", ancestors=None)
    assert choice.run_ids == (2, 3)
    assert "at or before the merge-base c5 (by recording time)" in choice.reason


def test_abbreviated_commits_match() -> None:
    full = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0"
    choice = choose(_headers("ffff", full), branch="main", limit=1, base_commit=full[:7], ancestors=None)
    assert choice.run_ids == (2,)


def test_unknown_merge_base_without_git_warns() -> None:
    choice = choose(_headers("c9"), branch="main", limit=5, base_commit="c5", ancestors=None)
    assert choice.run_ids == (1,) and "no git history is at hand" in choice.warnings[0]


def test_environment_differences_are_named() -> None:
    base = [Environment(cpu="AMD EPYC", os="Linux 6.1", interpreter="CPython 3.11", runner="a")]
    head = [Environment(cpu="Intel Xeon", os="Linux 6.1", interpreter="CPython 3.12", runner="b")]
    warnings = environment_warnings(base, head)
    assert warnings == (
        "the baseline ran on a different CPU: 'AMD EPYC' (candidate: 'Intel Xeon')",
        "the baseline ran on a different interpreter: 'CPython 3.11' (candidate: 'CPython 3.12')",
    )
    assert environment_warnings(base, base) == ()


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_compare_against_main_uses_the_merge_base_found_by_git(run_cli: Invoke, tmp_path: Path) -> None:
    repo = tmp_path
    _git(repo, "init", "-q", "-b", "main")
    base_json = json.loads((EXAMPLES / "pytest-benchmark" / "base.json").read_text())
    commits = []
    for i in range(3):
        (repo / "file.txt").write_text(str(i))
        _git(repo, "add", "file.txt")
        _git(repo, "commit", "-q", "-m", f"main {i}")
        commits.append(_git(repo, "rev-parse", "HEAD"))
    _git(repo, "checkout", "-q", "-b", "feature", commits[1])  # the PR branched off main's second commit
    (repo / "file.txt").write_text("pr")
    _git(repo, "commit", "-q", "-am", "pr")
    for i, commit in enumerate(commits):  # one stored main run per commit, recorded in order
        base_json["datetime"] = (T0 + timedelta(hours=i)).isoformat()
        path = repo / f"main-{i}.json"
        path.write_text(json.dumps(base_json))
        assert run_cli("ingest", str(path), "--branch", "main", "--commit", commit).exit_code == 0
    result = run_cli("compare", str(EXAMPLES / "pytest-benchmark" / "head.json"), "--against", "main")
    assert f"baseline: 2 runs of main by commit ancestry (1 at the merge-base {commits[1][:12]}" in result.output
    assert f"main@{commits[2][:12]}" not in result.output  # main's tip moved on after the branch: not used
    explicit = run_cli(
        "compare", str(EXAMPLES / "pytest-benchmark" / "head.json"), "--against", "main", "--base-commit", commits[0]
    )
    assert f"baseline: 1 run of main by commit ancestry (1 at the merge-base {commits[0][:12]}" in explicit.output


# --- a candidate that is a copy of a baseline run measured nothing ---------------------------------------------


def test_results_identical_to_a_stored_main_run_are_nothing_measured(
    run_cli: Invoke, db_url: str, tmp_path: Path
) -> None:
    base = EXAMPLES / "pytest-benchmark" / "base.json"
    record = run_cli("ingest", str(base), "--branch", "main", "--commit", "c0ffee12", "--key", "ci-7:1", "--db", db_url)
    assert record.exit_code == 0, record.output
    copy = tmp_path / "bench.json"  # byte for byte, under another name and key (the Action keys by CI run)
    copy.write_bytes(base.read_bytes())
    result = run_cli("compare", str(copy), "--against", "main", "--db", db_url)
    assert result.exit_code == 0, result.output  # identical data cannot fail; the note says what it is worth
    assert "bench.json is identical to main@c0ffee12 (run 1): nothing was measured" in result.output
    measured = run_cli("compare", str(EXAMPLES / "pytest-benchmark" / "head.json"), "--against", "main", "--db", db_url)
    assert measured.exit_code == 1 and "identical" not in measured.output


def test_deterministic_counts_that_repeat_are_not_called_a_copy(run_cli: Invoke, tmp_path: Path) -> None:
    # Callgrind's instruction counts repeat exactly for unchanged code: that is a measurement, not a copy.
    db = f"sqlite:///{tmp_path / 'h.db'}"
    counts = DATA / "iai" / "iai_two.txt"
    assert run_cli("ingest", str(counts), "--branch", "main", "--commit", "c1", "--db", db).exit_code == 0
    result = run_cli("compare", str(counts), "--against", "main", "--db", db)
    assert result.exit_code == 0, result.output
    assert "identical" not in result.output


def test_a_shallow_checkout_says_to_fetch_the_history(
    run_cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """actions/checkout's default depth: one commit, no merge-base; the latest runs are used, and the note says why."""
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    for i in range(3):
        (origin / "file.txt").write_text(str(i))
        _git(origin, "add", "file.txt")
        _git(origin, "commit", "-q", "-m", f"main {i}")
    _git(tmp_path, "clone", "-q", "--depth", "1", "--no-local", origin.as_uri(), "work")
    work = tmp_path / "work"
    base = EXAMPLES / "pytest-benchmark" / "base.json"
    assert (
        run_cli("ingest", str(base), "--branch", "main", "--commit", "0" * 40, "--db", "sqlite:///h.db").exit_code == 0
    )
    monkeypatch.chdir(work)
    shallow = run_cli(
        "compare",
        str(EXAMPLES / "pytest-benchmark" / "head.json"),
        "--against",
        "main",
        "--db",
        f"sqlite:///{tmp_path / 'h.db'}",
    )
    assert "baseline: the latest 1 run of main" in shallow.output
    assert (
        "note: the checkout is shallow" in shallow.output and "set fetch-depth: 0 on actions/checkout" in shallow.output
    )
    _git(work, "fetch", "-q", "--unshallow")
    full = run_cli(
        "compare",
        str(EXAMPLES / "pytest-benchmark" / "head.json"),
        "--against",
        "main",
        "--db",
        f"sqlite:///{tmp_path / 'h.db'}",
    )
    assert "shallow" not in full.output
