"""`gate.contention`: a benchmark's wall time that regressed while its CPU time did not is a warning, not a failure;
when CPU time rose too (code), the regression stands."""

from __future__ import annotations

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Verdict
from perfgate.gate.settings import Settings
from perfgate.model import Series

from ..builders import sampled, side


def _bench(rng: np.random.Generator, wall: float, cpu: float) -> tuple[Series, ...]:
    return (
        sampled("BM_Parse", rng.lognormal(np.log(1e-6 * wall), 0.01, 20), metric="real_time"),
        sampled("BM_Parse", rng.lognormal(np.log(1e-6 * cpu), 0.01, 20), metric="cpu_time"),
    )


def _verdicts(wall: float, cpu: float) -> dict[str, Verdict]:
    rng = np.random.default_rng(3)
    report = evaluate(side(_bench(rng, 1.0, 1.0)), side(_bench(rng, wall, cpu)), Settings())
    return {c.metric: c.verdict for c in report.comparisons}


def test_wall_time_alone_is_suspected() -> None:
    assert _verdicts(1.5, 1.0) == {"real_time": Verdict.SUSPECTED, "cpu_time": Verdict.UNCHANGED}


def test_wall_and_cpu_time_together_are_a_regression() -> None:
    assert _verdicts(1.5, 1.5) == {"real_time": Verdict.REGRESSION, "cpu_time": Verdict.REGRESSION}


def test_cpu_time_beyond_the_allowance_keeps_the_wall_time_regression() -> None:
    verdicts = _verdicts(1.5, 1.07)
    assert verdicts["real_time"] is Verdict.REGRESSION and verdicts["cpu_time"] is not Verdict.UNCHANGED
