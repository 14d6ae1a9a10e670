"""Reading a branch's history one series at a time: what the site and the digest stream through.

`Store.statistics` returns every row of the runs asked for at once, each as a `Series`: 2,000 series x 1,080 runs
is 2.2 million objects (2 GB) before the first page is written. Here one query sorted by series hands back one
series' rows at a time (SQLAlchemy Core builds the query; SQLite's own cursor hands back plain tuples, Postgres a
server-side cursor), so memory holds one series whatever the history, and the database does the sorting.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, func, select

from perfgate.history.series import SeriesColumns
from perfgate.model import Direction, FloatArray, SampleKind, Summary
from perfgate.store import bulk
from perfgate.store.database import Store
from perfgate.store.rows import SUMMARY_COLUMNS
from perfgate.store.schema import RunRow, SeriesKeyRow, SeriesRow

STREAM_ROWS = 5_000  # rows fetched at a time from the cursor


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
    for (name, metric), rows in groupby(_rows(store, query, len(wanted)), key=itemgetter(0, 1)):
        kept = [row for row in rows if row[2] in wanted]
        if kept:
            units = tuple((row[2], row[4], directions[row[5]], kinds[row[6]]) for row in kept)
            yield SeriesRuns(name, metric, units, tuple((row[2], row[3], Summary(*row[7:])) for row in kept))


def series_columns(
    store: Store, suite: str, branch: str, positions: Mapping[int, int], *, since: datetime, until: datetime
) -> Iterator[SeriesColumns]:
    """Every series of these runs (recorded in [since, until] on the branch) as arrays, one series at a time,
    sorted by name and metric, its runs in the order of ``positions`` (a run id's place among the suite's runs).

    What a chart draws, and no more: six numbers a run, made arrays a series at a time, no object per run. Unit,
    direction and kind are the oldest run's."""
    centre = func.coalesce(SeriesRow.median, SeriesRow.mean)  # the median, else the mean (as `History.medians`)
    drawn = (SeriesRow.count, centre, SeriesRow.min, SeriesRow.max, SeriesRow.p95)
    query = _by_series(suite, branch, since, until, (*drawn, SeriesRow.unit, SeriesRow.direction, SeriesRow.kind))
    order = _Order(positions)
    for _, rows in groupby(_rows(store, query, len(positions)), key=itemgetter(0, 1)):  # no Python code per row
        found = _columns(suite, list(rows), order)
        if found is not None:
            yield found


class _Order:
    """Run ids' positions looked up an array at a time (a dict lookup per run was a second of the site's time)."""

    def __init__(self, positions: Mapping[int, int]) -> None:
        ids = np.fromiter(positions.keys(), dtype=np.int64, count=len(positions))
        at = np.fromiter(positions.values(), dtype=np.int64, count=len(positions))
        by_id = np.argsort(ids)
        self.ids, self.at = ids[by_id], at[by_id]

    def of(self, run_ids: tuple[int, ...]) -> npt.NDArray[np.int64]:
        """Each run's position, -1 where it has none."""
        wanted = np.array(run_ids, dtype=np.int64)
        if not self.ids.size:
            return np.full(wanted.size, -1, dtype=np.int64)
        found = np.minimum(np.searchsorted(self.ids, wanted), self.ids.size - 1)
        return np.where(self.ids[found] == wanted, self.at[found], -1)


def _columns(suite: str, rows: list[Sequence[Any]], positions: _Order) -> SeriesColumns | None:
    """One series' rows (name, metric, run id, count, centre, min, max, p95, unit, direction, kind) as arrays in
    the runs' order; None when none of its runs has a position."""
    name, metric, run_ids, count, centre, low, high, p95, unit, direction, kind = zip(*rows, strict=True)
    at = positions.of(run_ids)
    order = np.argsort(at, kind="stable")
    order = order[at[order] >= 0]  # runs of the time that were not asked for
    if not order.size:
        return None
    oldest = int(order[0])
    drawn_p95 = None if None in p95 else np.array(p95, dtype=np.float64)[order]
    return SeriesColumns(
        suite,
        name[0],
        metric[0],
        unit[oldest],
        Direction(direction[oldest]),
        SampleKind(kind[oldest]),
        at[order],
        _floats(centre)[order],
        _floats(low)[order],
        _floats(high)[order],
        drawn_p95,
        np.array(count, dtype=np.int64)[order],
    )


def _floats(values: tuple[float | None, ...]) -> FloatArray:
    return np.array(values, dtype=np.float64)  # None becomes NaN


def _rows(store: Store, query: Select[tuple[Any, ...]], runs: int) -> Iterator[Sequence[Any]]:
    """The query's rows as plain tuples."""
    return chain.from_iterable(_batches(store, query, runs))


def _batches(store: Store, query: Select[tuple[Any, ...]], runs: int) -> Iterator[Sequence[Sequence[Any]]]:
    """The query's rows as plain tuples, a batch at a time (no call per row: ``bulk.batches``), with the store's
    own error wording. SQLite's page cache holds a page of the series table per run, so reading series by series
    does not reread the pages the series before read (the default 2 MB hold about 500 runs)."""
    pages = max(2 * runs, 1_000) + 2_000
    with store._reachable(), store.engine.connect() as conn, bulk.page_cache(conn, pages=pages):
        yield from bulk.batches(conn, query, STREAM_ROWS)


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
