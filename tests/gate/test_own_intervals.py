"""A run's own uncertainty in the gate: each run's variance from the tool's interval of its median weighs the runs
against main's history (`stats.OwnVariances`), through pooling and the between-run test; on simulated A/A runs
with noisy and unstable runs it fails nothing."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from perfgate import stats
from perfgate.formats.build import summarised
from perfgate.gate import noise
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side, own_variance, pool
from perfgate.gate.report import Report, Verdict
from perfgate.gate.settings import Settings
from perfgate.model import RunRef, Series

SETTINGS = Settings(between_runs=True)
Z = 2.5758293035489004


def _series(name: str, log_median: float, own_sd: float | None) -> Series:
    median = math.exp(log_median)
    if own_sd is None:
        return summarised(name, "time", "s", count=1, median=median)
    low, high = median * math.exp(-Z * own_sd), median * math.exp(Z * own_sd)
    return summarised(name, "time", "s", count=1, median=median, median_low=low, median_high=high)


def _side(runs: Sequence[tuple[Series, ...]], label: str) -> Side:
    return Side(tuple(RunRef(f"{label} {i}") for i in range(len(runs))), tuple(runs))


def test_the_variance_of_a_runs_log_median_comes_back_from_its_interval() -> None:
    assert own_variance(_series("x", -7.0, 0.02).summary) == pytest.approx(0.02**2)
    assert math.isnan(own_variance(_series("x", -7.0, None).summary))


def test_the_between_run_test_weighs_the_runs_by_their_intervals_and_without_them_does_not() -> None:
    base_logs, base_sd = [0.0, 0.03, -0.02, 0.06, 0.01], [0.005, 0.005, 0.005, 0.04, 0.005]
    baseline = [(_series("x", -7 + v, sd),) for v, sd in zip(base_logs, base_sd, strict=True)]
    candidate = [(_series("x", -7 + 0.12, 0.005),)]
    report = evaluate(_side(baseline, "main"), _side(candidate, "head"), SETTINGS)
    (comparison,) = report.comparisons
    logs, cand = np.array(base_logs) - 7, np.array([-7 + 0.12])
    own = stats.OwnVariances.of(np.array(base_sd) ** 2, np.array([0.005**2]))
    expected = stats.between_run_p(logs, cand, math.log1p(0.05), math.log1p(SETTINGS.run_noise), 2.0, own)
    unweighted = stats.between_run_p(logs, cand, math.log1p(0.05), math.log1p(SETTINGS.run_noise), 2.0)
    assert expected is not None and unweighted is not None and expected.p != pytest.approx(unweighted.p)
    assert comparison.p_value == pytest.approx(expected.p)
    # main's spread and this run's own (shrunk halfway towards the baseline's typical variance) are both said
    typical = float(np.mean(np.array(base_sd) ** 2))
    mine = math.expm1(math.sqrt((0.005**2 + typical) / 2)) * 100
    assert f"and this run's own ±{mine:.1f}%" in comparison.reason
    bare = [tuple(_series(s.name, math.log(s.summary.median or 1), None) for s in run) for run in baseline]
    (plain,) = evaluate(_side(bare, "main"), _side(candidate, "head"), SETTINGS).comparisons
    assert plain.p_value == pytest.approx(unweighted.p)  # without the baseline's intervals: nothing to weigh by
    pooled = pool(_side(baseline, "main"))[("x", "time")]
    assert pooled.run_variances.tolist() == pytest.approx([sd**2 for sd in base_sd])


SERIES, RUNS = 80, 30


def _history(rng: np.random.Generator) -> tuple[list[tuple[Series, ...]], np.ndarray, np.ndarray]:
    """30 runs of main: 1 % between runs, each run's own spread 1-3 % with one run in eight six times noisier,
    the tool's interval estimated from 10 repeats (so itself noisy)."""
    levels = rng.normal(-8, 1, SERIES)
    own = rng.uniform(0.01, 0.03, SERIES)
    runs = []
    for _ in range(RUNS):
        runs.append(_run(rng, levels, own))
    return runs, levels, own


def _run(rng: np.random.Generator, levels: np.ndarray, own: np.ndarray) -> tuple[Series, ...]:
    sd = own * np.where(rng.random(SERIES) < 1 / 8, 6.0, 1.0)
    values = levels + rng.normal(0, 0.01, SERIES) + rng.normal(0, sd)
    measured = sd * np.sqrt(rng.chisquare(10, SERIES) / 10)
    return tuple(_series(f"bench_{i:02d}", v, s) for i, (v, s) in enumerate(zip(values, measured, strict=True)))


def _failing(report: Report) -> set[str]:
    return {c.name for c in report.comparisons if c.verdict is Verdict.REGRESSION}


def test_simulated_a_a_runs_with_unstable_runs_fail_nothing() -> None:
    failures = 0
    for seed in range(12):
        rng = np.random.default_rng(300 + seed)
        history, levels, own = _history(rng)
        candidate = _run(rng, levels, own)
        built = noise.build(history, level_runs=5)
        assert built is not None
        report = evaluate(_side(history[-5:], "main"), _side([candidate], "head"), SETTINGS, noise=built)
        failures += len(_failing(report))
    assert failures == 0


def test_a_step_on_a_steady_run_still_fails_among_unstable_ones() -> None:
    rng = np.random.default_rng(7)
    history, levels, own = _history(rng)
    candidate = list(_run(rng, levels, own))
    candidate[40] = _series("bench_40", float(levels[40]) + math.log(1.5), float(own[40]))
    built = noise.build(history, level_runs=5)
    report = evaluate(_side(history[-5:], "main"), _side([tuple(candidate)], "head"), SETTINGS, noise=built)
    assert _failing(report) == {"bench_40"}
