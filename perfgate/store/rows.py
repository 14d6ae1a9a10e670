"""Rows ↔ values: what a run becomes in the tables, and back; and what a column cannot hold, refused before writing."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime

from perfgate import codec, storable
from perfgate.errors import StoreError
from perfgate.model import Direction, Environment, Run, SampleKind, Series, Summary
from perfgate.store.schema import RunRow, SeriesRow


def check_run(run: Run) -> None:
    """Refuse what a column cannot hold, before writing, so SQLite and Postgres behave alike."""
    if problem := storable.run_problem(run):
        raise StoreError(problem.message)


def run_row(run: Run, now: datetime) -> RunRow:
    return RunRow(
        suite=run.suite,
        branch=run.branch,
        commit=run.commit,
        pr_number=run.pr_number,
        merge_base=run.merge_base,
        recorded_at=run.recorded_at,
        ingested_at=now,
        source_format=run.source_format,
        environment=json.dumps(dict(run.environment.as_pairs()), sort_keys=True),
        idempotency_key=run.idempotency_key,
        series=[series_row(s) for s in run.series],
    )


def series_row(series: Series) -> SeriesRow:
    s = series.summary
    return SeriesRow(
        name=series.name,
        metric=series.metric,
        unit=series.unit,
        direction=series.direction.value,
        kind=series.kind.value,
        count=s.count,
        mean=s.mean,
        stddev=s.stddev,
        min=s.min,
        median=s.median,
        p90=s.p90,
        p95=s.p95,
        p99=s.p99,
        max=s.max,
        errors=s.errors,
        sample_count=int(series.samples.size),
        samples=codec.encode(series.samples),
    )


def run_from(row: RunRow, samples: bool = True) -> Run:
    return Run(
        id=row.id,
        suite=row.suite,
        branch=row.branch,
        commit=row.commit,
        pr_number=row.pr_number,
        merge_base=row.merge_base,
        recorded_at=row.recorded_at,
        source_format=row.source_format,
        idempotency_key=row.idempotency_key,
        environment=Environment(**json.loads(row.environment)),
        series=tuple(series_from(s, samples) for s in row.series),
    )


SUMMARY_COLUMNS = tuple(f.name for f in fields(Summary))  # a series row has a column of each


def summary_of(row: SeriesRow) -> Summary:
    return Summary(**{column: getattr(row, column) for column in SUMMARY_COLUMNS})


def series_from(row: SeriesRow, samples: bool = True) -> Series:
    summary = summary_of(row)
    return Series(
        row.name,
        row.metric,
        row.unit,
        Direction(row.direction),
        SampleKind(row.kind),
        summary,
        codec.decode(row.samples if samples else None),
    )
