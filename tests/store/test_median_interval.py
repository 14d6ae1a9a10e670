"""The tool's own interval of each run's median (asv's 99 %; schema revision 0007): read from the file, stored on
SQLite and Postgres, exported and imported, and a history stored before it reads as it did."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from perfgate import exchange, formats
from perfgate.errors import InputError
from perfgate.model import Run
from perfgate.store import Store
from perfgate.store.migration import downgrade, upgrade

from ..conftest import DATA, EXAMPLES

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
# A real pandas asv run on a GitHub runner (provenance in the folder): 22 series at +50 % with wide intervals.
UNSTABLE = DATA / "asv-pandas-unstable" / "159-6b6393d617.json"


def _run(path: str, key: str) -> Run:
    results = formats.read(path)
    return Run("default", "main", "a" * 40, NOW, results.format, key, results.series, results.environment)


def test_asv_intervals_are_stored_and_read_back_exactly(db_url: str) -> None:
    original = _run(str(UNSTABLE), "k1")
    with_interval = [s for s in original.series if s.summary.median_low is not None]
    assert len(with_interval) == len(original.series) == 131  # the file keeps 131 series, asv an interval for each
    assert all(s.summary.median_low <= s.summary.median <= s.summary.median_high for s in with_interval)  # type: ignore[operator]
    store = Store(db_url)
    store.ensure_schema()
    store.save_run(original, NOW)
    (loaded,) = store.latest_runs("default", "main", 1)
    assert [s.summary for s in loaded.series] == [s.summary for s in original.series]


def test_an_export_carries_the_intervals_where_known_and_nothing_where_not() -> None:
    asv, pytest_benchmark = _run(str(UNSTABLE), "k1"), _run(str(EXAMPLES / "pytest-benchmark" / "base.json"), "k2")
    asv_line, pb_line = exchange.dump(asv), exchange.dump(pytest_benchmark)
    summaries = [s["summary"] for s in json.loads(asv_line)["series"]]
    assert sum("median_low" in s for s in summaries) == sum(s.summary.median_low is not None for s in asv.series)
    assert "median_low" not in pb_line and "median_high" not in pb_line  # a file of before reads the same
    for line, run in ((asv_line, asv), (pb_line, pytest_benchmark)):
        assert [s.summary for s in exchange.load(line, "x.jsonl", 1).series] == [s.summary for s in run.series]
        _, columns = exchange.load_encoded(line, "x.jsonl", 1)  # the import's column-wise path
        assert list(zip(*columns.summaries, strict=True)) == [tuple(vars(s.summary).values()) for s in run.series]


def test_rows_stored_before_revision_0007_have_no_interval_and_the_downgrade_keeps_the_rest(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine, "0006")
    with store.engine.begin() as conn:
        key_id = conn.execute(
            text("INSERT INTO series_keys (name, metric) VALUES ('old', 'time') RETURNING id")
        ).scalar()
        run_id = conn.execute(
            text(
                'INSERT INTO runs (suite, branch, "commit", recorded_at, ingested_at, source_format, '
                "environment, idempotency_key) VALUES ('default', 'main', :c, :at, :at, 'asv', '{}', 'old') RETURNING id"
            ),
            {"c": "b" * 40, "at": NOW.replace(tzinfo=None)},
        ).scalar()
        conn.execute(
            text(
                "INSERT INTO series (run_id, key_id, unit, direction, kind, count, median) "
                "VALUES (:run, :key, 's', 'lower', 'summary-only', 1, 0.5)"
            ),
            {"run": run_id, "key": key_id},
        )
    upgrade(store.engine)
    assert run_id is not None
    (old,) = store.load_runs([run_id])
    assert old.series[0].summary.median == 0.5 and old.series[0].summary.median_low is None
    store.save_run(_run(str(UNSTABLE), "new"), NOW)
    downgrade(store.engine, "0006")
    with store.engine.connect() as conn:
        assert not {"median_low", "median_high"} & {c["name"] for c in inspect(conn).get_columns("series")}
        assert conn.execute(text("SELECT count(*) FROM runs")).scalar() == 2


def test_an_interval_no_reader_gives_is_refused_with_the_key_named() -> None:
    """One end alone, or ends that do not hold the median, are refused at import as the readers refuse them."""
    line = json.loads(exchange.dump(_run(str(UNSTABLE), "k1")))
    summary = line["series"][0]["summary"]
    summary["median_high"] = summary["median_low"]  # below the median
    with pytest.raises(InputError, match=r"x\.jsonl:1:series\[0\]\.summary\.median_low: .* around the median"):
        exchange.load_encoded(json.dumps(line), "x.jsonl", 1)
