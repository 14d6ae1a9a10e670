"""The gate's verdicts and reasons, on real example data and on constructed series."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate import formats
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Settings, Verdict
from perfgate.model import Direction, RunRef, SampleKind, Series, Summary

from ..builders import sampled
from ..conftest import EXAMPLES


def _side(*runs: tuple[Series, ...]) -> Side:
    return Side(tuple(RunRef(f"run{i}") for i in range(len(runs))), runs)


_series = sampled


def test_the_example_regression_fails_and_the_noise_does_not() -> None:
    base = formats.read(EXAMPLES / "pytest-benchmark" / "base.json")
    head = formats.read(EXAMPLES / "pytest-benchmark" / "head.json")
    report = evaluate(_side(base.series), _side(head.series), Settings())
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
    report = evaluate(_side(base.series), _side(head.series), Settings(max_regression=1.5))
    assert not report.failed


def test_throughput_falling_is_a_regression_and_rising_an_improvement() -> None:
    rng = np.random.default_rng(11)
    base = _series("rps", rng.normal(1000, 10, 20), Direction.HIGHER_IS_BETTER, "throughput", "1/s")
    slower = _series("rps", rng.normal(800, 10, 20), Direction.HIGHER_IS_BETTER, "throughput", "1/s")
    faster = _series("rps", rng.normal(1300, 10, 20), Direction.HIGHER_IS_BETTER, "throughput", "1/s")
    down = evaluate(_side((base,)), _side((slower,)), Settings()).comparisons[0]
    up = evaluate(_side((base,)), _side((faster,)), Settings()).comparisons[0]
    assert down.verdict is Verdict.REGRESSION and down.change is not None and down.change < 0.85
    assert up.verdict is Verdict.IMPROVEMENT and up.change is not None and up.change > 1.2
    assert "better than +5.0%" in up.reason


def test_weak_evidence_of_a_large_change_is_suspected_not_failed() -> None:
    base = _series("t", [1.0, 1.3, 0.8, 1.1, 0.9])
    head = _series("t", [1.2, 1.0, 1.4, 0.95, 1.3])
    comparison = evaluate(_side((base,)), _side((head,)), Settings()).comparisons[0]
    assert comparison.verdict is Verdict.SUSPECTED
    assert "not for certain: the samples vary too much" in comparison.reason


def test_summary_only_series_say_how_many_runs_are_needed() -> None:
    one = Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=1.0))
    two = Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, Summary(1, median=2.0))
    comparison = evaluate(_side((one,)), _side((two,)), Settings()).comparisons[0]
    assert comparison.verdict is Verdict.INSUFFICIENT_DATA
    assert "one summary per run, not samples" in comparison.reason and "--against main" in comparison.reason
    assert "pool >= 5 runs per side" in comparison.reason
    assert comparison.change == pytest.approx(2.0)


def test_summary_only_runs_pool_into_samples() -> None:
    def run(value: float) -> tuple[Series, ...]:
        summary = Summary(1, median=value)
        return (Series("t", "time", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, summary),)

    base = _side(*(run(v) for v in (1.00, 1.01, 0.99, 1.02, 0.98, 1.00)))
    head = _side(*(run(v) for v in (1.50, 1.52, 1.49, 1.51, 1.48, 1.50)))
    comparison = evaluate(base, head, Settings()).comparisons[0]
    assert comparison.n_baseline == 6 and comparison.verdict is Verdict.REGRESSION


def test_new_and_missing_series_inform() -> None:
    rng = np.random.default_rng(12)
    base = (_series("kept", rng.normal(1, 0.01, 10)), _series("gone", rng.normal(1, 0.01, 10)))
    head = (_series("kept", rng.normal(1, 0.01, 10)), _series("added", rng.normal(1, 0.01, 10)))
    report = evaluate(_side(base), _side(head), Settings())
    verdicts = {c.name: c.verdict for c in report.comparisons}
    assert verdicts == {"kept": Verdict.UNCHANGED, "added": Verdict.NEW, "gone": Verdict.MISSING}
    assert not report.failed


def test_false_discovery_control_spans_all_series() -> None:
    # 40 unchanged series and one borderline regression: BH keeps the borderline one from failing.
    rng = np.random.default_rng(13)
    base = [_series(f"s{i}", rng.lognormal(0, 0.05, 8)) for i in range(40)]
    head = [_series(f"s{i}", rng.lognormal(0, 0.05, 8)) for i in range(40)]
    base.append(_series("edge", [1.0, 1.02, 0.99, 1.01, 1.0, 0.98, 1.03, 1.0]))
    head.append(_series("edge", [1.12, 1.08, 1.15, 1.10, 1.09, 1.13, 1.11, 1.07]))
    report = evaluate(_side(tuple(base)), _side(tuple(head)), Settings())
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

    alone = evaluate(_side(tuple(base_t)), _side(tuple(head_t)), Settings()).comparisons[0]
    # The other benchmarks also report MB/s: counted separately they would nearly double B0's q.
    both = evaluate(
        _side((*base_t, *map(rate, base_t[1:]))), _side((*head_t, *map(rate, head_t[1:]))), Settings()
    ).comparisons
    assert both[0].name == alone.name == "B0" and both[0].q_value == pytest.approx(alone.q_value)


def test_the_fail_line_names_the_metrics_of_one_benchmark() -> None:
    from perfgate.render import text

    rng = np.random.default_rng(12)
    base = [sampled("BM_Hash", rng.lognormal(0, 0.01, 20), metric=m) for m in ("real_time", "cpu_time")]
    head = [sampled("BM_Hash", rng.lognormal(0.3, 0.01, 20), metric=m) for m in ("real_time", "cpu_time")]
    report = evaluate(_side(tuple(base)), _side(tuple(head)), Settings())
    assert "FAIL: 2 regressions (BM_Hash (real_time, cpu_time))" in text.render(report)


# --- deterministic metrics: values that never vary are compared as they are ---------------------------------


def _bytes(name: str, values: list[float]) -> Series:
    array = np.array(values, dtype=float)
    return Series(name, "memory", "B", Direction.LOWER_IS_BETTER, SampleKind.REPETITION, Summary.of(array), array)


@pytest.mark.parametrize(
    ("base", "head", "verdict"),
    [
        ([16.0] * 3, [32.0] * 3, Verdict.REGRESSION),  # 16 B/op -> 32 B/op in every run: no test needed
        ([1000.0] * 2, [1030.0] * 2, Verdict.UNCHANGED),  # +3 %: within the 5 % allowed
        ([1000.0] * 2, [900.0] * 2, Verdict.IMPROVEMENT),
        ([0.0] * 4, [16.0] * 4, Verdict.REGRESSION),  # from nothing
        ([16.0] * 3, [16.0] * 3, Verdict.UNCHANGED),
    ],
)
def test_values_that_never_vary_are_compared_as_they_are(
    base: list[float], head: list[float], verdict: Verdict
) -> None:
    for settings in (Settings(), Settings(between_runs=True)):
        comparison = evaluate(_side((_bytes("m", base),)), _side((_bytes("m", head),)), settings).comparisons[0]
        assert comparison.verdict is verdict
        assert comparison.test == "deterministic" and comparison.p_value is None
        assert "every run" in comparison.reason


def test_one_value_per_side_or_any_variation_is_not_deterministic() -> None:
    one = evaluate(_side((_bytes("m", [16.0]),)), _side((_bytes("m", [32.0]),)), Settings()).comparisons[0]
    assert one.test != "deterministic"  # one value says nothing about whether it varies
    varied = evaluate(
        _side((_bytes("m", [16.0, 16.0, 17.0, 16.0, 16.0, 16.0]),)), _side((_bytes("m", [32.0] * 6),)), Settings()
    ).comparisons[0]
    assert varied.test != "deterministic" and varied.verdict is Verdict.REGRESSION
