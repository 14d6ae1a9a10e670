"""Short histories, trusted from the first run: real A/A reruns with 1-4 recorded main runs fail nothing, and
with the run-to-run prior a large regression still fails from one recorded run.

The five files are real pytest-benchmark runs of the same code on a busy shared machine (tests/data/aa-reruns,
PROVENANCE.txt): their medians differ by up to 40 % between runs, which the pooled samples alone call a
regression in 7 of these 20 comparisons.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from perfgate import formats
from perfgate.formats.build import summarised
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Verdict
from perfgate.gate.settings import Settings
from perfgate.model import ParsedResults, RunRef

from ..builders import sampled, side
from ..conftest import DATA, Invoke

RUNS = [DATA / "aa-reruns" / f"pytest-benchmark-run{i}.json.gz" for i in range(1, 6)]


@pytest.mark.parametrize("candidate", range(5))
def test_real_reruns_of_unchanged_code_never_fail_with_a_short_history(run_cli: Invoke, candidate: int) -> None:
    others = [run for i, run in enumerate(RUNS) if i != candidate]
    for k, run in enumerate(others, 1):
        ingested = run_cli("ingest", str(run), "--branch", "main", "--commit", f"c{k}", "--key", f"aa-{k}")
        assert ingested.exit_code == 0, ingested.output
        result = run_cli("compare", str(RUNS[candidate]), "--against", "main", "--baseline-runs", str(k))
        assert result.exit_code == 0, f"{k} baseline run(s):\n{result.output}"
        assert "short history" in result.output or k >= 5


def test_the_same_reruns_did_fail_on_the_pooled_samples_alone() -> None:
    """The check above can fail: without the run-to-run term these comparisons are false alarms."""
    results = [formats.read(str(path)) for path in RUNS]

    def side_of(runs: list[ParsedResults]) -> Side:
        return Side(tuple(RunRef(r.source) for r in runs), tuple(r.series for r in runs))

    failed = sum(
        evaluate(side_of([r for j, r in enumerate(results) if j != c][:k]), side_of([results[c]]), Settings()).failed
        for c in range(5)
        for k in range(1, 5)
    )
    assert failed >= 3


def _summary_side(*medians_ms: float) -> Side:
    runs = tuple((summarised("POST /orders", "latency", "ms", count=500, median=m, p95=m * 2),) for m in medians_ms)
    return Side(tuple(RunRef(f"r{i}") for i in range(len(runs))), runs)


@pytest.mark.parametrize(
    ("history", "candidate", "verdict"),
    [
        ((100.0,), 170.0, Verdict.REGRESSION),  # one recorded summary: a large change fails
        ((100.0,), 103.0, Verdict.UNCHANGED),
        ((100.0, 104.0, 97.0), 125.0, Verdict.REGRESSION),
        ((100.0, 104.0, 97.0), 60.0, Verdict.IMPROVEMENT),
    ],
)
def test_summary_only_results_are_compared_with_history_by_run_medians(
    history: tuple[float, ...], candidate: float, verdict: Verdict
) -> None:
    report = evaluate(_summary_side(*history), _summary_side(candidate), Settings(between_runs=True))
    comparison = report.comparisons[0]
    assert comparison.verdict is verdict, comparison.reason
    assert comparison.test == "run-medians"


def test_summary_only_files_from_one_job_are_one_run_a_side() -> None:
    """Judged as one recorded run of history is (gate/summaries): +70 % fails, +3 % is too little to tell."""
    assert evaluate(_summary_side(100.0), _summary_side(170.0), Settings()).comparisons[0].verdict is (
        Verdict.REGRESSION
    )
    report = evaluate(_summary_side(100.0), _summary_side(103.0), Settings())
    assert report.comparisons[0].verdict is Verdict.INSUFFICIENT_DATA


def test_a_short_history_is_said_and_uses_the_run_noise_prior() -> None:
    rng = np.random.default_rng(9)
    runs = tuple((sampled("t", rng.lognormal(0, 0.01, 20)),) for _ in range(2))
    report = evaluate(side(*runs), side(runs[0]), Settings(between_runs=True))
    assert any("short history (2 baseline runs)" in note and "5%" in note for note in report.notes)


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
    assert evaluate(side(*runs), side(head), Settings()).comparisons[0].verdict is Verdict.REGRESSION  # samples
    verdict = evaluate(side(*runs), side(head), Settings(between_runs=True)).comparisons[0].verdict
    assert (verdict is Verdict.REGRESSION) == fails
