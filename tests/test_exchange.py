"""`perfgate export` and `perfgate import`: history moved between databases as JSON Lines keeps every run
exactly, and a bad line is named and imports nothing."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from perfgate import exchange
from perfgate.app.history import import_runs
from perfgate.errors import InputError
from perfgate.model import Direction, Run, SampleKind, Series, Summary, as_samples
from perfgate.store import Store

from .conftest import DATA, EXAMPLES, Invoke, record_runs

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
    assert len(lines) == 2 and json.loads(lines[0])["perfgate_export"] == 2
    first = run_cli("import", str(exported), "--db", postgres_url)
    assert "2 runs imported, 0 already stored" in first.output
    # The new database's (key_id, run_id) index, built once the rows were in, is there, as the schema has it.
    indexes = {tuple(i["column_names"]) for i in inspect(Store(postgres_url).engine).get_indexes("series")}
    assert ("key_id", "run_id") in indexes
    again = run_cli("import", str(exported), "--db", postgres_url)
    assert "0 runs imported, 2 already stored" in again.output
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


def test_an_import_leaves_sqlite_checking_references_whether_it_stores_or_fails(
    run_cli: Invoke, tmp_path: Path
) -> None:
    """An import turns SQLite's foreign key checks off for its transaction only: the store's connections
    check them again afterwards, and a run refused later still cascades."""
    url = f"sqlite:///{tmp_path / 'local.db'}"
    record_runs(run_cli, url, (BASE, "aaa1"), (HEAD, "bbb2"))
    exported = tmp_path / "runs.jsonl"
    run_cli("export", "-o", str(exported), "--db", url)
    good = exported.read_text().splitlines()[0]
    target = Store(f"sqlite:///{tmp_path / 'copy.db'}")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(f"{good}\n{{}}\n")
    for path in (bad, exported):
        with pytest.raises(InputError) if path == bad else nullcontext():
            import_runs(target, [str(path)], datetime(2026, 1, 2, tzinfo=UTC))
        with target.engine.connect() as connection:  # the pool's one connection: the import's
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with target.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.exec_driver_sql("INSERT INTO series_keys (id, name, metric) VALUES (999, 'x', 'time')")
        connection.exec_driver_sql(
            "INSERT INTO series (run_id, key_id, unit, direction, kind, count) VALUES (999, 999, 's', 'lower', 'repetition', 1)"
        )


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d.update(pr_number="12"), ":1:pr_number: expected a whole number or null"),
        (lambda d: d.update(pr_number=True), ":1:pr_number: expected a whole number or null"),
        (lambda d: d.update(pr_number=-3), ":1:pr_number: the pull request number -3 is out of range"),
        (lambda d: d.update(environment=[1, 2]), ":1:environment: expected an object"),
        (lambda d: d.update(environment={"cpu": {"a": 1}}), ":1:environment.cpu: expected a string or null"),
        (lambda d: d.update(merge_base=5), ":1:merge_base: expected a commit id (a string) or null"),
        (lambda d: d.update(recorded_at="0001-01-01T00:00:00+05:00"), ":1:recorded_at: the run's time 0001-01-01"),
        (lambda d: d.update(recorded_at="9999-12-31T23:00:00-05:00"), ":1:recorded_at: the run's time 9999-12-31"),
        (lambda d: d["series"][0].update(unit="u" * 60), ":1:series[0].unit: the unit of series"),
        (lambda d: d["series"][0]["summary"].update(count=-5), ":1:series[0].summary.count: series"),
        (lambda d: d["series"][0]["summary"].update(count=2**40), ":1:series[0].summary.count: series"),
        (lambda d: d["series"][1]["summary"].update(errors=2.5), ":1:series[1].summary.errors: expected a whole"),
        (lambda d: d["series"][0].update(name="a\x00b"), ":1:series[0].name: the name of series 'a\\x00b' contains"),
        (lambda d: d["series"].append(d["series"][0]), ":1:series[3]: series 'test_tokenize' (metric 'time') appears"),
    ],
    ids=[
        "pr-string",
        "pr-bool",
        "pr-negative",
        "environment-list",
        "environment-object",
        "merge-base-number",
        "year-1",
        "year-10000-in-utc",
        "unit-60",
        "count-negative",
        "count-huge",
        "errors-fraction",
        "name-nul",
        "series-twice",
    ],
)
def test_import_refuses_what_ingest_refuses_on_both_databases(
    change: Callable[[dict[str, Any]], None], where: str, run_cli: Invoke, db_url: str, tmp_path: Path
) -> None:
    sqlite = f"sqlite:///{tmp_path / 'local.db'}"
    record_runs(run_cli, sqlite, (BASE, "aaa1"))
    exported = tmp_path / "runs.jsonl"
    run_cli("export", "-o", str(exported), "--db", sqlite)
    document = json.loads(exported.read_text())
    change(document)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(document) + "\n")
    result = run_cli("import", str(bad), "--db", db_url)
    assert result.exit_code == 3, result.output
    assert f"bad.jsonl{where}" in result.output
    assert Store(db_url).current_revision() is None  # refused before anything was written


def test_an_empty_unit_survives_export_and_import(run_cli: Invoke, db_url: str, tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path / 'local.db'}"
    record_runs(run_cli, sqlite, (BASE, "aaa1"))
    exported = tmp_path / "runs.jsonl"
    run_cli("export", "-o", str(exported), "--db", sqlite)
    document = json.loads(exported.read_text())
    document["series"][0]["unit"] = ""  # a unitless count
    exported.write_text(json.dumps(document) + "\n")
    result = run_cli("import", str(exported), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert Store(db_url).latest_runs("default", "main", 1)[0].series[0].unit == ""


def test_a_streamed_round_trip_gives_the_same_report_and_the_same_export(
    run_cli: Invoke, db_url: str, tmp_path: Path
) -> None:
    """Export, import into a new database, compare against it: the report is byte for byte the one the
    original history gave; exporting the copy gives the same file. Runs of several tools' precisions (full
    floats, whole nanoseconds, milliseconds to 3 places) go through each sample encoding."""
    sqlite = f"sqlite:///{tmp_path / 'local.db'}"
    go = str(DATA / "go-bench" / "go_bench_count3.txt")
    locust = str(DATA / "locust" / "example_stats_history.csv")
    record_runs(run_cli, sqlite, (BASE, "aaa1"), (go, "aaa2"), (locust, "aaa3"), (BASE, "aaa4"))
    exported, again = tmp_path / "runs.jsonl", tmp_path / "again.jsonl"
    assert run_cli("export", "-o", str(exported), "--db", sqlite).exit_code == 0
    assert "4 runs imported" in run_cli("import", str(exported), "--db", db_url).output
    indexes = {tuple(i["column_names"]) for i in inspect(Store(db_url).engine).get_indexes("series")}
    assert ("key_id", "run_id") in indexes  # built after the rows, in the import's transaction
    assert run_cli("export", "-o", str(again), "--db", db_url).exit_code == 0
    assert again.read_bytes() == exported.read_bytes()
    tags = {
        base64.b64decode(s["samples"])[0]
        for line in exported.read_text().splitlines()
        for s in json.loads(line)["series"]
        if s["samples"]
    }
    assert len(tags) >= 2  # more than one encoding was chosen
    for results in (HEAD, go):
        reports = [
            run_cli("compare", results, "--against", "main", "--output-format", "json", "--db", db).output
            for db in (sqlite, db_url)
        ]
        assert reports[0] == reports[1] and '"verdict"' in reports[0]


def test_an_export_of_version_1_is_still_imported(run_cli: Invoke, db_url: str, tmp_path: Path) -> None:
    """A line perfgate 0004 wrote (zlib float64 samples, version 1) imports, its samples kept exactly."""
    sqlite = f"sqlite:///{tmp_path / 'local.db'}"
    record_runs(run_cli, sqlite, (BASE, "aaa1"))
    (run,) = Store(sqlite).latest_runs("default", "main", 1)
    document = json.loads(exchange.dump(run))
    document["perfgate_export"] = 1
    for series, original in zip(document["series"], run.series, strict=True):
        old = b"\x01" + zlib.compress(original.samples.astype("<f8").tobytes())
        series["samples"] = base64.b64encode(old).decode()
    old_file = tmp_path / "old.jsonl"
    old_file.write_text(json.dumps(document) + "\n")
    assert "1 run imported" in run_cli("import", str(old_file), "--db", db_url).output
    (copied,) = Store(db_url).latest_runs("default", "main", 1)
    for a, b in zip(run.series, copied.series, strict=True):
        assert a.samples.tobytes() == b.samples.tobytes()


def _exported_line() -> dict[str, Any]:
    """An export line of three series (full-precision, decimal and summary-only samples)."""
    full, whole = as_samples([0.00123456789, 0.0012401, 0.00119]), as_samples([1.5e-06, 1.6e-06, 1.4e-06])
    series = tuple(
        Series(name, "time", "s", Direction.LOWER_IS_BETTER, kind, Summary.of(values), samples)
        for name, kind, values, samples in (
            ("test_parse", SampleKind.REPETITION, full, full),
            ("test_tokenize", SampleKind.REPETITION, whole, whole),
            ("GET /", SampleKind.SUMMARY_ONLY, full, as_samples([])),
        )
    )
    run = Run("default", "main", "a" * 40, datetime(2026, 1, 1, tzinfo=UTC), "pytest-benchmark", "k1", series)
    document: dict[str, Any] = json.loads(exchange.dump(run))
    return document


SERIES_CHANGES: dict[str, Callable[[dict[str, Any]], object]] = {
    "as-exported": lambda s: None,
    "count-bool": lambda s: s["summary"].update(count=True),
    "count-float": lambda s: s["summary"].update(count=3.0),
    "count-huge": lambda s: s["summary"].update(count=2**70),
    "mean-huge-int": lambda s: s["summary"].update(mean=10**400),
    "mean-beyond-64-bits": lambda s: s["summary"].update(mean=2**70 + 1),
    "mean-nan": lambda s: s["summary"].update(mean=float("nan")),
    "max-infinite": lambda s: s["summary"].update(max=float("inf")),
    "min-negative-seconds": lambda s: s["summary"].update(min=-1.0),
    "median-bool": lambda s: s["summary"].update(median=False),
    "median-null": lambda s: s["summary"].update(median=None),
    "p99-left-out": lambda s: s["summary"].pop("p99"),
    "errors-negative": lambda s: s["summary"].update(errors=-1),
    "interval-around-the-median": lambda s: s["summary"].update(median_low=1.4e-06, median_high=1.6e-06),
    "interval-one-end": lambda s: s["summary"].update(median_low=1.4e-06),
    "interval-reversed": lambda s: s["summary"].update(median_low=1.6e-06, median_high=1.4e-06),
    "interval-beside-the-median": lambda s: s["summary"].update(median_low=1.0, median_high=2.0),
    "interval-without-median": lambda s: s["summary"].update(median=None, median_low=1.4e-06, median_high=1.6e-06),
    "interval-null": lambda s: s["summary"].update(median_low=None, median_high=None),
    "interval-string": lambda s: s["summary"].update(median_low="1", median_high=1.6e-06),
    "summary-list": lambda s: s.update(summary=[1, 2]),
    "name-blank": lambda s: s.update(name="   "),
    "name-surrogate": lambda s: s.update(name="a\ud800"),
    "name-accented": lambda s: s.update(name="décodage ✓"),
    "name-long": lambda s: s.update(name="n" * 1001),
    "metric-number": lambda s: s.update(metric=3),
    "unit-empty": lambda s: s.update(unit=""),
    "unit-signed-negative": lambda s: (s.update(unit="score"), s["summary"].update(min=-1.0)),
    "direction-list": lambda s: s.update(direction=["lower"]),
    "kind-unknown": lambda s: s.update(kind="guess"),
    "samples-not-base64": lambda s: s.update(samples="!!!"),
    "samples-not-ascii": lambda s: s.update(samples="é"),
    "samples-number": lambda s: s.update(samples=5),
    "samples-empty": lambda s: s.update(samples=""),
    "samples-negative": lambda s: s.update(samples=base64.b64encode(b"\x02" + struct.pack("<d", -1.0)).decode()),
    "samples-version-1": lambda s: s.update(samples=base64.b64encode(b"\x01" + zlib.compress(b"\0" * 8)).decode()),
    "samples-left-out": lambda s: s.pop("samples"),
    "not-an-object": lambda s: s.clear(),
}


@pytest.mark.parametrize("change", SERIES_CHANGES.values(), ids=SERIES_CHANGES.keys())
def test_an_import_line_checked_column_wise_reads_as_checked_series_by_series(
    change: Callable[[dict[str, Any]], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The column-wise checks of an import (exchange._columns) pass a line only when the checks of each series
    (and storable's) would: the same run, the same columns, or the same error."""
    document = _exported_line()
    change(document["series"][1])
    line = json.dumps(document)

    def outcome() -> object:
        try:
            return exchange.load_encoded(line, "runs.jsonl", 1)
        except InputError as error:
            return str(error)

    fast = outcome()
    monkeypatch.setattr(exchange, "_fast", lambda doc: None)
    assert fast == outcome()


def test_an_exported_line_is_read_column_wise() -> None:
    """What perfgate writes takes the column-wise path: the series-by-series one is for lines it refuses."""
    assert exchange._fast(_exported_line()) is not None
