"""Confirming with more rounds: the spending plan's thresholds against published values and the normal law, and
false alarms that stay at alpha across looks where "rerun until red" does not."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from perfgate.model import FloatArray
from perfgate.stats import paired, sequential


def _z(plan: sequential.Plan) -> list[float]:
    from scipy import special

    return [round(float(-special.ndtri(p)), 3) for p in plan.thresholds]


@pytest.mark.parametrize(
    ("spending", "looks", "expected"),
    [
        # Lan-DeMets boundaries for equally spaced looks, one-sided alpha = 0.025 (as gsDesign and ldbounds print them)
        ("obrien-fleming", 2, [2.963, 1.969]),
        ("obrien-fleming", 3, [3.710, 2.511, 1.993]),
        ("obrien-fleming", 5, [4.877, 3.357, 2.680, 2.290, 2.031]),
        ("pocock", 5, [2.438, 2.427, 2.410, 2.397, 2.386]),
    ],
)
def test_thresholds_match_published_lan_demets_boundaries(
    spending: sequential.Spending, looks: int, expected: list[float]
) -> None:
    plan = sequential.plan(range(1, looks + 1), 0.025, spending)
    assert _z(plan) == expected
    assert plan.spent[-1] == pytest.approx(0.025)


@pytest.mark.parametrize("spending", ["obrien-fleming", "pocock"])
def test_unequal_looks_spend_what_the_function_allows_under_the_normal_law(spending: sequential.Spending) -> None:
    """P(no look crosses) = 1 - alpha and P(look 1 crosses) = alpha(t_1), from the multivariate normal law (scipy)."""
    from scipy import special
    from scipy import stats as sps

    looks, alpha = (10, 16, 30), 0.05
    plan = sequential.plan(looks, alpha, spending)
    t = np.array(looks) / looks[-1]
    correlation = np.sqrt(np.minimum.outer(t, t) / np.maximum.outer(t, t))  # Brownian motion: sqrt(t_i / t_j)
    c = -special.ndtri(np.array(plan.thresholds))
    none_cross = sps.multivariate_normal.cdf(
        c, np.zeros(3), correlation, abseps=1e-7, releps=1e-7, rng=np.random.default_rng(1)
    )
    assert none_cross == pytest.approx(1 - alpha, abs=2e-5)
    assert plan.thresholds[0] == pytest.approx(sequential.spent(t[0], alpha, spending), rel=1e-6)
    assert all(a < b for a, b in itertools.pairwise(plan.spent))


def test_spending_functions_spend_alpha_by_the_end_and_obrien_fleming_little_early() -> None:
    for spending in ("obrien-fleming", "pocock"):
        assert sequential.spent(1.0, 0.05, spending) == pytest.approx(0.05)
        assert sequential.spent(0.0, 0.05, spending) == 0.0
    assert sequential.spent(1 / 3, 0.05, "obrien-fleming") < 0.001 < sequential.spent(1 / 3, 0.05, "pocock")
    assert sequential.spent(0.5, 0.05, "pocock") == pytest.approx(0.05 * math.log(1 + (math.e - 1) / 2))


def test_one_look_is_the_fixed_test() -> None:
    assert sequential.plan((12,), 0.05).thresholds == pytest.approx((0.05,))


def test_the_schedule_and_the_plan_check_their_looks() -> None:
    assert sequential.schedule(10, 30) == (10, 20, 30)
    assert sequential.schedule(10, 25) == (10, 20, 25)
    assert sequential.schedule(10, 10) == (10,)
    with pytest.raises(ValueError, match="increasing"):
        sequential.plan((10, 10, 20), 0.05)
    with pytest.raises(ValueError, match="alpha"):
        sequential.plan((10, 20), 1.5)


def test_next_step() -> None:
    thresholds = (0.01, 0.02, 0.03)
    margin = 0.02
    assert sequential.next_step(0.005, 0.05, margin, 0, thresholds) is sequential.Step.REGRESSION
    assert sequential.next_step(0.2, 0.01, margin, 0, thresholds) is sequential.Step.FINE  # within the margin
    assert sequential.next_step(0.02, 0.05, margin, 0, thresholds) is sequential.Step.CONTINUE  # doubtful
    assert sequential.next_step(0.02, 0.05, margin, 1, thresholds) is sequential.Step.REGRESSION
    assert sequential.next_step(0.04, 0.05, margin, 2, thresholds) is sequential.Step.FINE  # the last look stops


# --- by simulation: more rounds for doubtful series, false alarms still at alpha -------------------------------------


def _fails(d: FloatArray, looks: tuple[int, ...], thresholds: tuple[float, ...], margin: float) -> bool:
    for look, rounds in enumerate(looks):
        test = paired.paired_test(d[:rounds], margin)
        step = sequential.next_step(test.p_worse, test.estimate, margin, look, thresholds)
        if step is not sequential.Step.CONTINUE:
            return step is sequential.Step.REGRESSION
    raise AssertionError("the last look always stops")


@pytest.mark.parametrize("spending", ["obrien-fleming", "pocock"])
def test_confirming_keeps_false_alarms_at_alpha_where_rerunning_until_red_does_not(
    spending: sequential.Spending,
) -> None:
    rng = np.random.default_rng(3)
    margin, jobs, looks = math.log1p(0.02), 3000, (10, 20, 30)
    ratios = margin + 0.02 * rng.standard_t(3, (jobs, looks[-1]))  # a change of exactly δ, heavy-tailed rounds
    plan = sequential.plan(looks, 0.05, spending)
    confirmed = np.mean([_fails(d, looks, plan.thresholds, margin) for d in ratios])
    until_red = np.mean([_fails(d, looks, (0.05,) * 3, margin) for d in ratios])
    bound = 0.05 + 2 * math.sqrt(0.05 * 0.95 / jobs)
    assert confirmed <= bound
    assert until_red > bound
