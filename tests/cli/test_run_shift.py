"""A whole run slower than main's history, through the command line on real asv runs of pandas (GitHub runners):
a slower runner fails nothing and says so; a benchmark that got slower on top of it still fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..conftest import DATA, Invoke, record_runs

HISTORY = DATA / "asv-pandas-history"
RUNS = sorted(HISTORY.glob("00[0-5]-*.json"))


def _recorded(run_cli: Invoke, tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'history.db'}"
    record_runs(run_cli, db, *((str(p), p.stem.split("-")[1]) for p in RUNS[:5]))
    return db


def _slower(tmp_path: Path, factor: float, on_top: dict[str, float] | None = None) -> str:
    """Run 005 as if its runner were ``factor`` slower (every result times it), ``on_top`` more for some."""
    doc = json.loads(RUNS[5].read_text())
    column = doc["result_columns"].index("result")
    for name, row in doc["results"].items():
        extra = (on_top or {}).get(name, 1.0)
        value = row[column]
        row[column] = [v * factor * extra for v in value] if isinstance(value, list) else value * factor * extra
    folder = tmp_path / "candidate"
    folder.mkdir(exist_ok=True)
    shutil.copy(HISTORY / "benchmarks.json", folder / "benchmarks.json")
    path = folder / RUNS[5].name
    path.write_text(json.dumps(doc))
    return str(path)


def test_the_next_real_run_passes_without_a_whole_run_note(run_cli: Invoke, tmp_path: Path) -> None:
    db = _recorded(run_cli, tmp_path)
    result = run_cli("compare", str(RUNS[5]), "--against", "main", "--db", db)
    assert result.exit_code == 0, result.output
    assert "whole run" not in result.output
    assert result.output.splitlines()[-1].startswith("PASS: ")


def test_a_runner_40_percent_slower_fails_nothing_and_the_report_says_so(run_cli: Invoke, tmp_path: Path) -> None:
    db = _recorded(run_cli, tmp_path)
    report = tmp_path / "report.json"
    result = run_cli(
        "compare", _slower(tmp_path, 1.4), "--against", "main", "--db", db, "-o", str(report), "--output-format", "json"
    )
    assert result.exit_code == 0, result.output
    note = next(line for line in result.output.splitlines() if line.startswith("note: the whole run"))
    assert note.startswith("note: the whole run is 4") and "% slower (the median change of 30 benchmarks" in note
    assert "a slower runner or a change that slows everything — confirm with `perfgate run`" in note
    assert result.output.splitlines()[-1].startswith("NEUTRAL (the whole run is slower: see the note): ")
    shift = json.loads(report.read_text())["run_shift"]
    assert shift["slower"] and 1.3 < shift["ratio"] < 1.5 and shift["series"] == 30


def test_a_benchmark_50_percent_slower_on_that_runner_still_fails(run_cli: Invoke, tmp_path: Path) -> None:
    db = _recorded(run_cli, tmp_path)
    stepped = "ctors.MultiIndexConstructor.time_multiindex_from_iterables"
    doc = json.loads(RUNS[5].read_text())
    assert stepped in doc["results"]
    result = run_cli("compare", _slower(tmp_path, 1.4, {stepped: 1.5}), "--against", "main", "--db", db)
    assert result.exit_code == 1, result.output
    verdict = result.output.splitlines()[-1]
    assert verdict.startswith("FAIL: ") and "ctors.MultiIndexConstructor.time_multiindex_from_iterables" in verdict
    assert verdict == f"FAIL: 1 regression ({stepped})"
