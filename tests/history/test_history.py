"""`perfgate history`: a series' recent runs as a table and a sparkline, as a user runs it."""

from __future__ import annotations

from perfgate.render.history_text import sparkline

from ..conftest import EXAMPLES, Invoke, record_runs

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def test_history_table_and_sparkline(run_cli: Invoke, db_url: str) -> None:
    record_runs(run_cli, db_url, (BASE, "aaa1"), (BASE, "aaa2"), (HEAD, "bbb3"))
    result = run_cli("history", "test_tokenize", "--db", db_url)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "test_tokenize (time) on main, 3 runs, oldest first"
    assert [line.split()[0] for line in lines[3:6]] == ["aaa1", "aaa2", "bbb3"]
    assert "635.3µs" in lines[3] and "1.213ms" in lines[5] and lines[5].split()[-1] == "351"
    assert lines[-1] == "median  ▁▁█"
    assert run_cli("history", "test_tokenize", "--limit", "1", "--db", db_url).output.count("bbb3") == 1


def test_history_of_an_unknown_series_is_an_error(run_cli: Invoke, db_url: str) -> None:
    record_runs(run_cli, db_url, (BASE, "aaa1"))
    result = run_cli("history", "test_nothing", "--db", db_url)
    assert (
        result.exit_code == 3 and "test_nothing: no series of this name is recorded in suite 'default'" in result.output
    )


def test_a_series_of_another_suite_is_found_there(run_cli: Invoke, db_url: str) -> None:
    """The demo's history is suite 'pvlib': the name as pasted from its digest, without --suite, is pointed there."""
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "aaa1", "--suite", "pvlib", "--db", db_url)
    assert result.exit_code == 0
    result = run_cli("history", "test_tokenize", "--db", db_url)
    assert result.exit_code == 3
    assert "recorded in suite 'default'; it is in suite 'pvlib': give --suite pvlib" in result.output
    assert run_cli("history", "test_tokenize", "--suite", "pvlib", "--db", db_url).exit_code == 0


def test_sparkline_scales_between_min_and_max() -> None:
    assert sparkline([1.0, 2.0, 3.0]) == "▁▅█"
    assert sparkline([5.0, 5.0]) == "▅▅"
    assert sparkline([]) == ""


def test_history_of_an_unrecorded_branch_lists_the_recorded_ones(run_cli: Invoke, db_url: str) -> None:
    """`history NAME --branch mian` used to print an empty table and exit 0."""
    record_runs(run_cli, db_url, (BASE, "aaa1"))
    result = run_cli("history", "test_tokenize", "--branch", "mian", "--db", db_url)
    assert result.exit_code == 3, result.output
    assert "--branch mian: no runs of this branch are recorded (recorded branches: main). Did you mean 'main'?" in (
        result.output
    )
    one = run_cli("history", "test_tokenize", "--branch", "main", "--db", db_url)
    assert one.exit_code == 0 and one.output.splitlines()[0] == "test_tokenize (time) on main, 1 run, oldest first"
