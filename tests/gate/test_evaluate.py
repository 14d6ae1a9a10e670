"""`evaluate`: every series of a candidate against its baseline, the verdicts and reasons, Benjamini-Hochberg
across series and the geometric mean, on real example data and on constructed series."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate import formats
from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Verdict
from perfgate.gate.settings import Settings
from perfgate.model import Direction, SampleKind, Series, Summary

from ..builders import latency, sampled, side
from ..conftest import EXAMPLES


def test_the_example_regression_fails_and_the_noise_does_not() -> None:
    base = formats.read(EXAMPLES / "pytest-benchmark" / "base.json")
    head = formats.read(EXAMPLES / "pytest-benchmark" / "head.json")
    report = evaluate(side(base.series), side(head.series), Settings())
    verdicts = {c.name: c.verdict for c in report.comparisons}
    assert verdicts == {
        "test_tokenize": Verdict.REGRESSION,
        "test_checksum": Verdict.UNCHANGED,
        "test_render": Verdict.UNCHANGED,
    }
    assert report.failed and report.verdict == "fail"
    tokenize = report.comparisons[0]
    assert tokenize.change is not None and 1.8 < tokenize.change < 2.0
    assert tokenize.ci is not None and tokenize.ci[0] < tokenize.change < tokenize.ci[1]
    assert tokenize.n_baseline == 714 and tokenize.n_candidate == 351
    assert "is beyond the 5% allowed" in tokenize.reason and "n = 714 + 351" in tokenize.reason


def test_a_larger_allowance_lets_the_same_change_pass() -> None:
    base = formats.read(EXAMPLES / "pytest-benchmark" / "base.json")
    head = formats.read(EXAMPLES / "pytest-benchmark" / "head.json")
    report = evaluate(side(base.series), side(head.series), Settings(max_regression=1.5))
    assert not report.failed


def test_throughput_falling_is_a_regression_and_rising_an_improvement() -> None:
    rng = np.random.default_rng(11)
    base = sampled("rps", rng.normal(1000, 10, 20), Direction.HIGHER_IS_BETTER, "throughput", "1/s")
    slower = sampled("rps", rng.normal(800, 10, 20), Direction.HIGHER_IS_BETTER, "throughput", "1/s")
    faster = sampled("rps", rng.normal(1300, 10, 20), Direction.HIGHER_IS_BETTER, "throughput", "1/s")
    down = evaluate(side((base,)), side((slower,)), Settings()).comparisons[0]
    up = evaluate(side((base,)), side((faster,)), Settings()).comparisons[0]
    assert down.verdict is Verdict.REGRESSION and down.change is not None and down.change < 0.85
    assert up.verdict is Verdict.IMPROVEMENT and up.change is not None and up.change > 1.2
    assert "better than +5.0%" in up.reason


def test_summary_only_series_say_how_many_runs_are_needed() -> None:
    """One summary a side within the allowance: too little to call unchanged (gate/summaries)."""
    one = Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=1.0))
    same = Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=1.03))
    comparison = evaluate(side((one,)), side((same,)), Settings()).comparisons[0]
    assert comparison.verdict is Verdict.INSUFFICIENT_DATA
    assert "one summary per run, not samples" in comparison.reason and "--against main" in comparison.reason
    assert "pool >= 5 runs per side" in comparison.reason
    assert comparison.change == pytest.approx(1.03)


def test_one_summary_a_side_fails_a_large_change_against_run_noise() -> None:
    one = Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=1.0))
    two = Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=2.0))
    report = evaluate(side((one,)), side((two,)), Settings())
    comparison = report.comparisons[0]
    assert comparison.verdict is Verdict.REGRESSION and comparison.test == "summary-runs"
    assert "one summary a side: runs taken to differ by 5% (run_noise)" in comparison.reason
    assert comparison.change == pytest.approx(2.0)
    a_little = Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=1.12))
    report = evaluate(side((one,)), side((a_little,)), Settings())
    assert report.comparisons[0].verdict is Verdict.SUSPECTED and report.undecided and report.warned


def test_new_and_missing_series_inform() -> None:
    rng = np.random.default_rng(12)
    base = (sampled("kept", rng.normal(1, 0.01, 10)), sampled("gone", rng.normal(1, 0.01, 10)))
    head = (sampled("kept", rng.normal(1, 0.01, 10)), sampled("added", rng.normal(1, 0.01, 10)))
    report = evaluate(side(base), side(head), Settings())
    verdicts = {c.name: c.verdict for c in report.comparisons}
    assert verdicts == {"kept": Verdict.UNCHANGED, "added": Verdict.NEW, "gone": Verdict.MISSING}
    assert not report.failed


def test_false_discovery_control_spans_all_series() -> None:
    # 40 unchanged series and one borderline regression: BH keeps the borderline one from failing.
    rng = np.random.default_rng(13)
    base = [sampled(f"s{i}", rng.lognormal(0, 0.05, 8)) for i in range(40)]
    head = [sampled(f"s{i}", rng.lognormal(0, 0.05, 8)) for i in range(40)]
    base.append(sampled("edge", [1.0, 1.02, 0.99, 1.01, 1.0, 0.98, 1.03, 1.0]))
    head.append(sampled("edge", [1.12, 1.08, 1.15, 1.10, 1.09, 1.13, 1.11, 1.07]))
    report = evaluate(side(tuple(base)), side(tuple(head)), Settings())
    edge = report.comparisons[-1]
    assert edge.p_value is not None and edge.q_value is not None
    assert edge.q_value >= edge.p_value


def test_one_measurement_in_two_units_counts_once_for_benjamini_hochberg() -> None:
    """Go's ns/op and MB/s of one benchmark are one test: adding MB/s must not weaken the family's power."""
    rng = np.random.default_rng(11)
    base_t = [sampled(f"B{i}", rng.lognormal(0, 0.02, 12)) for i in range(8)]
    head_t = [sampled(f"B{i}", rng.lognormal(0.15 if i == 0 else 0, 0.02, 12)) for i in range(8)]

    def rate(series: Series) -> Series:
        return sampled(series.name, 1 / series.values(), Direction.HIGHER_IS_BETTER, "throughput", "B/s")

    alone = evaluate(side(tuple(base_t)), side(tuple(head_t)), Settings()).comparisons[0]
    # The other benchmarks also report MB/s: counted separately they would nearly double B0's q.
    both = evaluate(
        side((*base_t, *map(rate, base_t[1:]))), side((*head_t, *map(rate, head_t[1:]))), Settings()
    ).comparisons
    assert both[0].name == alone.name == "B0" and both[0].q_value == pytest.approx(alone.q_value)


def test_geometric_mean_is_oriented_so_up_is_worse() -> None:
    slower = (latency("a", 1.0, seed=10), latency("b", 1.0, seed=11))
    faster = (latency("a", 1.21, seed=12), latency("b", 1.0, seed=13))
    report = evaluate(side(slower), side(faster), Settings())
    assert report.geomean == pytest.approx(math.sqrt(1.21), rel=0.03)
