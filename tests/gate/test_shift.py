"""The shift test: worse by more than the allowance, and, when the baseline ran in other CI jobs, by more than the
run-to-run spread of main; weak evidence of a large change is suspected, not failed."""

from __future__ import annotations

import math

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Settings, Verdict

from ..builders import sampled, side


def test_weak_evidence_of_a_large_change_is_suspected_not_failed() -> None:
    base = sampled("t", [1.0, 1.3, 0.8, 1.1, 0.9])
    head = sampled("t", [1.2, 1.0, 1.4, 0.95, 1.3])
    comparison = evaluate(side((base,)), side((head,)), Settings()).comparisons[0]
    assert comparison.verdict is Verdict.SUSPECTED
    assert "not for certain: the samples vary too much" in comparison.reason


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
    assert "not for certain: CI runs of main differ by ±" in other_jobs.comparisons[0].reason


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
