"""How compare and ingest scale with the number of samples, as ratios to reading the same JSON file.

Run by hand: python benchmarks/compare_cost.py. This machine is noisy, so every time is reported next to
a reference measured in the same run (json.loads of the input), and the best of several repeats is kept.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np

from perfgate.app.compare import compare_files
from perfgate.app.ingest import RunInfo, ingest_files
from perfgate.gate.settings import Settings
from perfgate.store import Store

SIZES = (1_000, 10_000, 100_000, 1_000_000)
REPEATS = 3


def best_of(func: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def read_both(base: Path, head: Path) -> None:
    json.loads(base.read_bytes())
    json.loads(head.read_bytes())


def write(path: Path, n: int, scale: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    samples = (rng.lognormal(np.log(scale), 0.05, n)).round(9).tolist()
    document = {"perfgate_format": 1, "series": [{"name": "op", "unit": "ms", "samples": samples}]}
    path.write_text(json.dumps(document))


def main() -> None:
    print(
        f"{'samples/side':>12}  {'json.loads':>10}  {'compare':>9}  {'ratio':>6}  {'ingest':>8}  {'ratio':>6}  B/sample"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n in SIZES:
            base, head = root / f"base-{n}.json", root / f"head-{n}.json"
            write(base, n, 10.0, 1)
            write(head, n, 10.6, 2)
            reference = best_of(partial(read_both, base, head))
            compare = best_of(partial(compare_files, [str(base)], [str(head)], Settings()))
            db = root / f"history-{n}.db"
            store = Store(f"sqlite:///{db}")
            store.ensure_schema()
            keys = iter(range(1_000_000))

            def ingest(b: Path = base, s: Store = store, k: Iterator[int] = keys) -> None:
                # A new key each time: every repeat really stores the run.
                info = RunInfo(suite="bench", branch="main", commit="x", key=f"k{next(k)}")
                ingest_files(s, [str(b)], info, format_name=None, now=datetime.now(UTC))

            ingest_time = best_of(ingest)
            reference_one = reference / 2
            per_sample = db.stat().st_size / (REPEATS * n)
            print(
                f"{n:>12,}  {reference:>9.3f}s  {compare:>8.3f}s  {compare / reference:>5.1f}x  "
                f"{ingest_time:>7.3f}s  {ingest_time / reference_one:>5.1f}x  {per_sample:>8.2f}"
            )
            store.close()


if __name__ == "__main__":
    main()
