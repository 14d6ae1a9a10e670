"""The weekly digest for a big suite: 500 series x 44 runs (target: built and rendered in under 30 s).

Run by hand (from the repository root):
  python benchmarks/digest_speed.py [--series 500] [--runs 44]

It stores a main-branch history in a temporary SQLite file (5 % of series with a step in the week, 2 %
drifting, 2 % noisy, a budget on every tenth), then times, each as the median of 3:
  - load: the runs of the period and 30 runs of context, statistics only (the store's part);
  - build: findings over every series (change points, drift, headroom, noise);
  - render: both templates and the charts the mail carries (at most 12);
  - one chart per series: what it would cost to draw all of them, for scale.
The reference is reading the same runs with their samples in the same process (store.load_runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfgate import config
from perfgate.app.digest import DigestRequest, build_digest
from perfgate.render import chart
from perfgate.render import digest as digest_render
from perfgate.render.links import Links
from perfgate.store import Store
from tests.weekly import big_suite, history, store_history

END = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def timed(label: str, action: Callable[[], object], reference: float | None = None) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    ratio = f"  ({median / reference:.1f}x the reference)" if reference else ""
    print(f"{label:<44} {median:8.3f} s{ratio}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--runs", type=int, default=44)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'history.db'}")
        started = time.perf_counter()
        runs = history(big_suite(args.series), end=END, runs=args.runs, runs_in_period=14, keep_samples=True)
        store_history(store, runs, END)
        print(f"stored {args.runs} runs x {args.series} series in {time.perf_counter() - started:.1f} s")
        toml = Path(tmp) / "perfgate.toml"
        toml.write_text('[[budget]]\nmatch = "api/*"\np95 = "< 1.3ms"\n', encoding="utf-8")
        cfg = config.load(toml)
        ids = [h.id for h in store.run_headers("default", "main", limit=args.runs)]

        reference = timed("reference: load the runs with samples", lambda: store.load_runs(ids))
        timed("load the runs, statistics only", lambda: store.load_runs(ids, samples=False), reference)
        request = DigestRequest(repository="acme/shop")
        built = build_digest(store, cfg, request, now=END)
        build = timed(
            "build the digest (load + findings)", lambda: build_digest(store, cfg, request, now=END), reference
        )
        links = Links("acme/shop")
        render = timed(
            f"render text, HTML and {len(built.charts)} charts",
            lambda: digest_render.render(built, name="acme/shop", links=links),
            reference,
        )
        charts = [c for c, _ in built.charts] or []
        if charts:
            one = timed("one chart", lambda: chart.png(charts[0]))
            print(f"{'all ' + str(args.series) + ' series charted (estimate)':<44} {one * args.series:8.3f} s")
        print(
            f"\n{len(built.steps)} steps, {len(built.drifts)} drifts, {len(built.headroom)} near budget, "
            f"{len(built.noisy)} noisy, {built.steady} steady"
        )
        total = build + render
        print(f"digest built and rendered: {total:.2f} s (target < 30 s) -> {'OK' if total < 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
