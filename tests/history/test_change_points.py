"""Change points, creep and noise on per-run medians: known steps are found where they are, noise is quiet."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate.history import change_points as trend

SEEDS = range(200)


def _noise(rng: np.random.Generator, cv: float, n: int = 60) -> np.ndarray:
    return 0.010 * np.exp(rng.normal(0, cv, n))


@pytest.mark.parametrize(("at", "size"), [(40, 0.10), (20, -0.15), (55, 0.30), (6, 0.20)])
def test_a_known_step_is_found_at_its_run_with_its_size(at: int, size: float) -> None:
    found = 0
    for seed in range(50):
        values = _noise(np.random.default_rng(seed), 0.02)
        values[at:] *= 1 + size
        steps = trend.change_points(values, min_step=0.05)
        assert len(steps) <= 1, f"seed {seed}: {steps}"
        if steps:
            assert abs(steps[0].index - at) <= 1
            assert steps[0].ratio == pytest.approx(1 + size, rel=0.05)
            found += 1
    assert found >= 48


def test_two_steps_are_two_change_points() -> None:
    values = _noise(np.random.default_rng(7), 0.01)
    values[20:] *= 1.2
    values[45:] /= 1.2
    steps = trend.change_points(values, min_step=0.05)
    assert [s.index for s in steps] == [20, 45]
    assert steps[0].ratio > 1.15 and steps[1].ratio < 0.87


def test_each_steps_interval_covers_its_size_between_its_neighbours() -> None:
    """Each interval is of the runs between a step and its neighbours: the first step's level after is runs 20-44,
    not the runs after the second step, back at the old level. Over seeds the 90% intervals cover the truth."""
    covered = 0
    for seed in range(100):
        values = _noise(np.random.default_rng(seed), 0.01)
        values[20:] *= 1.2
        values[45:] /= 1.2
        steps = trend.steps(values, min_step=0.05)
        assert [s.index for s in steps] == [20, 45], f"seed {seed}"
        first, second = (trend.step_interval(values, s) for s in steps)
        assert first is not None and second is not None
        assert first[0] > 1.15 and second[1] < 1 / 1.15
        covered += first[0] <= 1.2 <= first[1]
    assert covered >= 80  # 90 % intervals; 80 of 100 keeps a chance below 1e-3 of failing by luck


def test_a_step_before_a_ramp_keeps_its_interval_to_its_own_level() -> None:
    """A step, then a level, then a ramp: the ramp's change points are not steps, but the step's level after
    still ends where the ramp begins, so its interval is about the step's own ratio, not the ramp's."""
    for seed in range(20):
        rng = np.random.default_rng(seed)
        values = np.concatenate([np.ones(25), np.full(25, 1.25), 1.25 * np.linspace(1, 1.6, 40)])
        values *= np.exp(rng.normal(0, 0.01, values.size))
        [step] = [s for s in trend.steps(values, min_step=0.05) if s.index == 25]
        ends = trend.step_interval(values, step)
        assert ends is not None and ends[0] <= step.ratio <= ends[1], f"seed {seed}: {step.ratio} {ends}"
        assert ends[1] < 1.30, f"seed {seed}"


def test_a_step_with_too_few_runs_has_no_interval() -> None:
    values = np.array([1.0, 1.0, 1.2, 1.2])
    assert trend.step_interval(values, trend.Step(2, 1.0, 1.2, 0.0, 0, 4)) is None


@pytest.mark.parametrize("cv", [0.005, 0.02, 0.05, 0.10])
def test_pure_noise_has_no_change_points(cv: float) -> None:
    false = [seed for seed in SEEDS if trend.change_points(_noise(np.random.default_rng(seed), cv), min_step=0.05)]
    assert false == []


def test_heavy_tailed_noise_and_one_slow_run_raise_no_change_point() -> None:
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        values = 0.010 * np.exp(rng.standard_t(4, 60) * 0.02)
        values[rng.integers(0, 60)] *= 1.5  # one run on a bad machine
        assert trend.change_points(values, min_step=0.05) == [], seed


def test_steps_smaller_than_the_minimum_are_not_reported() -> None:
    values = _noise(np.random.default_rng(3), 0.002)
    values[30:] *= 1.03
    assert [s.index for s in trend.change_points(values, min_step=0.02)] == [30]
    assert trend.change_points(values, min_step=0.05) == []


def test_quantised_timers_constant_segments_still_show_a_step() -> None:
    values = np.array([1.0] * 10 + [1.25] * 10)
    steps = trend.change_points(values, min_step=0.05)
    assert [(s.index, s.ratio) for s in steps] == [(10, 1.25)]
    assert trend.change_points(np.ones(20), min_step=0.05) == []


def test_too_short_or_non_positive_histories_have_no_change_points() -> None:
    assert trend.change_points(np.array([1.0, 2.0, 2.0, 2.0, 2.0]), min_step=0.05) == []
    assert trend.change_points(np.array([0.0] * 3 + [1.0] * 10), min_step=0.05) == []


def test_a_ramp_is_told_apart_from_a_step() -> None:
    rng = np.random.default_rng(11)
    ramp = 0.010 * np.exp(np.r_[np.zeros(30), np.linspace(0, 0.12, 14)] + rng.normal(0, 0.004, 44))
    steps = trend.change_points(ramp, min_step=0.03)
    assert steps, "a ramp of +12 % looks like a step to the detector"
    assert all(trend.looks_like_ramp(ramp, s) for s in steps)
    step = 0.010 * np.exp(np.r_[np.zeros(34), np.full(10, 0.12)] + rng.normal(0, 0.004, 44))
    (found,) = trend.change_points(step, min_step=0.03)
    assert not trend.looks_like_ramp(step, found)


def test_creep_is_measured_over_the_window() -> None:
    rng = np.random.default_rng(5)
    creeping = 0.010 * np.exp(np.linspace(0, math.log(1.08), 14) + rng.normal(0, 0.003, 14))
    found = trend.creep(creeping)
    assert found is not None
    assert found.ratio == pytest.approx(1.08, abs=0.02)
    assert found.p_value < 0.001
    flat = trend.creep(_noise(rng, 0.01, 14))
    assert flat is not None and flat.p_value > 0.001
    assert trend.creep(np.array([1.0, 2.0, 3.0])) is None


def test_noise_between_runs_ignores_a_step() -> None:
    rng = np.random.default_rng(9)
    medians = 0.010 * np.exp(rng.normal(0, 0.03, 200))
    stepped = medians.copy()
    stepped[100:] *= 1.5
    spreads = np.full(200, 0.1)
    quiet, loud = trend.noise(medians, spreads), trend.noise(stepped, spreads)
    assert quiet is not None and loud is not None
    assert quiet.between_runs == pytest.approx(0.03, rel=0.15)
    assert loud.between_runs == pytest.approx(quiet.between_runs, rel=0.05)
    assert quiet.within_run == pytest.approx(0.1)
    assert trend.noise(medians[:3], spreads[:3]) is None


def test_the_ramp_check_is_linear_and_agrees_with_one_solve_per_bend() -> None:
    """looks_like_ramp's best hinge comes from suffix sums: the same error as a least-squares solve at every bend
    (checked here on short series), and a 10,000-run creep weighed in milliseconds, not seconds."""
    import time

    from perfgate.history.change_points import Step, _best_hinge_error, looks_like_ramp

    rng = np.random.default_rng(28)
    for n in (3, 4, 7, 20, 61):
        logs = rng.normal(0, 0.02, n) + np.maximum(np.arange(n) - n // 3, 0) * 0.01
        x = np.arange(n, dtype=np.float64)
        solved = min(
            float(np.sum((logs - np.column_stack([np.ones(n), np.maximum(x - b, 0)]) @ fit) ** 2))
            for b in range(n - 2)
            for fit in [np.linalg.lstsq(np.column_stack([np.ones(n), np.maximum(x - b, 0)]), logs, rcond=None)[0]]
        )
        assert _best_hinge_error(logs) == pytest.approx(solved, rel=1e-9, abs=1e-15)
    creeping = np.exp(np.linspace(0, np.log(1.3), 10_000) + rng.normal(0, 0.01, 10_000))
    started = time.process_time()
    assert looks_like_ramp(creeping, Step(5_000, 1.0, 1.1, 0.0, 0, creeping.size))
    assert time.process_time() - started < 0.5  # one solve per bend took over a second
