"""The shift test: worse by more than the allowance, and, when the baseline ran in other CI jobs, by more than the
run-to-run spread of main; weak evidence of a large change is suspected, not failed."""

from __future__ import annotations

import math

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Verdict
from perfgate.gate.settings import Settings
from perfgate.gate.shift import SUSPECT_Q

from ..builders import sampled, side


def test_weak_evidence_of_a_large_change_is_suspected_not_failed() -> None:
    base = sampled("t", [1.0, 1.3, 0.8, 1.1, 0.9])
    head = sampled("t", [1.25, 1.1, 1.45, 1.3, 1.35])  # +30 %, p = 0.075
    comparison = evaluate(side((base,)), side((head,)), Settings()).comparisons[0]
    assert comparison.verdict is Verdict.SUSPECTED
    assert "not for certain: the samples vary too much" in comparison.reason


def test_an_estimate_beyond_the_allowance_that_chance_gives_often_is_said_not_warned() -> None:
    # +18 % with p = 0.21: beyond the allowance in its estimate only; q > SUSPECT_Q is no warning, and the
    # reason does not call it within the allowance.
    base = sampled("t", [1.0, 1.3, 0.8, 1.1, 0.9])
    head = sampled("t", [1.2, 1.0, 1.4, 0.95, 1.3])
    comparison = evaluate(side((base,)), side((head,)), Settings()).comparisons[0]
    assert comparison.verdict is Verdict.UNCHANGED
    assert comparison.q_value is not None and comparison.q_value > SUSPECT_Q
    assert "+18.2% [-7.7%, +44.4%] is not shown beyond the 5% allowed: noise alone" in comparison.reason
    assert "within" not in comparison.reason


def test_run_to_run_noise_stops_a_runner_shift_from_failing() -> None:
    # Five baseline runs whose medians wander by ~4 %, and a candidate run 12 % slower than their mean:
    # within-run samples alone call it a regression; the runs' own spread says it is not shown.
    rng = np.random.default_rng(7)
    offsets = [1.00, 1.05, 0.97, 1.04, 0.95]
    runs = tuple((sampled("t", rng.lognormal(math.log(o), 0.005, 20)),) for o in offsets)
    head = (sampled("t", rng.lognormal(math.log(1.12), 0.005, 20)),)
    same_job = evaluate(side(*runs), side(head), Settings())
    other_jobs = evaluate(side(*runs), side(head), Settings(between_runs=True))
    assert same_job.comparisons[0].verdict is Verdict.REGRESSION
    assert other_jobs.comparisons[0].verdict is not Verdict.REGRESSION
    assert "p from run-to-run noise of ±4.6%" in other_jobs.comparisons[0].reason


def test_a_real_step_still_fails_with_the_noise_term() -> None:
    rng = np.random.default_rng(8)
    runs = tuple((sampled("t", rng.lognormal(math.log(o), 0.005, 20)),) for o in [1.0, 1.01, 0.99, 1.005, 0.995])
    head = (sampled("t", rng.lognormal(math.log(1.25), 0.005, 20)),)
    report = evaluate(side(*runs), side(head), Settings(between_runs=True))
    assert report.comparisons[0].verdict is Verdict.REGRESSION


def test_identical_baseline_run_medians_still_leave_run_noise() -> None:
    runs = tuple((sampled("t", [1.0] * 20),) for _ in range(3))
    head = (sampled("t", [1.08] * 20),)
    comparison = evaluate(side(*runs), side(head), Settings(between_runs=True)).comparisons[0]
    assert comparison.verdict is not Verdict.REGRESSION  # three equal medians do not prove runners never differ
