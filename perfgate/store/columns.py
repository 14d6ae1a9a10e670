"""Reading a branch's history one series at a time: what the site and the digest stream through.

`Store.statistics` returns every row of the runs asked for at once, each as a `Series`: 2,000 series x 1,080 runs
is 2.2 million objects (2 GB) before the first page is written. Here one query sorted by series hands back one
series' rows at a time (SQLAlchemy Core, no ORM rows, a server-side cursor on Postgres), so memory holds one
series whatever the history, and the database does the sorting.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Select, select

from perfgate.history.series import SeriesColumns
from perfgate.model import Direction, FloatArray, SampleKind, Summary
from perfgate.store.database import Store
from perfgate.store.rows import SUMMARY_COLUMNS
from perfgate.store.schema import RunRow, SeriesKeyRow, SeriesRow

STREAM_ROWS = 5_000  # rows fetched at a time from the cursor
# A run of a drawn series: its position, sample count, centre (median, else mean), min, max, p95.
Drawn = tuple[int, int, float | None, float | None, float | None, float | None]


@dataclass(frozen=True)
class SeriesRuns:
    """One series' statistics over runs, in no set order of runs (the caller knows the runs' order)."""

    name: str
    metric: str
    units: tuple[tuple[int, str, Direction, SampleKind], ...]  # (run id, unit, direction, kind) of each run
    runs: tuple[tuple[int, int | None, Summary], ...]  # (run id, its PR number, the statistics)


def series_runs(
    store: Store, suite: str, branch: str, run_ids: Collection[int], *, since: datetime, until: datetime
) -> Iterator[SeriesRuns]:
    """Every series of these runs (recorded in [since, until] on the branch), one at a time, sorted by name and
    metric. Runs outside ``run_ids`` in that time are skipped."""
    summary = tuple(getattr(SeriesRow, f) for f in SUMMARY_COLUMNS)
    columns = (RunRow.pr_number, SeriesRow.unit, SeriesRow.direction, SeriesRow.kind, *summary)
    query = _by_series(suite, branch, since, until, columns)
    directions, kinds = {d.value: d for d in Direction}, {k.value: k for k in SampleKind}  # faster than Enum()
    wanted = set(run_ids)
    key: tuple[str, str] | None = None
    units: list[tuple[int, str, Direction, SampleKind]] = []
    runs: list[tuple[int, int | None, Summary]] = []
    with store._reachable(), store.engine.connect() as conn:  # the store's own error wording
        result = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(query)
        for row in (row for rows in result.partitions() for row in rows):  # a batch at a time: no call per row
            name, metric, run_id, pr_number, unit, direction, kind = row[:7]
            if run_id not in wanted:
                continue
            if (name, metric) != key:
                if key is not None:
                    yield SeriesRuns(key[0], key[1], tuple(units), tuple(runs))
                key, units, runs = (name, metric), [], []
            units.append((run_id, unit, directions[direction], kinds[kind]))
            runs.append((run_id, pr_number, Summary(*row[7:])))
    if key is not None:
        yield SeriesRuns(key[0], key[1], tuple(units), tuple(runs))


def series_columns(
    store: Store, suite: str, branch: str, positions: Mapping[int, int], *, since: datetime, until: datetime
) -> Iterator[SeriesColumns]:
    """Every series of these runs (recorded in [since, until] on the branch) as arrays, one series at a time,
    sorted by name and metric, its runs in the order of ``positions`` (a run id's place among the suite's runs).

    What a chart draws, and no more: six numbers a run into lists, no object per run. Unit, direction and kind
    are the oldest run's."""
    drawn = (SeriesRow.count, SeriesRow.median, SeriesRow.mean, SeriesRow.min, SeriesRow.max, SeriesRow.p95)
    query = _by_series(suite, branch, since, until, (*drawn, SeriesRow.unit, SeriesRow.direction, SeriesRow.kind))
    key: tuple[str, str] | None = None
    rows: list[Drawn] = []
    oldest: tuple[int, str, str, str] = (0, "", "", "")
    with store._reachable(), store.engine.connect() as conn:  # the store's own error wording
        result = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(query)
        batched = (row for rows in result.partitions() for row in rows)  # a batch at a time: no call per row
        for name, metric, run_id, count, median, mean, low, high, p95, unit, direction, kind in batched:
            at = positions.get(run_id)
            if at is None:
                continue
            if (name, metric) != key:
                if key is not None:
                    yield _columns(suite, key, oldest, rows)
                key, rows, oldest = (name, metric), [], (at, unit, direction, kind)
            elif at < oldest[0]:
                oldest = (at, unit, direction, kind)
            rows.append((at, count, median if median is not None else mean, low, high, p95))
    if key is not None:
        yield _columns(suite, key, oldest, rows)


def _columns(
    suite: str,
    key: tuple[str, str],
    oldest: tuple[int, str, str, str],
    rows: list[Drawn],
) -> SeriesColumns:
    rows.sort(key=lambda row: row[0])
    at, count, centre, low, high, p95 = zip(*rows, strict=True)
    drawn_p95 = None if None in p95 else np.array(p95, dtype=np.float64)
    return SeriesColumns(
        suite,
        key[0],
        key[1],
        oldest[1],
        Direction(oldest[2]),
        SampleKind(oldest[3]),
        np.array(at, dtype=np.int64),
        _floats(centre),
        _floats(low),
        _floats(high),
        drawn_p95,
        np.array(count, dtype=np.int64),
    )


def _floats(values: tuple[float | None, ...]) -> FloatArray:
    return np.array(values, dtype=np.float64)  # None becomes NaN


def _by_series(
    suite: str, branch: str, since: datetime, until: datetime, columns: tuple[Any, ...]
) -> Select[tuple[Any, ...]]:
    """Name, metric and run id, then ``columns``, of every series row of the branch's runs recorded in [since,
    until], sorted by series: what both readers stream."""
    return (
        select(SeriesKeyRow.name, SeriesKeyRow.metric, SeriesRow.run_id, *columns)
        .join(RunRow, SeriesRow.run_id == RunRow.id)
        .join(SeriesKeyRow, SeriesRow.key_id == SeriesKeyRow.id)
        .where(RunRow.suite == suite, RunRow.branch == branch, RunRow.recorded_at >= since)
        .where(RunRow.recorded_at <= until)
        .order_by(SeriesKeyRow.name, SeriesKeyRow.metric)
    )
