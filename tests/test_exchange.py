"""`perfgate export` and `perfgate import`: history moved between databases as JSON Lines keeps every run
exactly, and a bad line is named and imports nothing."""

from __future__ import annotations

import json
from pathlib import Path

from perfgate.store import Store

from .conftest import EXAMPLES, Invoke, record_runs

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def test_export_from_sqlite_import_into_postgres_keeps_everything(
    run_cli: Invoke, postgres_url: str, tmp_path: Path
) -> None:
    sqlite = f"sqlite:///{tmp_path / 'local.db'}"
    record_runs(run_cli, sqlite, (BASE, "aaa1"), (HEAD, "bbb2"))
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
    record_runs(run_cli, sqlite, (BASE, "aaa1"), (HEAD, "bbb2"))
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
