"""Confirm before failing (perfgate.gate.confirm): looks fixed in advance, each judged at its group-sequential
threshold; a series decided at a look keeps that look's rounds and verdict; one in doubt at the last stays suspected."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from perfgate.gate import confirm
from perfgate.gate.paired import evaluate_paired
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Side
from perfgate.gate.report import Verdict
from perfgate.gate.settings import Settings
from perfgate.model import RunRef
from perfgate.stats import sequential
from tests.builders import sampled

SETTINGS = Settings(max_regression=0.02)
PLAN = sequential.plan((4, 8, 12), SETTINGS.fdr)
STEADY = [0.05, 0.04, 0.06, 0.05, 0.045, 0.055, 0.05, 0.06, 0.04, 0.05, 0.055, 0.045]  # every round beyond 2 %
DOUBTFUL = [0.08, -0.03, 0.08, 0.07, -0.03, 0.08, 0.07, -0.02, 0.08, 0.07, -0.03, 0.08]  # worse, but not always


def _sides(changes: dict[str, list[float]], rounds: int) -> tuple[Side, Side]:
    """``rounds`` rounds; series ``name`` is in round r when r < len(changes[name]), its head slower by that much."""
    base, head = [], []
    for r in range(rounds):
        level = 0.001 * (1 + 0.1 * np.sin(r))  # the runner's mood: shared by both sides of a round
        jitter = 1 + np.linspace(-0.002, 0.002, 5)
        present = [name for name, c in changes.items() if r < len(c)]
        base.append(tuple(sampled(name, level * jitter) for name in present))
        head.append(tuple(sampled(name, level * (1 + changes[name][r]) * jitter) for name in present))
    refs = tuple(RunRef(f"round {r + 1}") for r in range(rounds))
    return Side(refs, tuple(base)), Side(refs, tuple(head))


def _verdicts(look: confirm.Look) -> dict[str, Verdict]:
    return {c.name: c.verdict for c in look.report.comparisons}


def test_the_first_look_leaves_a_regression_that_4_rounds_cannot_prove_in_doubt() -> None:
    look = confirm.judge(*_sides({"same": [0.0] * 4, "slow": STEADY[:4]}, 4), SETTINGS, Policy(), PLAN)
    assert _verdicts(look) == {"same": Verdict.UNCHANGED, "slow": Verdict.SUSPECTED}
    assert (look.doubtful, look.next_rounds, look.last) == (("slow",), 4, False)


def test_more_rounds_prove_it_and_a_decided_series_keeps_its_rounds_and_verdict() -> None:
    # Without a filter every round has every series: "same" was decided after 4 rounds, and its later rounds
    # (+50 %) must not count.
    changes = {"same": [0.0] * 4 + [0.5] * 4, "slow": STEADY[:8]}
    first = confirm.judge(*_sides(changes, 4), SETTINGS, Policy(), PLAN)
    second = confirm.judge(*_sides(changes, 8), SETTINGS, Policy(), PLAN, first)
    assert _verdicts(second) == {"same": Verdict.UNCHANGED, "slow": Verdict.REGRESSION}
    assert second.doubtful == ()
    reasons = {c.name: c.reason for c in second.report.comparisons}
    assert "4 rounds, paired" in reasons["same"] and "8 rounds, paired" in reasons["slow"]
    assert {key[0]: n for key, n, _ in second.stopped} == {"same": 4, "slow": 8}
    notes = confirm.finished(second).notes
    assert "confirmed: 1 series got 4 more rounds (looks at 4/8/12, Pocock spending): slow" in notes
    assert "paired: 4 to 8 interleaved rounds in one job, each round's head/base ratio a pair" in notes


def test_a_series_in_doubt_at_the_last_look_stays_suspected() -> None:
    changes = {"noisy": DOUBTFUL}
    look = confirm.judge(*_sides(changes, 4), SETTINGS, Policy(), PLAN)
    for rounds in (8, 12):
        assert look.doubtful == ("noisy",)
        look = confirm.judge(*_sides(changes, rounds), SETTINGS, Policy(), PLAN, look)
    assert (look.last, look.next_rounds, look.doubtful) == (True, 0, ("noisy",))
    assert _verdicts(look) == {"noisy": Verdict.SUSPECTED}
    notes = confirm.finished(look).notes
    assert "confirm: 1 series still in doubt after 12 rounds (the last look) stays suspected" in notes
    assert "confirmed: 1 series got 8 more rounds (looks at 4/8/12, Pocock spending): noisy" in notes


def test_the_first_look_fails_only_below_its_threshold_not_at_q() -> None:
    # Ten rounds, two of them within the allowance: p = 0.032 < q, a regression in a plain run; the first look of
    # 10/20/30 may spend only part of q (Pocock's threshold there: 0.0226), so it asks for more rounds instead.
    plan = sequential.plan((10, 20, 30), SETTINGS.fdr)
    changes = {"a": [0.05, 0.06, 0.04, 0.07, 0.055, 0.01, 0.065, -0.02, 0.052, 0.045]}
    (plain,) = evaluate_paired(*_sides(changes, 10), SETTINGS).comparisons
    look = confirm.judge(*_sides(changes, 10), SETTINGS, Policy(), plan)
    assert plain.q_value is not None and plan.thresholds[0] < plain.q_value <= SETTINGS.fdr
    assert plain.verdict is Verdict.REGRESSION
    assert (_verdicts(look), look.doubtful) == ({"a": Verdict.SUSPECTED}, ("a",))


def test_a_look_must_be_the_plans_next() -> None:
    with pytest.raises(ValueError, match="6 rounds is not the next look of"):
        confirm.judge(*_sides({"x": STEADY}, 6), SETTINGS, Policy(), PLAN)
    first = confirm.judge(*_sides({"x": STEADY}, 4), SETTINGS, Policy(), PLAN)
    with pytest.raises(ValueError, match="12 rounds is not the next look"):
        confirm.judge(*_sides({"x": STEADY}, 12), SETTINGS, Policy(), PLAN, first)


def test_spending_keeps_false_alarms_at_the_boundary_near_q_where_until_red_does_not() -> None:
    """A change of exactly δ, rounds spread 3 %: the plan's looks against the same looks each at q."""
    rng = np.random.default_rng(7)
    plan = sequential.plan((6, 12, 18), SETTINGS.fdr)
    until_red = replace(plan, thresholds=(SETTINGS.fdr,) * 3)
    failed = {"spent": 0, "until red": 0}
    jobs = 200
    for _ in range(jobs):
        changes = {"x": list(np.expm1(np.log1p(0.02) + rng.normal(0, 0.03, 18)))}
        for name, design in (("spent", plan), ("until red", until_red)):
            look = confirm.judge(*_sides(changes, 6), SETTINGS, Policy(), design)
            while look.doubtful and not look.last:
                look = confirm.judge(*_sides(changes, look.rounds + 6), SETTINGS, Policy(), design, look)
            failed[name] += _verdicts(look)["x"] is Verdict.REGRESSION
    assert failed["spent"] / jobs <= 0.08  # q = 0.05, give or take two standard errors of 200 jobs
    assert failed["until red"] > failed["spent"] + 4
