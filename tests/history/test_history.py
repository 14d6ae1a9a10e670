"""History, export/import between backends, and pruning, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from perfgate.render.history_text import sparkline
from perfgate.store import Store

from ..conftest import EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def _record(run_cli: Invoke, db: str, *pairs: tuple[str, str]) -> None:
    for i, (path, commit) in enumerate(pairs):
        result = run_cli("ingest", path, "--branch", "main", "--commit", commit, "--key", f"run-{i}", "--db", db)
        assert result.exit_code == 0, result.output


def test_history_table_and_sparkline(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url, (BASE, "aaa1"), (BASE, "aaa2"), (HEAD, "bbb3"))
    result = run_cli("history", "test_tokenize", "--db", db_url)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "test_tokenize (time) on main, 3 runs, oldest first"
    assert [line.split()[0] for line in lines[3:6]] == ["aaa1", "aaa2", "bbb3"]
    assert "635.3µs" in lines[3] and "1.213ms" in lines[5] and lines[5].split()[-1] == "351"
    assert lines[-1] == "median  ▁▁█"
    assert run_cli("history", "test_tokenize", "--limit", "1", "--db", db_url).output.count("bbb3") == 1


def test_history_of_an_unknown_series_is_an_error(run_cli: Invoke) -> None:
    result = run_cli("history", "test_nothing")
    assert (
        result.exit_code == 3 and "test_nothing: no series of this name is recorded in suite 'default'" in result.output
    )


def test_sparkline_scales_between_min_and_max() -> None:
    assert sparkline([1.0, 2.0, 3.0]) == "▁▅█"
    assert sparkline([5.0, 5.0]) == "▅▅"
    assert sparkline([]) == ""


def test_export_from_sqlite_import_into_postgres_keeps_everything(
    run_cli: Invoke, postgres_url: str, tmp_path: Path
) -> None:
    sqlite = f"sqlite:///{tmp_path / 'local.db'}"
    _record(run_cli, sqlite, (BASE, "aaa1"), (HEAD, "bbb2"))
    exported = tmp_path / "runs.jsonl"
    result = run_cli("export", "-o", str(exported), "--db", sqlite)
    assert result.exit_code == 0
    lines = exported.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["perfgate_export"] == 1
    first = run_cli("import", str(exported), "--db", postgres_url)
    assert "2 run(s) imported, 0 already stored" in first.output
    again = run_cli("import", str(exported), "--db", postgres_url)
    assert "0 run(s) imported, 2 already stored" in again.output
    source, target = (
        Store(sqlite).latest_runs("default", "main", 5),
        Store(postgres_url).latest_runs("default", "main", 5),
    )
    for a, b in zip(source, target, strict=True):
        assert (a.commit, a.recorded_at, a.environment, a.idempotency_key) == (
            b.commit,
            b.recorded_at,
            b.environment,
            b.idempotency_key,
        )
        for sa, sb in zip(a.series, b.series, strict=True):
            assert sa.summary == sb.summary and sa.samples.tolist() == sb.samples.tolist()


def test_a_malformed_line_names_it_and_imports_nothing(run_cli: Invoke, db_url: str, tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path / 'local.db'}"
    _record(run_cli, sqlite, (BASE, "aaa1"), (HEAD, "bbb2"))
    exported = tmp_path / "runs.jsonl"
    run_cli("export", "-o", str(exported), "--db", sqlite)
    good, second = exported.read_text().splitlines()
    broken = json.loads(second)
    broken["series"][1]["summary"]["median"] = "fast"
    for content, where in (
        (f"{good}\n{json.dumps(broken)}\n", ":2:series[1].summary.median: expected a finite number or null"),
        (f"{good}\n{second[:-40]}\n", ":2: not valid JSON"),
        (f"{good}\n\n{{}}\n", ":3: not a perfgate export line"),
    ):
        path = tmp_path / "bad.jsonl"
        path.write_text(content)
        result = run_cli("import", str(path), "--db", db_url)
        assert result.exit_code == 3 and f"bad.jsonl{where}" in result.output
        assert Store(db_url).current_revision() is None  # nothing written, not even the schema


def test_prune_keeps_summaries_and_frees_samples(run_cli: Invoke, db_url: str) -> None:
    _record(run_cli, db_url, (BASE, "aaa1"), (BASE, "aaa2"), (HEAD, "bbb3"))
    result = run_cli("prune", "--keep-runs", "1", "--db", db_url)
    assert result.exit_code == 0 and "dropped the samples of 6 series in 2 run(s)" in result.output
    runs = Store(db_url).latest_runs("default", "main", 5)
    assert [r.series[0].samples.size > 0 for r in runs] == [True, False, False]
    assert runs[2].series[0].summary.median is not None  # the summary stays
    table = run_cli("history", "test_tokenize", "--db", db_url).output
    assert table.count("samples pruned") == 2
    again = run_cli("prune", "--keep-days", "0", "--db", db_url)
    assert "dropped the samples of 3 series in 1 run(s)" in again.output
    assert run_cli("prune", "--db", db_url).exit_code == 2  # one of the two options is needed
