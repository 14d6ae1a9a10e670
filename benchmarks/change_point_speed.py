"""The change-point search on long histories: a slowly creeping series of 2,500 and 10,000 runs (target: linear
in the runs, well under a second for 10,000).

Run by hand (from the repository root):
  python benchmarks/change_point_speed.py [--runs 2500 10000]

Each series creeps up by 30 % over its runs with 1 % noise between runs, the shape that made the search
super-linear: binary segmentation finds a few splits in it, and each split is then weighed against a ramp that
bends at every run (one least-squares solve per bend made that quadratic; suffix sums make it linear). It also
times a series with a real step, and prints the CPU seconds of `change_points.steps`, each the median of 3 after
one warm-up (scipy's import is not counted), and the ratio of the longest to the shortest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfgate.history import change_points


def series(runs: int, *, step: bool) -> np.ndarray:
    rng = np.random.default_rng(runs)
    level = np.where(np.arange(runs) >= runs // 2, np.log(1.2), 0.0) if step else np.linspace(0, np.log(1.3), runs)
    return np.exp(level + rng.normal(0, 0.01, runs))


def cpu_seconds(values: np.ndarray) -> tuple[float, int]:
    change_points.steps(values, min_step=0.05)  # warm-up: imports scipy
    times, found = [], 0
    for _ in range(3):
        start = time.process_time()
        found = len(change_points.steps(values, min_step=0.05))
        times.append(time.process_time() - start)
    return statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, nargs="+", default=[2500, 10000])
    args = parser.parse_args()
    for shape in ("creep", "step"):
        measured = []
        for runs in args.runs:
            seconds, found = cpu_seconds(series(runs, step=shape == "step"))
            measured.append(seconds)
            print(f"{shape:<6} {runs:>7} runs  {seconds:8.3f} s CPU  ({found} step(s) reported)")
        if len(measured) > 1 and measured[0] > 0:
            print(
                f"{shape:<6} {args.runs[-1] / args.runs[0]:.0f}x the runs: {measured[-1] / measured[0]:.1f}x the time"
            )


if __name__ == "__main__":
    main()
