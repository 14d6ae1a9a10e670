"""Baseline lookup on a big history: 10,000 runs x 200 series (target: <= 100 ms on SQLite and Postgres).

Run by hand:
  python benchmarks/store_scale.py sqlite
  python benchmarks/store_scale.py postgres [--url postgresql://postgres@127.0.0.1:5432/test]

It builds the store (in a temporary SQLite file, or a temporary Postgres database), then times the lookups
perfgate makes — the baseline for `compare --against` (run headers, choice, load 5 runs with their series)
and `history` — against a primary-key fetch of one run in the same run, and prints the query plans.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from perfgate import baseline, codec
from perfgate.store import Store, packed
from perfgate.store.database import history_query, metrics_query
from perfgate.store.schema import RunRow, RunSamplesRow, SeriesKeyRow, SeriesRow

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@contextmanager
def database(backend: str, url: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'scale.db'}"
        return
    with postgres_database(url) as scratch:
        yield scratch


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A new database on the server of ``url``, dropped afterwards: its URL."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"perfgate_scale_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(store: Store, runs: int, series: int, samples: int) -> float:
    start = time.perf_counter()
    rng = np.random.default_rng(1)
    blob = codec.encode(rng.lognormal(0, 0.05, samples))
    with store.engine.begin() as conn:
        conn.execute(
            insert(SeriesKeyRow),
            [{"id": s + 1, "name": f"test_bench_{s:03d}", "metric": "time"} for s in range(series)],
        )
        for first in range(0, runs, 500):
            run_rows = []
            for i in range(first, min(first + 500, runs)):
                branch = "main" if i % 5 else f"pr-{i}"
                run_rows.append(
                    {
                        "id": i + 1,
                        "suite": "bench",
                        "branch": branch,
                        "commit": f"{i:040x}",
                        "pr_number": None,
                        "merge_base": None,
                        "recorded_at": T0 + timedelta(minutes=30 * i),
                        "ingested_at": T0 + timedelta(minutes=30 * i),
                        "source_format": "pytest-benchmark",
                        "environment": "{}",
                        "idempotency_key": f"k{i}",
                    }
                )
            conn.execute(insert(RunRow), run_rows)
            series_rows = [
                {
                    "run_id": r["id"],
                    "key_id": s + 1,
                    "unit": "s",
                    "direction": "lower",
                    "kind": "repetition",
                    "count": samples,
                    "mean": 1.0,
                    "stddev": 0.05,
                    "min": 0.9,
                    "median": 1.0,
                    "p90": 1.06,
                    "p95": 1.08,
                    "p99": 1.1,
                    "max": 1.2,
                    "errors": None,
                }
                for r in run_rows
                for s in range(series)
            ]
            conn.execute(insert(SeriesRow), series_rows)
            run_samples = packed.pack([blob] * series)  # each run's samples in one value (revision 0006)
            conn.execute(
                insert(RunSamplesRow), [{"run_id": r["id"], "series": series, "data": run_samples} for r in run_rows]
            )
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - start


def timed(func: Callable[[], object], repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def explain(store: Store, sql: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if store.is_sqlite else "EXPLAIN "
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + sql).all()
    return "\n".join("    " + " | ".join(str(c) for c in row[-1:]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backend", choices=["sqlite", "postgres"])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args()
    with database(args.backend, args.url) as url:
        store = Store(url)
        store.ensure_schema()
        built = build(store, args.runs, args.series, args.samples)
        print(f"{args.backend}: built {args.runs:,} runs x {args.series} series in {built:.0f} s")

        def lookup() -> None:
            headers = store.run_headers("bench", "main")
            choice = baseline.choose(headers, branch="main", limit=5, base_commit=None, ancestors=None)
            runs = store.load_runs(choice.run_ids)
            assert len(runs) == 5 and len(runs[0].series) == args.series

        def merge_base_lookup() -> None:
            headers = store.run_headers("bench", "main")
            ancestors = [f"{i:040x}" for i in range(args.runs // 2, args.runs // 2 - 1000, -1)]
            choice = baseline.choose(headers, branch="main", limit=5, base_commit=ancestors[0], ancestors=ancestors)
            store.load_runs(choice.run_ids)

        def history() -> None:
            found = store.series_history("bench", "main", "test_bench_007", "time", 20)
            assert found is not None and len(found.points) == 20

        def history_command() -> None:  # what `perfgate history NAME` asks: the name's metrics, then the series
            assert list(store.metrics_of("bench", "test_bench_007")) == ["time"]
            history()

        def one_run() -> None:
            store.load_runs([args.runs // 2])

        reference = timed(one_run)
        for label, func in (
            ("baseline lookup (latest 5 main runs, 200 series each)", lookup),
            ("baseline lookup at an old merge-base (ancestry)", merge_base_lookup),
            ("history of one series (20 runs)", history),
            ("perfgate history NAME's lookups (its metrics, then 20 runs)", history_command),
        ):
            elapsed = timed(func)
            print(
                f"  {label}: {elapsed * 1000:.1f} ms ({elapsed / reference:.1f}x one run by primary key, {reference * 1000:.1f} ms)"
            )
        with store.engine.connect() as conn:

            def compiled(query: Any) -> str:
                return str(query.compile(conn, compile_kwargs={"literal_binds": True}))

            headers_sql = compiled(
                select(RunRow.id, RunRow.commit, RunRow.recorded_at, RunRow.environment)
                .where(RunRow.suite == "bench", RunRow.branch == "main")
                .order_by(RunRow.recorded_at.desc(), RunRow.id.desc())
                .limit(1000)
            )
            series_sql = compiled(select(SeriesRow).where(SeriesRow.run_id.in_([1, 2, 3, 4, 5])))
            history_sql = compiled(history_query("bench", "main", "test_bench_007", "time", 20))
            metrics_sql = compiled(metrics_query("bench", "test_bench_007"))
        for label, sql in (
            ("run headers", headers_sql),
            ("series of 5 runs", series_sql),
            ("history", history_sql),
            ("a name's metrics", metrics_sql),
        ):
            print(f"  plan, {label}:\n{explain(store, sql)}")
        store.close()


if __name__ == "__main__":
    main()
