"""A big history's export, import, prune and size, each against a reference timed in the same run (issue 31).

Run by hand (the issue's scale; writing its 607 MB export takes most of the 20-40 minutes on a busy 2-core
machine, so keep it with --keep DIR and measure again with --from DIR/history.jsonl):
  python benchmarks/history_scale.py --runs 509 --series 2000
  python benchmarks/history_scale.py --runs 509 --series 2000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
Before and after, on the same history (the older perfgate reads only export version 1):
  python benchmarks/history_scale.py --as-version-1 DIR/history.jsonl v1.jsonl
  PYTHONPATH=/path/to/older/checkout python benchmarks/history_scale.py --from v1.jsonl

It writes a synthetic export of RUNS runs x SERIES series (names of 70 characters; 10-30 samples each, in the
precisions tools write: 60 % full-precision floats as pytest-benchmark's, 25 % whole nanoseconds as Go's,
15 % milliseconds to 3 places as a load tester's), then runs perfgate itself, each command in its own process
(its peak RSS is that process's):

  import   `perfgate import FILE` into a new SQLite file      vs json.loads of every line of FILE
  export   `perfgate export --since DAY -o OUT`                vs json.dumps of those documents
  size     bytes per run of the SQLite file (and of Postgres)  vs the samples as raw float64
  prune    `perfgate prune --keep-runs K` on a copy            vs copying the file

The generator writes through perfgate.exchange.dump, so the same script measures an older checkout (whose
export version it then writes) for a before-and-after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from store_scale import postgres_database  # run from benchmarks/, as a script

from perfgate import exchange
from perfgate.model import Direction, Environment, Run, SampleKind, Series, Summary, as_samples

T0 = datetime(2026, 1, 1, tzinfo=UTC)
VARIANTS = 7


def series_name(i: int) -> str:
    """70 characters, as a parametrised pytest benchmark's node id often is."""
    name = f"tests/benchmarks/test_module_{i % 37:03d}.py::test_parse_document_{i:05d}[size-large]"
    return name.ljust(70, "x")[:70]


def samples_of(rng: np.random.Generator, i: int, level: float) -> np.ndarray:
    n = int(rng.integers(10, 31))
    values = rng.lognormal(np.log(level), 0.03, n)
    kind = i % 20
    if kind < 12:
        return values  # full precision, seconds
    if kind < 17:
        return np.round(values * 1e9) / 1e9  # whole nanoseconds, in seconds
    return np.round(values * 1e3, 3) / 1e3  # milliseconds to 3 places, in seconds


def write_export(path: Path, runs: int, series: int) -> tuple[int, float]:
    """The export file; returns (samples in all, seconds to write)."""
    start = time.perf_counter()
    rng = np.random.default_rng(31)
    levels = rng.lognormal(-6, 2, series)
    names = [series_name(i) for i in range(series)]
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for r in range(runs):
            items = []
            for i in range(series):
                values = as_samples(samples_of(rng, i, float(levels[i])))
                total += values.size
                summary = Summary.of(values)
                items.append(
                    Series(names[i], "time", "s", Direction.LOWER_IS_BETTER, SampleKind.REPETITION, summary, values)
                )
            run = Run(
                suite="bench",
                branch="main" if r % 5 else f"feature-{r}",
                commit=f"{r:040x}",
                recorded_at=T0 + timedelta(hours=6 * r),
                source_format="pytest-benchmark",
                idempotency_key=f"scale-{r}",
                series=tuple(items),
                environment=Environment(runner="ubuntu-24.04", cpu="AMD EPYC 7763", interpreter="CPython 3.12.3"),
            )
            out.write(exchange.dump(run) + "\n")
    return total, time.perf_counter() - start


def counted(path: Path) -> tuple[int, int, int]:
    """(runs, series of the first run, samples) of an export; a series' count is its number of samples here."""
    runs = series = samples = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            document = json.loads(line)
            runs += 1
            series = series or len(document["series"])
            samples += sum(s["summary"]["count"] for s in document["series"] if s["samples"])
    return runs, series, samples


def as_version_1(source: Path, target: Path) -> None:
    """An export rewritten as version 1: each array as zlib float64 (tag 1), as perfgate wrote before 0005."""
    import base64
    import zlib

    from perfgate import codec

    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        for line in lines:
            document = json.loads(line)
            document["perfgate_export"] = 1
            for series in document["series"]:
                if series["samples"]:
                    values = codec.decode(base64.b64decode(series["samples"]))
                    old = b"\x01" + zlib.compress(values.astype("<f8").tobytes(), 6)
                    series["samples"] = base64.b64encode(old).decode("ascii")
            out.write(json.dumps(document, separators=(",", ":")) + "\n")


def perfgate(*args: str) -> tuple[float, float, float]:
    """Run `python -m perfgate ARGS`; (seconds, CPU seconds, peak RSS in MB) of that process alone.

    CPU time is printed beside the wall time: on a machine shared with other jobs it is the steadier figure."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "perfgate", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"perfgate {' '.join(args)} failed")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def reference_json(path: Path) -> tuple[float, float]:
    """(json.loads of every line, json.dumps of every document), in CPU seconds, one line at a time."""
    loads = dumps = 0.0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            start = time.process_time()
            document = json.loads(line)
            loads += time.process_time() - start
            start = time.process_time()
            json.dumps(document, separators=(",", ":"))
            dumps += time.process_time() - start
    return loads, dumps


def postgres_bytes(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(
            text(
                "SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
            )
        ).scalar()
    engine.dispose()
    return int(size or 0)


def measured(label: str, args: list[str], reference: str, seconds: float, *, wall: bool = False) -> None:
    """One row: perfgate's wall and CPU time and peak RSS, and its ratio to the reference (CPU to CPU, or wall
    to wall for prune against a file copy, which is disk time)."""
    elapsed, cpu, rss = perfgate(*args)
    ratio = (elapsed if wall else cpu) / seconds
    print(
        f"  {label:<24} {elapsed:7.1f} s ({cpu:6.1f} s CPU), {rss:5.0f} MB RSS   vs {reference} {seconds:.1f} s: "
        f"{ratio:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument(
        "--keep-runs", type=int, default=None, help="prune's --keep-runs [default: a tenth of the runs]"
    )
    parser.add_argument("--postgres", metavar="URL", help="also import into a new database on this server")
    parser.add_argument("--keep", metavar="DIR", help="work in this directory and leave its files")
    parser.add_argument(
        "--from",
        dest="source",
        metavar="FILE",
        help="use this export instead of writing one (e.g. one --keep left, rewritten for an older perfgate "
        "with --as-version-1)",
    )
    parser.add_argument(
        "--as-version-1",
        nargs=2,
        metavar=("IN", "OUT"),
        help="rewrite export IN as version 1 (zlib float64 samples), which perfgate before revision 0005 reads, "
        "and stop",
    )
    args = parser.parse_args()
    if args.as_version_1:
        as_version_1(Path(args.as_version_1[0]), Path(args.as_version_1[1]))
        return
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="history-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.source:
            source = Path(args.source)
            args.runs, args.series, samples = counted(source)
            written = 0.0
        else:
            source = work / "history.jsonl"
            samples, written = write_export(source, args.runs, args.series)
        keep_runs = args.keep_runs if args.keep_runs is not None else max(1, args.runs // 10)
        print(
            f"history: {args.runs:,} runs x {args.series:,} series, {samples:,} samples; export file "
            f"{source.stat().st_size / 1e6:,.0f} MB (written in {written:.0f} s); perfgate's export version "
            f"{exchange.VERSION}"
        )
        loads, dumps = reference_json(source)
        since = f"{T0:%Y-%m-%d}"
        raw = samples * 8 / args.runs
        db, out = work / "history.db", work / "out.jsonl"
        url = f"sqlite:///{db}"
        measured("import (SQLite)", ["import", str(source), "--db", url], "json.loads of the file (CPU)", loads)
        measured(
            "export (SQLite)", ["export", "--since", since, "-o", str(out), "--db", url], "json.dumps (CPU)", dumps
        )
        per_run = db.stat().st_size / args.runs
        print(
            f"  {'SQLite size':<24} {per_run / 1e6:7.3f} MB per run, {per_run / args.series:.0f} B per series-run"
            f"   vs the samples as float64 {raw / 1e6:.3f} MB: {per_run / raw:.1f}x"
        )
        copy = work / "copy.db"
        start = time.perf_counter()
        shutil.copyfile(db, copy)
        os.sync()
        copied = time.perf_counter() - start
        prune = ["prune", "--keep-runs", str(keep_runs), "--db", f"sqlite:///{copy}"]
        measured(f"prune --keep-runs {keep_runs}", prune, "copying the file (wall)", copied, wall=True)
        copy.unlink()
        if args.postgres:
            with postgres_database(args.postgres) as pg:
                measured("import (Postgres)", ["import", str(source), "--db", pg], "json.loads (CPU)", loads)
                export = ["export", "--since", since, "-o", str(out), "--db", pg]
                measured("export (Postgres)", export, "json.dumps (CPU)", dumps)
                per_run = postgres_bytes(pg) / args.runs
                print(
                    f"  {'Postgres size':<24} {per_run / 1e6:7.3f} MB per run, {per_run / args.series:.0f} B per "
                    f"series-run   vs the samples as float64 {raw / 1e6:.3f} MB: {per_run / raw:.1f}x"
                )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
