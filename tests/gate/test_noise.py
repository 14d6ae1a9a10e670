"""The suite's noise model in the gate (perfgate.gate.noise): it can hold a verdict back — a group of series that
moved as it does on some runners — but never adds one, and a code change on top of the group still fails."""

from __future__ import annotations

import math

import numpy as np

from perfgate.formats.build import summarised
from perfgate.gate import noise
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report, Verdict
from perfgate.gate.settings import Settings
from perfgate.model import RunRef, Series

SERIES, GROUP, RUNS = 80, 25, 30
SETTINGS = Settings(between_runs=True)


def _run(levels: np.ndarray) -> tuple[Series, ...]:
    return tuple(
        summarised(f"bench_{i:02d}", "time", "s", count=1, median=float(math.exp(v))) for i, v in enumerate(levels)
    )


def _history(seed: int) -> tuple[list[tuple[Series, ...]], np.ndarray]:
    """30 runs of main: 3 % noise each; the first 25 series +40 % together on a fifth of the runners; the newest
    five runs (the baseline) quiet."""
    rng = np.random.default_rng(seed)
    levels = rng.normal(-8, 1, SERIES)
    window = levels + rng.normal(0, 0.03, (RUNS, SERIES))
    slow = np.zeros(RUNS, dtype=bool)
    slow[rng.choice(RUNS - 5, 6, replace=False)] = True
    window[np.ix_(slow, np.arange(GROUP))] += math.log(1.4)
    return [_run(row) for row in window], levels


def _compare(history: list[tuple[Series, ...]], candidate: tuple[Series, ...], model: bool) -> Report:
    baseline = Side(tuple(RunRef(f"run {i}") for i in range(5)), tuple(history[-5:]))
    built = noise.build(history, level_runs=5) if model else None
    return evaluate(baseline, Side((RunRef("head"),), (candidate,)), SETTINGS, noise=built)


def _failing(report: Report) -> set[str]:
    return {c.name for c in report.comparisons if c.verdict is Verdict.REGRESSION}


def test_a_group_moving_as_on_its_slow_runners_fails_without_the_model_and_not_with_it() -> None:
    history, levels = _history(1)
    rng = np.random.default_rng(11)
    candidate = levels + rng.normal(0, 0.03, SERIES)
    candidate[:GROUP] += math.log(1.4)
    without = _compare(history, _run(candidate), model=False)
    assert len(_failing(without)) >= GROUP - 3  # the series' own five quiet runs cannot know the runner
    with_model = _compare(history, _run(candidate), model=True)
    assert not _failing(with_model)
    assert any(n.startswith("noise: learned from 30 runs of main across 80 series") for n in with_model.notes)


def test_a_code_change_on_top_of_the_group_still_fails() -> None:
    history, levels = _history(2)
    rng = np.random.default_rng(12)
    candidate = levels + rng.normal(0, 0.03, SERIES)
    candidate[:GROUP] += math.log(1.4)
    candidate[60] += math.log(1.5)  # outside the group: a real regression
    assert _failing(_compare(history, _run(candidate), model=True)) == {"bench_60"}


def test_the_model_never_adds_a_failure_on_simulated_a_a_runs() -> None:
    failures = 0
    for seed in range(20):
        history, levels = _history(100 + seed)
        rng = np.random.default_rng(200 + seed)
        candidate = levels + rng.normal(0, 0.03, SERIES)
        if rng.random() < 0.2:
            candidate[:GROUP] += math.log(1.4)  # a slow runner for the group, as in history
        without = _failing(_compare(history, _run(candidate), model=False))
        with_model = _failing(_compare(history, _run(candidate), model=True))
        assert with_model <= without
        failures += len(with_model)
    assert failures == 0


def test_a_short_or_narrow_history_builds_no_model() -> None:
    history, _ = _history(3)
    assert noise.build(history[-9:], level_runs=5) is None
    narrow = [run[:9] for run in history]
    assert noise.build(narrow, level_runs=5) is None
