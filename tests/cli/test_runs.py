"""`perfgate runs list` and `perfgate runs delete` as a user types them: the table and the JSON, exit codes, the
refusal to delete without a selection, --dry-run, unknown ids, and that a delete removes one run and nothing else."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perfgate.history.alerts import Announced
from perfgate.model import GateDecision
from perfgate.store import Store
from perfgate.store.schema import Base

from ..conftest import EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def _record(run_cli: Invoke, db: str) -> None:
    """Run 1 and 3 on main, run 2 on the mistyped branch 'mian' (a pull request's), run 4 of suite api; a gate
    decision, and an announced step (an alert) at run 2's commit."""
    for key, path, branch, commit, extra in (
        ("k1", BASE, "main", "aaaa1111", []),
        ("k2", HEAD, "mian", "bbbb2222", ["--pr", "7"]),
        ("k3", HEAD, "main", "cccc3333", []),
        ("k4", BASE, "main", "dddd4444", ["--suite", "api"]),
    ):
        result = run_cli("ingest", path, "--branch", branch, "--commit", commit, "--key", key, *extra, "--db", db)
        assert result.exit_code == 0, result.output
    decision = GateDecision("default", "bbbb2222", datetime(2026, 11, 23, tzinfo=UTC), "fail", 3, pr_number=7)
    Store(db).save_gate_decision(decision)
    step = Announced("default", "test_tokenize", "time", "bbbb2222", 0.001, issue=5)  # about the run deleted below
    Store(db).announce(step, last_good="aaaa1111", after=0.0012, now=datetime(2026, 11, 23, tzinfo=UTC))


def _rows(db: str) -> dict[str, int]:
    store = Store(db)
    with Session(store.engine) as session:
        return {n: session.scalar(select(func.count()).select_from(t)) or 0 for n, t in Base.metadata.tables.items()}


def test_list_shows_a_table_newest_first(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url)
    result = run_cli("runs", "list", "--suite", "default", "--db", db_url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "recorded", "(UTC)", "suite", "branch", "commit", "PR", "format", "series"]
    assert [line.split()[0] for line in lines[1:4]] == ["3", "2", "1"]  # the files' own times, newest first
    assert lines[2].split()[3:] == ["default", "mian", "bbbb2222", "#7", "pytest-benchmark", "3"]
    assert lines[3].split()[3:] == ["default", "main", "aaaa1111", "-", "pytest-benchmark", "3"]
    assert lines[-1].startswith("3 runs, newest first, in ")
    limited = run_cli("runs", "list", "--limit", "2", "--db", db_url).output
    assert "the newest 2 of 4 runs (--limit N shows more)" in limited


def test_list_filters_and_writes_json_for_scripts(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url)
    result = run_cli("runs", "list", "--commit", "bbbb", "--format", "json", "--db", db_url)
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["perfgate_runs"] == 1 and document["total"] == 1
    (run,) = document["runs"]
    assert {k: run[k] for k in ("id", "suite", "branch", "commit", "pr_number", "series", "idempotency_key")} == {
        "id": 2,
        "suite": "default",
        "branch": "mian",
        "commit": "bbbb2222",
        "pr_number": 7,
        "series": 3,
        "idempotency_key": "k2",
    }
    assert datetime.fromisoformat(run["recorded_at"]).tzinfo is not None and run["environment"]["tool"]
    none = run_cli("runs", "list", "--since", "2030-01-01", "--db", db_url)
    assert none.exit_code == 0 and none.output.startswith("no runs match (of 4 runs in ")
    empty_json = json.loads(run_cli("runs", "list", "--since", "2030-01-01", "--format", "json", "--db", db_url).output)
    assert empty_json == {"perfgate_runs": 1, "total": 0, "runs": []}


def test_an_unknown_branch_or_suite_names_the_recorded_ones(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url)
    branch = run_cli("runs", "list", "--branch", "maim", "--suite", "api", "--db", db_url)
    assert branch.exit_code == 3
    assert "--branch maim: no runs of this branch are recorded (recorded branches: main). Did you mean 'main'?" in (
        branch.output
    )
    suite = run_cli("runs", "delete", "--suite", "defualt", "--db", db_url)
    assert suite.exit_code == 3
    assert "recorded suites: api, default). Did you mean 'default'?" in suite.output


def test_an_empty_history_says_so_and_creates_no_database(run_cli: Invoke, tmp_path: Path) -> None:
    result = run_cli("runs", "list")
    assert result.exit_code == 0 and result.output.startswith("no runs are recorded in sqlite:///")
    deleted = run_cli("runs", "delete", "1")
    assert deleted.exit_code == 3 and "no runs are recorded in" in deleted.output
    assert not (tmp_path / ".perfgate").exists()


def test_delete_refuses_without_a_selection(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url)
    before = _rows(db_url)
    result = run_cli("runs", "delete", "--db", db_url)
    assert result.exit_code == 2 and "perfgate never deletes every run" in result.output
    assert run_cli("runs", "delete", "--commit", "", "--db", db_url).exit_code == 2  # a prefix of every commit
    assert run_cli("runs", "delete", "0", "--db", db_url).exit_code == 2  # ids start at 1
    periods = ("--since", "2026-11-23", "--until", "2026-11-22")
    assert run_cli("runs", "delete", *periods, "--db", db_url).exit_code == 2
    assert _rows(db_url) == before


def test_dry_run_shows_what_would_go_and_deletes_nothing(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url)
    before = _rows(db_url)
    result = run_cli("runs", "delete", "--branch", "mian", "--dry-run", "--db", db_url)
    assert result.exit_code == 0
    assert result.output.splitlines()[1].split()[0] == "2"
    assert "would delete 1 run (3 series) of suite default on branch mian from " in result.output
    assert result.output.rstrip().endswith("; nothing deleted (--dry-run)")
    assert _rows(db_url) == before


def test_delete_removes_one_run_and_nothing_else(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url)
    before = _rows(db_url)
    others = {r.id: r for r in Store(db_url).iter_runs() if r.id != 2}
    result = run_cli("runs", "delete", "--branch", "mian", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "deleted 1 run (3 series) of suite default on branch mian from " in result.output
    gone = {"runs": before["runs"] - 1, "series": before["series"] - 3, "run_samples": before["run_samples"] - 1}
    assert _rows(db_url) == {**before, **gone}
    assert _rows(db_url)["gate_decisions"] == 1 and _rows(db_url)["alerts"] == 1
    kept = {r.id: r for r in Store(db_url).iter_runs()}
    assert kept.keys() == others.keys()
    for run_id, run in kept.items():  # every other run whole, samples and all
        assert [(s.key, s.summary, s.samples.tolist()) for s in run.series] == [
            (s.key, s.summary, s.samples.tolist()) for s in others[run_id].series
        ]
    again = run_cli("runs", "delete", "2", "--db", db_url)
    assert again.exit_code == 3 and "no run 2 in " in again.output


def test_delete_by_ids_is_all_or_nothing(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url)
    before = _rows(db_url)
    missing = run_cli("runs", "delete", "1", "98", "3", "99", "--db", db_url)
    assert missing.exit_code == 3 and "no runs 98, 99 in " in missing.output and "nothing deleted" in missing.output
    guarded = run_cli("runs", "delete", "1", "2", "--branch", "mian", "--db", db_url)
    assert guarded.exit_code == 3
    assert "run 1 is of suite 'default' on branch 'main', commit aaaa1111: not on branch 'mian'" in guarded.output
    nothing = run_cli("runs", "delete", "--branch", "main", "--commit", "ffff", "--db", db_url)
    assert nothing.exit_code == 3 and "no runs on branch 'main' at a commit starting 'ffff'" in nothing.output
    assert _rows(db_url) == before
    both = run_cli("runs", "delete", "3", "1", "--db", db_url)
    assert both.exit_code == 0 and "deleted 2 runs (6 series) of suite default on branch main" in both.output
    assert [r.id for r in Store(db_url).iter_runs()] == [2, 4]


@pytest.mark.parametrize("command", [["runs"], ["runs", "list"], ["runs", "delete"]])
def test_help_has_examples(run_cli: Invoke, command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0 and "Example" in result.output and "perfgate runs " in result.output
