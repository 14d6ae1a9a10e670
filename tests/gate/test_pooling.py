"""Pooling: the runs of each side per series, summary-only runs as samples, load-test requests as windows."""

from __future__ import annotations

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Settings, Verdict
from perfgate.model import Direction, SampleKind, Series, Summary

from ..builders import side


def test_summary_only_runs_pool_into_samples() -> None:
    def run(value: float) -> tuple[Series, ...]:
        summary = Summary(1, median=value)
        return (Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, summary),)

    base = side(*(run(v) for v in (1.00, 1.01, 0.99, 1.02, 0.98, 1.00)))
    head = side(*(run(v) for v in (1.50, 1.52, 1.49, 1.51, 1.48, 1.50)))
    comparison = evaluate(base, head, Settings()).comparisons[0]
    assert comparison.n_baseline == 6 and comparison.verdict is Verdict.REGRESSION


def test_load_test_requests_are_compared_as_windows() -> None:
    # Autocorrelated latencies (AR(1), rho 0.95): raw requests look "different" run to run; windows do not.
    rng = np.random.default_rng(14)

    def requests(n: int) -> Series:
        noise = np.zeros(n)
        for i in range(1, n):
            noise[i] = 0.95 * noise[i - 1] + rng.normal(0, 0.02)
        samples = np.exp(np.log(0.05) + noise)
        return Series(
            "GET /x", "latency", "s", Direction.LOWER_IS_BETTER, SampleKind.REQUEST, Summary.of(samples), samples
        )

    base, head = requests(3000), requests(3000)
    report = evaluate(side((base,)), side((head,)), Settings(max_regression=0.0))
    c = report.comparisons[0]
    assert c.n_baseline == 30 and c.n_candidate == 30
    assert c.candidate is not None and c.candidate.count == 3000  # summaries still describe every request
