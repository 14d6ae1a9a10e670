"""Rows ↔ values: what a run becomes in the tables, and back, in SQLAlchemy Core (no ORM objects: a baseline
of 5 runs x 2,000 series is 10,000 rows, and building ORM objects for them cost 20 times the SQL); and what a
column cannot hold, refused before writing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from perfgate import codec, storable
from perfgate.errors import StoreError
from perfgate.model import (
    SUMMARY_FIELDS,
    Direction,
    Environment,
    Run,
    SampleKind,
    Series,
    SeriesColumns,
    Summary,
    as_samples,
)
from perfgate.store.schema import RunRow, SeriesKeyRow, SeriesRow

SUMMARY_COLUMNS = SUMMARY_FIELDS  # a series row has a column of each
_DIRECTIONS = {d.value: d for d in Direction}  # faster than Direction(value)
_KINDS = {k.value: k for k in SampleKind}
_EMPTY = as_samples([])

# What a run's row holds besides its series, in this order.
RUN_COLUMNS = (
    RunRow.id,
    RunRow.suite,
    RunRow.branch,
    RunRow.commit,
    RunRow.pr_number,
    RunRow.merge_base,
    RunRow.recorded_at,
    RunRow.source_format,
    RunRow.idempotency_key,
    RunRow.environment,
)
# A series row with its key, in the order series_from reads them (the samples are the run's: run_samples).
SERIES_COLUMNS = (
    SeriesRow.run_id,
    SeriesKeyRow.name,
    SeriesKeyRow.metric,
    SeriesRow.unit,
    SeriesRow.direction,
    SeriesRow.kind,
    *(getattr(SeriesRow, c) for c in SUMMARY_COLUMNS),
)
_SUMMARY = slice(6, 6 + len(SUMMARY_COLUMNS))


def check_run(run: Run) -> None:
    """Refuse what a column cannot hold, before writing, so SQLite and Postgres behave alike."""
    if problem := storable.run_problem(run):
        raise StoreError(problem.message)


def run_values(run: Run, now: datetime) -> dict[str, Any]:
    return {
        "suite": run.suite,
        "branch": run.branch,
        "commit": run.commit,
        "pr_number": run.pr_number,
        "merge_base": run.merge_base,
        "recorded_at": run.recorded_at,
        "ingested_at": now,
        "source_format": run.source_format,
        "environment": json.dumps(dict(run.environment.as_pairs()), sort_keys=True),
        "idempotency_key": run.idempotency_key,
    }


SERIES_INSERT = ("run_id", "key_id", "unit", "direction", "kind", *SUMMARY_COLUMNS)


def series_query() -> Select[Any]:
    """Series rows with their names, in SERIES_COLUMNS' order (any columns added come after)."""
    return select(*SERIES_COLUMNS).join(SeriesKeyRow, SeriesKeyRow.id == SeriesRow.key_id)


def series_from(row: Sequence[Any], samples: bytes | None = None) -> Series:
    """A row of ``series_query`` and the series' encoded samples (perfgate/store/packed.py unpacks a run's)."""
    values = codec.decode(samples) if samples else _EMPTY
    return Series(row[1], row[2], row[3], _DIRECTIONS[row[4]], _KINDS[row[5]], Summary(*row[_SUMMARY]), values)


def columns_from(rows: Sequence[Sequence[Any]], samples: Sequence[bytes | None]) -> SeriesColumns:
    """A run's rows of ``series_query`` as columns, each series' samples as stored: an export reads a million
    series, and a column of each field costs a fraction of a Series and a Summary for each."""
    if not rows:
        return SeriesColumns((), (), (), (), (), ((),) * len(SUMMARY_FIELDS), ())
    columns = tuple(zip(*rows, strict=True))
    _, names, metrics, units, directions, kinds = columns[:6]
    # As series_from, which looks each up: a value no perfgate wrote is a damaged database, not an export line.
    if not _DIRECTIONS.keys() >= set(directions) or not _KINDS.keys() >= set(kinds):
        raise StoreError(f"run {rows[0][0]} has a series row of unknown direction or kind: the database is damaged")
    return SeriesColumns(names, metrics, units, directions, kinds, columns[_SUMMARY], tuple(samples))


def run_from(row: Sequence[Any], series: Sequence[Series]) -> Run:
    """A row of RUN_COLUMNS and its series."""
    return Run(
        id=row[0],
        suite=row[1],
        branch=row[2],
        commit=row[3],
        pr_number=row[4],
        merge_base=row[5],
        recorded_at=row[6],
        source_format=row[7],
        idempotency_key=row[8],
        environment=Environment(**json.loads(row[9])),
        series=tuple(series),
    )
