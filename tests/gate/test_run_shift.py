"""Whole-run shifts (`perfgate.gate.run_shift`): a run whose series all move together is a machine, or a change
that slows everything; it fails nothing on its own, says so, and a series that changed on top of it still fails."""

from __future__ import annotations

import math
import re

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Verdict
from perfgate.gate.settings import Settings
from perfgate.model import Direction, Series

from ..builders import sampled, side

NAMES = [f"bench_{i:02d}" for i in range(20)]


def _run(
    rng: np.random.Generator, factor: float, changed: dict[str, float] | None = None, n: int = 20
) -> tuple[Series, ...]:
    """One run of 20 benchmarks of 1 ms x (1 + i/10), CV 1 %, all ``factor`` slower; ``changed``: more on top."""
    changed = changed or {}
    return tuple(
        sampled(name, rng.lognormal(math.log(1e-3 * (1 + i / 10) * factor * changed.get(name, 1.0)), 0.01, n))
        for i, name in enumerate(NAMES)
    )


def _verdicts(report) -> dict[str, Verdict]:  # type: ignore[no-untyped-def]
    return {c.name: c.verdict for c in report.comparisons}


def test_a_runner_40_percent_slower_fails_nothing_and_says_so() -> None:
    rng = np.random.default_rng(1)
    report = evaluate(side(_run(rng, 1.0)), side(_run(rng, 1.4)), Settings())
    assert not report.failed
    assert set(_verdicts(report).values()) == {Verdict.UNCHANGED}
    shift = report.run_shift
    assert shift is not None and shift.series == 20 and shift.slower
    assert 1.38 < shift.ratio < 1.42 and shift.ci[0] < shift.ratio < shift.ci[1]
    assert report.warned and report.verdict == "neutral"  # not a pass: the check is neutral, the exit code 0
    note = report.notes[0]
    assert note.startswith("the whole run is 40.")
    assert "slower runner or a change that slows everything" in note and "confirm with `perfgate run`" in note
    # The table keeps what was measured; the reason says what was judged.
    first = report.comparisons[0]
    assert first.change is not None and 1.35 < first.change < 1.45
    assert "beyond the whole run's +40." in first.reason and "is within the 5% allowed" in first.reason


def test_a_10_percent_change_on_that_slow_runner_still_fails() -> None:
    rng = np.random.default_rng(2)
    report = evaluate(side(_run(rng, 1.0)), side(_run(rng, 1.4, {"bench_07": 1.10})), Settings())
    verdicts = _verdicts(report)
    assert verdicts.pop("bench_07") is Verdict.REGRESSION
    assert set(verdicts.values()) == {Verdict.UNCHANGED}
    slow = next(c for c in report.comparisons if c.name == "bench_07")
    assert slow.change is not None and 1.5 < slow.change < 1.6  # measured: 1.4 x 1.1
    assert re.match(r"\+(9|10)\.\d% \[", slow.reason) and "beyond the whole run's +40." in slow.reason


def test_the_same_change_fails_the_same_way_on_a_normal_runner() -> None:
    rng = np.random.default_rng(2)
    report = evaluate(side(_run(rng, 1.0)), side(_run(rng, 1.0, {"bench_07": 1.10})), Settings())
    assert _verdicts(report)["bench_07"] is Verdict.REGRESSION
    assert report.run_shift is None or not report.run_shift.slower
    assert not any("whole run" in n for n in report.notes)


def test_against_history_a_slow_runner_fails_nothing_and_a_20_percent_step_on_it_fails() -> None:
    rng = np.random.default_rng(3)
    history = [_run(rng, math.exp(rng.normal(0, 0.01))) for _ in range(20)]
    settings = Settings(between_runs=True)
    slow = evaluate(side(*history), side(_run(rng, 1.4)), settings)
    assert not slow.failed and slow.warned
    stepped = evaluate(side(*history), side(_run(rng, 1.4, {"bench_03": 1.2})), settings)
    verdicts = _verdicts(stepped)
    assert verdicts.pop("bench_03") is Verdict.REGRESSION
    assert Verdict.REGRESSION not in verdicts.values()


def test_a_faster_runner_makes_nothing_an_improvement_and_cannot_fail_a_series_that_kept_its_time() -> None:
    rng = np.random.default_rng(4)
    report = evaluate(side(_run(rng, 1.0)), side(_run(rng, 0.7, {"bench_05": 1 / 0.7})), Settings())
    verdicts = _verdicts(report)
    # bench_05 kept its time while the run got 30 % faster: beyond the run's shift it is worse, as measured it
    # is not, and only a series worse both ways fails.
    assert verdicts.pop("bench_05") is Verdict.UNCHANGED
    assert set(verdicts.values()) == {Verdict.UNCHANGED}
    assert report.run_shift is not None and report.run_shift.faster and not report.warned
    assert report.notes[0].startswith("the whole run is 30.") and "faster runner" in report.notes[0]


def test_most_series_changed_by_code_is_told_as_a_whole_run_and_the_others_are_not_improvements() -> None:
    rng = np.random.default_rng(5)
    slowed = {name: 1.3 for name in NAMES[:14]}
    report = evaluate(side(_run(rng, 1.0)), side(_run(rng, 1.0, slowed)), Settings())
    assert report.warned  # it cannot be told from a slower runner: it is said, and `perfgate run` confirms
    assert Verdict.IMPROVEMENT not in _verdicts(report).values()


def test_with_fewer_than_8_benchmarks_no_shift_is_estimated() -> None:
    rng = np.random.default_rng(6)
    base, cand = _run(rng, 1.0)[:7], _run(rng, 1.4)[:7]
    report = evaluate(side(base), side(cand), Settings())
    assert report.run_shift is None and report.failed  # 7 series moving together: each is judged as measured


def test_a_run_of_unchanged_code_is_left_as_it_is() -> None:
    rng = np.random.default_rng(7)
    report = evaluate(side(_run(rng, 1.0)), side(_run(rng, 1.0)), Settings())
    assert report.run_shift is None
    assert not report.notes


def test_sizes_do_not_count_towards_the_run_shift() -> None:
    rng = np.random.default_rng(8)
    memory = [sampled(f"mem_{i}", rng.normal(1e6, 1e4, 20), metric="memory", unit="B") for i in range(12)]
    moved = [sampled(f"mem_{i}", rng.normal(1.4e6, 1e4, 20), metric="memory", unit="B") for i in range(12)]
    report = evaluate(side(tuple(memory)), side(tuple(moved)), Settings())
    assert report.run_shift is None and report.failed


def test_throughput_moves_with_the_run_in_its_own_direction() -> None:
    rng = np.random.default_rng(9)

    def rates(factor: float) -> tuple[Series, ...]:
        return tuple(
            sampled(
                f"rps_{i}",
                rng.lognormal(math.log(1000 * factor), 0.01, 20),
                Direction.HIGHER_IS_BETTER,
                "throughput",
                "1/s",
            )
            for i in range(10)
        )

    report = evaluate(side(rates(1.0)), side(rates(1 / 1.4)), Settings())
    assert not report.failed
    assert report.run_shift is not None and 1.38 < report.run_shift.ratio < 1.42 and report.warned
