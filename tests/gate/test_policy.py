"""Budgets, waivers and the run-to-run noise term of the gate."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from perfgate import stats
from perfgate.gate.evaluate import evaluate
from perfgate.gate.policy import Policy, check_limit
from perfgate.gate.pooling import Side
from perfgate.gate.report import Settings, Verdict
from perfgate.gate.rules import Budget, Limit, Waiver
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary

from ..builders import sampled

TODAY = date(2026, 11, 23)


def _side(*runs: tuple[Series, ...]) -> Side:
    return Side(tuple(RunRef(f"run{i}") for i in range(len(runs))), runs)


def _latency(name: str, centre: float, n: int = 40, seed: int = 1, cv: float = 0.05) -> Series:
    return sampled(name, np.random.default_rng(seed).lognormal(math.log(centre), cv, n))


def _budget(match: str, *limits: Limit, max_regression: float | None = None) -> Budget:
    return Budget(match, limits, max_regression, line=3)


P95_120MS = Limit("p95", "<", 0.120, "s", "< 120ms")


def test_quantile_bounds_cover_the_true_quantile() -> None:
    rng = np.random.default_rng(2)
    true_p95 = math.exp(1.6449 * 0.1)
    misses = sum(stats.quantile_bounds(rng.lognormal(0, 0.1, 60), 0.95).lower > true_p95 for _ in range(400))
    assert misses / 400 <= 0.07  # a one-sided 95 % lower bound is above the truth at most ~5 % of the time


def test_clearly_over_budget_fails() -> None:
    series = _latency("GET /api/search", 0.150)
    report = evaluate(_side((series,)), _side((series,)), Settings(), Policy((_budget("GET *", P95_120MS),), (), TODAY))
    (c,) = report.comparisons
    assert c.verdict is Verdict.BUDGET_EXCEEDED and report.failed
    assert c.reason.startswith("p95 ") and "breaks the budget < 120ms" in c.reason
    assert c.budget[0].status == "exceeded" and c.budget[0].bound is not None and c.budget[0].bound > 0.120


def test_point_past_the_limit_with_a_straddling_bound_is_at_risk() -> None:
    # p95 just past 120 ms on few samples: the lower bound is still under the limit.
    series = sampled("GET /x", [0.100, 0.102, 0.104, 0.106, 0.108, 0.110, 0.112, 0.114, 0.119, 0.125])
    check = check_limit(P95_120MS, series, series.samples, series.summary)
    assert check is not None and check.status == "at-risk"
    report = evaluate(_side((series,)), _side((series,)), Settings(), Policy((_budget("*", P95_120MS),), (), TODAY))
    assert report.comparisons[0].verdict is Verdict.AT_RISK and not report.failed


def test_within_budget_is_not_mentioned_as_a_problem() -> None:
    series = _latency("GET /fast", 0.050)
    report = evaluate(_side((series,)), _side((series,)), Settings(), Policy((_budget("*", P95_120MS),), (), TODAY))
    c = report.comparisons[0]
    assert c.verdict is Verdict.UNCHANGED and c.budget[0].status == "ok"


def test_error_rate_budget_from_error_counts() -> None:
    summary = Summary(count=10_000, median=0.05, errors=250)  # 2.5 % errors
    series = Series("POST /orders", "latency", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, summary)
    limit = Limit("error_rate", "<", 0.01, "ratio", "< 1%")
    check = check_limit(limit, series, series.values(), summary)
    assert check is not None and check.status == "exceeded"
    assert check.bound is not None and 0.02 < check.bound < 0.025


def test_throughput_budget_applies_only_to_rates() -> None:
    limit = Limit("throughput", ">", 500.0, "1/s", "> 500/s")
    rps = sampled("api", [400.0, 410.0, 395.0, 405.0, 398.0, 402.0], Direction.HIGHER_IS_BETTER, "throughput", "1/s")
    check = check_limit(limit, rps, rps.samples, rps.summary)
    assert check is not None and check.status == "exceeded"
    latency = _latency("api", 0.01)
    assert check_limit(limit, latency, latency.samples, latency.summary) is None


def test_summary_only_values_are_taken_as_exact() -> None:
    summary = Summary(count=1, median=0.2, p95=0.3)
    series = Series("GET /slow", "latency", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, summary)
    check = check_limit(P95_120MS, series, series.values(), summary)
    assert check is not None and check.status == "exceeded" and "from the tool's summary" in check.reason
    missing = check_limit(Limit("p99", "<", 1.0, "s", "< 1s"), series, series.values(), summary)
    assert missing is not None and missing.status == "unknown"


def test_budget_max_regression_overrides_delta() -> None:
    base = _latency("GET /api/search", 0.100, seed=3, cv=0.01)
    head = _latency("GET /api/search", 0.104, seed=4, cv=0.01)  # +4 %: fine under 5 %, not under 3 %
    loose = evaluate(_side((base,)), _side((head,)), Settings())
    strict = evaluate(
        _side((base,)), _side((head,)), Settings(), Policy((_budget("GET *", max_regression=0.03),), (), TODAY)
    )
    assert loose.comparisons[0].verdict is not Verdict.REGRESSION
    assert strict.comparisons[0].verdict is Verdict.REGRESSION
    assert "the 3% allowed" in strict.comparisons[0].reason


def test_active_waiver_waives_and_expired_waiver_is_reported() -> None:
    base = _latency("test_parse_json", 0.010, seed=5, cv=0.01)
    head = _latency("test_parse_json", 0.013, seed=6, cv=0.01)
    waiver = Waiver("test_parse*", date(2026, 12, 31), "new validator; tracked in #123", line=9)
    active = evaluate(_side((base,)), _side((head,)), Settings(), Policy((), (waiver,), TODAY))
    c = active.comparisons[0]
    assert c.verdict is Verdict.WAIVED and not active.failed
    assert c.reason.startswith("regression waived until 2026-12-31 (new validator; tracked in #123): +30")
    expired = evaluate(_side((base,)), _side((head,)), Settings(), Policy((), (waiver,), date(2027, 1, 2)))
    assert expired.comparisons[0].verdict is Verdict.REGRESSION and expired.failed
    assert any("expired on 2026-12-31" in note for note in expired.notes)


def test_run_to_run_noise_stops_a_runner_shift_from_failing() -> None:
    # Five baseline runs whose medians wander by ~4 %, and a candidate run 12 % slower than their mean:
    # within-run samples alone call it a regression; the runs' own spread says it is not shown.
    rng = np.random.default_rng(7)
    offsets = [1.00, 1.05, 0.97, 1.04, 0.95]
    runs = tuple((sampled("t", rng.lognormal(math.log(o), 0.005, 20)),) for o in offsets)
    head = (sampled("t", rng.lognormal(math.log(1.12), 0.005, 20)),)
    same_job = evaluate(_side(*runs), _side(head), Settings())
    other_jobs = evaluate(_side(*runs), _side(head), Settings(between_runs=True))
    assert same_job.comparisons[0].verdict is Verdict.REGRESSION
    assert other_jobs.comparisons[0].verdict is not Verdict.REGRESSION
    assert "not for certain: CI runs of main differ by ±" in other_jobs.comparisons[0].reason


def test_a_real_step_still_fails_with_the_noise_term() -> None:
    rng = np.random.default_rng(8)
    runs = tuple((sampled("t", rng.lognormal(math.log(o), 0.005, 20)),) for o in [1.0, 1.01, 0.99, 1.005, 0.995])
    head = (sampled("t", rng.lognormal(math.log(1.25), 0.005, 20)),)
    report = evaluate(_side(*runs), _side(head), Settings(between_runs=True))
    assert report.comparisons[0].verdict is Verdict.REGRESSION


def test_a_short_history_is_said_and_uses_the_run_noise_prior() -> None:
    rng = np.random.default_rng(9)
    runs = tuple((sampled("t", rng.lognormal(0, 0.01, 20)),) for _ in range(2))
    report = evaluate(_side(*runs), _side(runs[0]), Settings(between_runs=True))
    assert any("short history (2 baseline run(s))" in note and "5%" in note for note in report.notes)


@pytest.mark.parametrize(("baseline_runs", "slower", "fails"), [(1, 1.4, True), (1, 1.12, False), (4, 1.2, True)])
def test_short_histories_catch_large_regressions_and_not_a_runner_shift(
    baseline_runs: int, slower: float, fails: bool
) -> None:
    """One or a few main runs with quiet samples: the pooled samples alone would fail any shift of a few percent;
    with the run_noise prior only a large change fails (+40 % from one run, +20 % from four)."""
    rng = np.random.default_rng(baseline_runs)
    offsets = [1.0, 1.02, 0.98, 1.01][:baseline_runs]
    runs = tuple((sampled("t", rng.lognormal(math.log(o), 0.005, 20)),) for o in offsets)
    head = (sampled("t", rng.lognormal(math.log(slower), 0.005, 20)),)
    assert evaluate(_side(*runs), _side(head), Settings()).comparisons[0].verdict is Verdict.REGRESSION  # samples
    verdict = evaluate(_side(*runs), _side(head), Settings(between_runs=True)).comparisons[0].verdict
    assert (verdict is Verdict.REGRESSION) == fails


def test_identical_baseline_run_medians_still_leave_run_noise() -> None:
    runs = tuple((sampled("t", [1.0] * 20),) for _ in range(3))
    head = (sampled("t", [1.08] * 20),)
    comparison = evaluate(_side(*runs), _side(head), Settings(between_runs=True)).comparisons[0]
    assert comparison.verdict is not Verdict.REGRESSION  # three equal medians do not prove runners never differ


def test_geometric_mean_is_oriented_so_up_is_worse() -> None:
    slower = (_latency("a", 1.0, seed=10), _latency("b", 1.0, seed=11))
    faster = (_latency("a", 1.21, seed=12), _latency("b", 1.0, seed=13))
    report = evaluate(_side(slower), _side(faster), Settings())
    assert report.geomean == pytest.approx(math.sqrt(1.21), rel=0.03)


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
    report = evaluate(_side((base,)), _side((head,)), Settings(max_regression=0.0))
    c = report.comparisons[0]
    assert c.n_baseline == 30 and c.n_candidate == 30
    assert c.candidate is not None and c.candidate.count == 3000  # summaries still describe every request
