"""A main-branch history at scale, written straight into a store: the site's and the digest's benchmarks use it.

  python benchmarks/big_history.py sqlite:///big.db --series 2000 --runs 1080

Runs are every 2 hours (12 a day: 1,080 fill a 90-day site), each series with 10-30 samples per run; the gate
judged a pull request after every run (most passed; every 25th was blocked by a few series, every 40th waived).
Of the series, 5 % step in the last week, 5 % stepped once earlier in the window, 2 % drift over the week,
2 % are noisy, and every tenth is an endpoint with a p95 budget. Statistics are exact (numpy's, as
`Summary.of`); the stored samples are of the right size and precision but one array per series, not each run's
own (nothing the site or the digest reads; prune deletes them).

Rows go in through SQLAlchemy Core in batches, so 2,000 x 1,080 takes a few minutes, not the ORM's hour.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfgate import codec
from perfgate.store import Store, packed
from perfgate.store.schema import DecidedSeriesRow, GateDecisionRow, RunRow, RunSamplesRow, SeriesKeyRow, SeriesRow

END = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
HOURS = 2
WEEK_RUNS = 7 * 24 // HOURS  # 84
CONFIG = '[perfgate]\nmax_regression = "5%"\n\n[[budget]]\nmatch = "api/*"\np95 = "< 12ms"\n'


def names(series: int) -> list[str]:
    return [f"api/endpoint_{i:04d}" if i % 10 == 0 else f"bench_{i:04d}" for i in range(series)]


def levels(series: int, runs: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each series' level per run (series x runs), its within-run noise and its samples per run."""
    level = (0.001 * (1 + np.arange(series) % 7))[:, None] * np.ones((1, runs))
    noise = np.where(np.arange(series) % 10 == 0, 0.05, 0.01)
    run_noise = np.full(series, 0.005)
    samples = 10 + (np.arange(series) * 7) % 21  # 10 to 30
    week = max(runs - WEEK_RUNS, 0)
    for i in range(series):
        if i % 20 == 1:  # a step in the week
            level[i, max(runs - WEEK_RUNS // 2, runs // 2) :] *= 1.15
        elif i % 20 == 6 and runs >= 40:  # a step earlier in the window, still there
            level[i, runs // 3 :] *= 0.85
        elif i % 50 == 2:
            level[i, week:] *= np.exp(np.linspace(0, np.log1p(0.10), runs - week))
            run_noise[i] = 0.003
        elif i % 50 == 3:
            run_noise[i], noise[i], samples[i] = 0.05, 0.3, 5
    level *= np.exp(rng.normal(0, 1, level.shape) * run_noise[:, None])
    return level, noise, samples


def _key_ids(conn: Connection, labels: list[str]) -> list[int]:
    """Each series' row in series_keys (revision 0005), added where the store has none yet."""
    stored = select(SeriesKeyRow.name, SeriesKeyRow.id).where(SeriesKeyRow.metric == "time")
    known: dict[str, int] = {name: key_id for name, key_id in conn.execute(stored)}
    missing = [{"name": name, "metric": "time"} for name in labels if name not in known]
    if missing:
        conn.execute(insert(SeriesKeyRow), missing)
        known = {name: key_id for name, key_id in conn.execute(stored)}
    return [known[name] for name in labels]


def generate(url: str, *, series: int, runs: int, seed: int = 1, end: datetime = END) -> float:
    """Write the history into the (new) store at ``url``; returns the seconds it took."""
    started = time.perf_counter()
    store = Store(url)
    store.ensure_schema()
    rng = np.random.default_rng(seed)
    level, noise, per_run = levels(series, runs, rng)
    labels = names(series)
    drawn = np.random.default_rng(seed + 1)  # its own draws: the levels and summaries stay as they were
    blobs = [
        codec.encode(_written(level[i, 0] * np.exp(drawn.normal(0, 0.03, int(n))), i)) for i, n in enumerate(per_run)
    ]
    first = end - timedelta(hours=HOURS * (runs - 0.5))
    with store.engine.begin() as conn:
        run_id = conn.execute(select(func.max(RunRow.id))).scalar() or 0
        key_ids = _key_ids(conn, labels)
        for start in range(0, runs, 50):
            run_rows, series_rows, packs, decisions, decided = [], [], [], [], []
            for r in range(start, min(start + 50, runs)):
                run_id += 1
                at = first + timedelta(hours=HOURS * r)
                commit = hashlib.sha1(f"{seed}:{r}".encode()).hexdigest()
                run_rows.append(_run(run_id, r, seed, commit, at))
                in_order: list[bytes | None] = []  # the run's samples in the order of its rows (packed.py)
                for n in np.unique(per_run):  # the series with n samples a run, drawn and summarised at once
                    chosen = np.flatnonzero(per_run == n)
                    drawn = level[chosen, r][:, None] * np.exp(
                        rng.normal(0, 1, (chosen.size, n)) * noise[chosen][:, None]
                    )
                    for s, row in zip(chosen, _summaries(drawn), strict=True):
                        series_rows.append({"run_id": run_id, "key_id": key_ids[s], **row})
                        in_order.append(blobs[s])
                packs.append({"run_id": run_id, "series": packed.held(in_order), "data": packed.pack(in_order)})
                decision = {
                    "id": run_id,
                    "suite": "default",
                    "pr_number": 1000 + r,
                    "head_commit": hashlib.sha1(f"pr:{seed}:{r}".encode()).hexdigest(),
                    "base_commit": commit,
                    "recorded_at": at + timedelta(minutes=30),
                    "verdict": "fail" if r % 25 == 0 else "pass",
                    "series_count": series,
                    "run_url": f"https://github.com/acme/shop/actions/runs/{90000 + r}",
                }
                decisions.append(decision)
                if r % 25 == 0 or r % 40 == 0:
                    verdict = "fail" if r % 25 == 0 else "waived"
                    for k, blocked in enumerate(((r * 7) % series, (r * 13 + 1) % series)):
                        reason = f"+{8 + k}.0% [+{7 + k}.1, +{9 + k}.2]"
                        decided.append(
                            {
                                "decision_id": run_id,
                                "position": k,
                                "name": labels[blocked],
                                "metric": "time",
                                "verdict": verdict,
                                "reason": reason,
                            }
                        )
            conn.execute(insert(RunRow), run_rows)
            conn.execute(insert(SeriesRow), series_rows)
            conn.execute(insert(RunSamplesRow), packs)
            conn.execute(insert(GateDecisionRow), decisions)
            if decided:
                conn.execute(insert(DecidedSeriesRow), decided)
    if store.is_sqlite:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    store.close()
    return time.perf_counter() - started


def _run(run_id: int, r: int, seed: int, commit: str, at: datetime) -> dict[str, object]:
    return {
        "id": run_id,
        "suite": "default",
        "branch": "main",
        "commit": commit,
        "pr_number": None,
        "merge_base": None,
        "recorded_at": at,
        "ingested_at": at,
        "source_format": "pytest-benchmark",
        "environment": "{}",
        "idempotency_key": f"big:{seed}:{r}",
    }


def _written(values: np.ndarray, i: int) -> np.ndarray:
    """Samples in the precisions tools write (as history_scale.py's): 60 % full-precision floats as
    pytest-benchmark's, 25 % whole nanoseconds as Go's, 15 % milliseconds to 3 places as a load tester's."""
    kind = i % 20
    if kind < 12:
        return values
    return np.round(values * 1e9) / 1e9 if kind < 17 else np.round(values * 1e3, 3) / 1e3


def _summaries(samples: np.ndarray) -> list[dict[str, object]]:
    """Each row's statistics, as `Summary.of` computes them, for a matrix of rows of samples."""
    p50, p90, p95, p99 = np.percentile(samples, [50, 90, 95, 99], axis=1)
    columns = {
        "mean": samples.mean(axis=1),
        "stddev": samples.std(axis=1, ddof=1),
        "min": samples.min(axis=1),
        "median": p50,
        "p90": p90,
        "p95": p95,
        "p99": p99,
        "max": samples.max(axis=1),
    }
    fixed = {"unit": "s", "direction": "lower", "kind": "repetition", "errors": None}
    n = samples.shape[1]
    lists = {k: v.tolist() for k, v in columns.items()}
    return [{**fixed, "count": n, **{k: v[i] for k, v in lists.items()}} for i in range(samples.shape[0])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="a new store, e.g. sqlite:///big.db")
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1080)
    args = parser.parse_args()
    took = generate(args.url, series=args.series, runs=args.runs)
    print(f"stored {args.runs:,} runs x {args.series:,} series in {took:.0f} s")


if __name__ == "__main__":
    main()
