"""Trusted from the first run: real A/A reruns with 1-4 recorded main runs fail nothing.

The five files are real pytest-benchmark runs of the same code on a busy shared machine (tests/data/aa-reruns,
PROVENANCE.txt): their medians differ by up to 40 % between runs, which the pooled samples alone call a
regression in 7 of these 20 comparisons.
"""

from __future__ import annotations

import pytest

from perfgate import formats
from perfgate.formats.build import summarised
from perfgate.gate.evaluate import evaluate
from perfgate.gate.pooling import Side
from perfgate.gate.report import Settings, Verdict
from perfgate.model import ParsedResults, RunRef

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

    def side(runs: list[ParsedResults]) -> Side:
        return Side(tuple(RunRef(r.source) for r in runs), tuple(r.series for r in runs))

    failed = sum(
        evaluate(side([r for j, r in enumerate(results) if j != c][:k]), side([results[c]]), Settings()).failed
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


def test_summary_only_files_from_one_job_still_need_more_runs() -> None:
    report = evaluate(_summary_side(100.0), _summary_side(170.0), Settings())
    assert report.comparisons[0].verdict is Verdict.INSUFFICIENT_DATA


def test_error_rates_are_not_judged_by_run_medians() -> None:
    """1 % of errors in one run and 1.3 % in the next is ordinary: a log-scale run test would call it +30 %."""

    def side(rate: float) -> Side:
        series = summarised("POST /orders", "error_rate", "ratio", count=2000, errors=int(rate * 2000), mean=rate)
        return Side((RunRef("r"),), ((series,),))

    comparison = evaluate(side(0.010), side(0.013), Settings(between_runs=True)).comparisons[0]
    assert comparison.verdict is Verdict.UNCHANGED and comparison.test == "counts"  # counted, not run medians
