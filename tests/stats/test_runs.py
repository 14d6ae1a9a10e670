"""The test against the spread between runs, equal to what scipy.stats' t distribution gives."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate import stats


def test_between_run_p_equals_scipy() -> None:
    from scipy import stats as sps

    noise = stats.between_run_p(np.array([0.0, 0.02, -0.01]), np.array([0.08]), 0.05, 0.05, 2.0)
    assert noise is not None
    assert noise.p == pytest.approx(sps.t.sf((noise.estimate - 0.05) / noise.se, noise.df))
    assert noise.p_better(0.05) == pytest.approx(sps.t.cdf((noise.estimate + 0.05) / noise.se, noise.df))


BASE = np.array([0.0, 0.02, -0.01, 0.01, -0.02])


def test_runs_equally_sure_of_their_medians_test_as_unweighted() -> None:
    """Weighing by the runs' own variances changes nothing when every run is as sure as the others."""
    plain = stats.between_run_p(BASE, np.array([0.08]), 0.05, 0.05, 2.0)
    own = stats.OwnVariances.of(np.full(5, 1e-4), np.array([1e-4]))
    weighed = stats.between_run_p(BASE, np.array([0.08]), 0.05, 0.05, 2.0, own)
    assert plain is not None and weighed is not None
    assert weighed.p == pytest.approx(plain.p)
    assert weighed.se == pytest.approx(plain.se)
    assert weighed.estimate == pytest.approx(plain.estimate)


def test_a_candidate_the_tool_measured_as_unstable_tests_with_its_wider_uncertainty() -> None:
    plain = stats.between_run_p(BASE, np.array([0.10]), 0.05, 0.05, 2.0)
    unstable = stats.between_run_p(
        BASE, np.array([0.10]), 0.05, 0.05, 2.0, stats.OwnVariances.of(np.full(5, 1e-4), np.array([0.01]))
    )
    steady = stats.between_run_p(
        BASE, np.array([0.10]), 0.05, 0.05, 2.0, stats.OwnVariances.of(np.full(5, 1e-4), np.array([1e-6]))
    )
    assert plain is not None and unstable is not None and steady is not None
    assert unstable.se > 2 * plain.se and unstable.p > plain.p
    assert steady.p <= plain.p  # a steadier run than usual: at least as clear


def test_an_unstable_baseline_run_weighs_less_in_the_level() -> None:
    """A slow baseline run whose own interval is wide hardly moves the level the candidate is compared with."""
    base = np.array([0.0, 0.0, 0.0, 0.0, 0.3])
    variances = np.array([1e-4, 1e-4, 1e-4, 1e-4, 0.05])
    weighed = stats.between_run_p(
        base, np.array([0.0]), 0.05, 0.05, 2.0, stats.OwnVariances.of(variances, np.array([1e-4]))
    )
    plain = stats.between_run_p(base, np.array([0.0]), 0.05, 0.05, 2.0)
    assert weighed is not None and plain is not None
    assert plain.estimate == pytest.approx(-0.06)
    assert -0.06 < weighed.estimate < -0.01


def test_nothing_to_weigh_by_without_the_candidates_or_two_baseline_intervals() -> None:
    nan = float("nan")
    assert stats.OwnVariances.of(np.full(5, 1e-4), np.array([nan])) is None
    assert stats.OwnVariances.of(np.array([1e-4, nan, nan, nan, nan]), np.array([1e-4])) is None
    own = stats.OwnVariances.of(np.array([1e-4, 3e-4, nan, nan, nan]), np.array([1e-4]))
    assert own is not None and own.typical == pytest.approx(2e-4)  # the missing ones count as typical


def test_the_runs_own_intervals_never_explain_all_of_the_spread_between_runs() -> None:
    own = stats.OwnVariances.of(np.full(5, 1.0), np.array([3.0]))
    assert own is not None  # shrunk: baseline 1.0 each, candidate 2.0
    tau2, base, candidate = own.split(0.5)  # intervals wider than the runs differ: taken at their word
    assert tau2 == pytest.approx(stats.runs.MIN_BETWEEN_SHARE * 0.5)
    assert base.tolist() == pytest.approx([1.0] * 5) and candidate.tolist() == pytest.approx([2.0])
    tau2, base, candidate = own.split(3.0)
    assert tau2 == pytest.approx(2.0) and base.tolist() == pytest.approx([1.0] * 5)


@pytest.mark.parametrize(("share", "same"), [(0.1, True), (0.9, True), (2.0, False), (10.0, False)])
def test_equally_sure_runs_test_as_unweighted_unless_their_intervals_are_wider_than_the_runs_differ(
    share: float, same: bool
) -> None:
    """A random-effects test: while the runs' own intervals explain part of the spread, equally sure runs weigh
    as in the unweighted test; intervals wider than the runs differ are taken at their word, a wider test."""
    candidate = np.array([0.08, 0.05])
    plain = stats.between_run_p(BASE, candidate, 0.05, 0.05, 2.0)
    assert plain is not None
    variance = plain.spread**2
    own = stats.OwnVariances.of(np.full(5, share * variance), np.full(2, share * variance))
    weighed = stats.between_run_p(BASE, candidate, 0.05, 0.05, 2.0, own)
    assert weighed is not None
    if same:
        assert (weighed.p, weighed.se) == pytest.approx((plain.p, plain.se))
    else:
        assert weighed.se > plain.se and weighed.p > plain.p
