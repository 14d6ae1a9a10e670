"""Time to decide 2,000 series x 20 samples (target: <= 2 s on this machine), with a same-run reference.

Run by hand: python benchmarks/gate_speed.py. The reference is a bare scipy Mann-Whitney call per series
(the least any rank-based gate must do), so the ratio stays meaningful on a noisy machine.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import stats as scipy_stats

from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Verdict
from perfgate.gate.settings import Settings
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary, as_samples

SERIES = 2_000
SAMPLES = 20


def side(rng: np.random.Generator, shift: float, ties: bool) -> tuple[Series, ...]:
    out = []
    for i in range(SERIES):
        values = rng.lognormal(np.log(1e-3) + (shift if i % 50 == 0 else 0.0), 0.03, SAMPLES)
        if ties and i % 10 == 0:
            values = np.round(values, 4)  # a coarse timer for every tenth series
        samples = as_samples(values)
        out.append(
            Series(
                f"bench_{i}",
                "time",
                "s",
                Direction.LOWER_IS_BETTER,
                SampleKind.REPETITION,
                Summary.of(samples),
                samples,
            )
        )
    return tuple(out)


def main() -> None:
    rng = np.random.default_rng(1)
    base, head = side(rng, 0.0, True), side(rng, 0.2, True)
    start = time.perf_counter()
    for b, h in zip(base, head, strict=True):
        scipy_stats.mannwhitneyu(np.log(h.samples), np.log(b.samples), alternative="greater")
    reference = time.perf_counter() - start
    start = time.perf_counter()
    report = evaluate(Side((RunRef("base"),), (base,)), Side((RunRef("head"),), (head,)), Settings())
    elapsed = time.perf_counter() - start
    methods = {m: sum(1 for c in report.comparisons if c.test == m) for m in ("exact", "permutation", "normal")}
    print(
        f"{SERIES} series x {SAMPLES} samples: gate {elapsed:.2f}s, bare scipy MWU per series {reference:.2f}s, ratio {elapsed / reference:.1f}x"
    )
    print(f"tests used: {methods}; regressions found: {report.count(Verdict.REGRESSION)} (40 injected)")


if __name__ == "__main__":
    main()
