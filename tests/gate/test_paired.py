"""Interleaved rounds judged as pairs (perfgate.gate.paired): a round's base and head share the runner's mood."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate.gate.evaluate import evaluate
from perfgate.gate.paired import evaluate_paired
from perfgate.gate.pooling import Side
from perfgate.gate.report import Verdict
from perfgate.gate.settings import Settings
from perfgate.model import Direction, RunRef
from tests.builders import sampled

ROUNDS = 10
SETTINGS = Settings(max_regression=0.02)


def _rounds(change: float, seed: int, direction: Direction = Direction.LOWER_IS_BETTER) -> tuple[Side, Side]:
    """Rounds whose level wanders by ±8 % (the runner's neighbours), far more than the change; within a round
    both sides see the same level and 1 % of noise of their own."""
    rng = np.random.default_rng(seed)
    base, head = [], []
    for _ in range(ROUNDS):
        level = 0.010 * np.exp(rng.normal(0, 0.08))
        effect = change if direction is Direction.LOWER_IS_BETTER else 1 / change
        base.append((sampled("test_parse", level * np.exp(rng.normal(0, 0.01, 10)), direction),))
        head.append((sampled("test_parse", level * effect * np.exp(rng.normal(0, 0.01, 10)), direction),))
    refs = tuple(RunRef(f"round {i}") for i in range(1, ROUNDS + 1))
    return Side(refs, tuple(base)), Side(refs, tuple(head))


def _only(sides: tuple[Side, Side], paired: bool) -> Verdict:
    report = evaluate_paired(*sides, SETTINGS) if paired else evaluate(*sides, SETTINGS)
    (comparison,) = report.comparisons
    return comparison.verdict


@pytest.mark.parametrize("direction", list(Direction))
def test_a_5_percent_regression_under_8_percent_runner_noise_is_caught_by_the_pairs(direction: Direction) -> None:
    caught = [_only(_rounds(1.05, seed, direction), paired=True) for seed in range(10)]
    assert caught.count(Verdict.REGRESSION) >= 9


def test_unchanged_code_does_not_fail() -> None:
    verdicts = [_only(_rounds(1.0, seed), paired=True) for seed in range(40)]
    assert verdicts.count(Verdict.REGRESSION) <= 2


def test_a_change_within_the_allowance_is_not_a_regression() -> None:
    verdicts = [_only(_rounds(1.01, seed), paired=True) for seed in range(20)]
    assert verdicts.count(Verdict.REGRESSION) <= 1  # +1 % against the 2 % allowed


def test_the_report_says_it_paired_and_the_reason_counts_rounds() -> None:
    report = evaluate_paired(*_rounds(1.05, 3), SETTINGS)
    assert report.notes[0].startswith(f"paired: {ROUNDS} interleaved rounds in one job")
    (comparison,) = report.comparisons
    assert f"{ROUNDS} rounds, paired" in comparison.reason and comparison.test == "paired-exact"
    assert comparison.ci is not None and comparison.ci[0] < 1.05 < comparison.ci[1]


def test_a_series_missing_from_a_round_is_judged_pooled() -> None:
    base, head = _rounds(1.0, 1)
    extra = sampled("test_other", [0.001] * 5)
    head = Side(head.refs, (*head.runs[:-1], (*head.runs[-1], extra)))
    base = Side(base.refs, (*base.runs[:-1], (*base.runs[-1], extra)))
    report = evaluate_paired(base, head, SETTINGS)
    other = next(c for c in report.comparisons if c.name == "test_other")
    assert "paired" not in other.reason


def test_rounds_come_in_pairs() -> None:
    base, head = _rounds(1.0, 1)
    with pytest.raises(ValueError, match="rounds come in pairs"):
        evaluate_paired(base, Side(head.refs[:-1], head.runs[:-1]), SETTINGS)


def test_a_paired_report_names_the_signed_rank_test() -> None:
    from perfgate.render import markdown, text

    report = evaluate_paired(*_rounds(1.05, 3), SETTINGS)
    shown = text.render(report, paint=text.unpainted)
    assert "Wilcoxon signed-rank test of a regression" in shown and "Mann-Whitney" not in shown
    assert "exact signed-rank of the rounds' ratios for 1 series" in shown
    assert "one-sided Wilcoxon signed-rank test" in markdown.render(report)


def test_rounds_with_a_zero_value_are_not_paired() -> None:
    """hyperfine's user time is often exactly 0.0 s: a ratio to it would be ±700 on the log scale."""
    base, head = _rounds(1.0, 2)
    zero = sampled("user_time", [0.0, 0.001, 0.0])
    base = Side(base.refs, tuple((*run, zero) for run in base.runs))
    head = Side(head.refs, tuple((*run, zero) for run in head.runs))
    report = evaluate_paired(base, head, SETTINGS)
    user = next(c for c in report.comparisons if c.name == "user_time")
    assert user.test is not None and not user.test.startswith("paired")
    assert user.verdict is not Verdict.REGRESSION


def test_the_note_says_when_nothing_could_be_paired() -> None:
    base, head = _rounds(1.0, 2)
    two = Side(base.refs[:2], base.runs[:2]), Side(head.refs[:2], head.runs[:2])  # too few rounds for a pair test
    report = evaluate_paired(*two, SETTINGS)
    assert report.notes[0].startswith("2 rounds in one job, but no series could be paired")
