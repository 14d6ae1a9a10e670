"""`stats.common_shift`: the shift many series share, robust to the few a change moved, and a test of it that
keeps its level from 8 series on."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate import stats


def test_the_estimate_is_the_median_and_outliers_do_not_move_it() -> None:
    changes = np.log(np.array([1.40, 1.41, 1.39, 1.40, 1.42, 1.38, 1.40, 1.40, 3.0, 0.5]))
    found = stats.common_shift(changes)
    assert found.estimate == pytest.approx(math.log(1.40), abs=1e-3)
    assert found.series == 10 and found.p_value < 1e-4
    low, high = found.interval(0.90)
    assert low < found.estimate < high and high - low < 0.02


def test_the_error_is_the_median_s_from_the_mad() -> None:
    found = stats.common_shift(np.random.default_rng(10).normal(0, 0.02, 2000))
    assert found.se == pytest.approx(1.2533 * 0.02 / math.sqrt(2000), rel=0.1)


def test_identical_values_are_no_shift_and_identical_changes_are_one() -> None:
    assert stats.common_shift(np.zeros(10)).p_value == 1.0
    assert stats.common_shift(np.full(10, math.log(1.4))).p_value < 1e-12


@pytest.mark.parametrize(
    ("n", "level", "runs"), [(8, 0.01, 10_000), (20, 0.01, 10_000), (50, 0.01, 10_000), (8, 0.001, 20_000)]
)
def test_no_shift_is_found_more_often_than_the_level_says(n: int, level: float, runs: int) -> None:
    # Runs of n series with no common shift, with normal and heavy-tailed (t, 3 df) changes.
    rng = np.random.default_rng(n)
    for draws in (rng.normal(0, 1, (runs, n)), rng.standard_t(3, (runs, n))):
        rejected = np.mean([stats.common_shift(row).p_value < level for row in draws])
        assert rejected <= level * 1.3  # binomial slack: 1.3x the level is 3 standard errors of the rate
