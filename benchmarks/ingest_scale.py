"""Storing one run of 2,000 series, as `perfgate ingest` does, on Postgres against SQLite (issue 31).

Run by hand:
  python benchmarks/ingest_scale.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--series 2000]

It writes 25 runs of history_scale.py's synthetic history (names of 70 characters, 10-30 samples each), stores
20 of them in a new SQLite file and a new Postgres database, then times Store.save_run of each of the other 5
(one transaction each, as an ingest; the series keys are known, as on a history of any age) and prints the
medians: Postgres's against SQLite's, timed in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from history_scale import write_export
from store_scale import postgres_database

from perfgate import exchange
from perfgate.model import Run
from perfgate.store import Store

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def median_save(url: str, runs: list[Run]) -> float:
    store = Store(url)
    store.ensure_schema()
    store.save_runs(runs[:20], NOW)
    times = []
    for run in runs[20:]:
        start = time.perf_counter()
        store.save_run(run, NOW)
        times.append(time.perf_counter() - start)
    store.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--series", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "runs.jsonl"
        write_export(source, 25, args.series)
        with source.open(encoding="utf-8") as lines:
            runs = [exchange.load(line, str(source), n) for n, line in enumerate(lines, 1)]
        sqlite = median_save(f"sqlite:///{Path(tmp) / 'history.db'}", runs)
    with postgres_database(args.url) as url:
        postgres = median_save(url, runs)
    print(
        f"one run of {args.series:,} series stored (median of 5): Postgres {postgres * 1000:.0f} ms   "
        f"vs SQLite {sqlite * 1000:.0f} ms: {postgres / sqlite:.1f}x"
    )


if __name__ == "__main__":
    main()
