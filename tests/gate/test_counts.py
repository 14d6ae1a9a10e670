"""Error rates are compared from counts, without a budget: a pull request that makes an endpoint fail far more
often fails the gate; ordinary noise, bursts and a handful of new errors do not."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from perfgate.formats.build import summarised
from perfgate.gate.evaluate import evaluate
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Side
from perfgate.gate.report import Verdict
from perfgate.gate.rules import Budget
from perfgate.gate.settings import Settings
from perfgate.model import Direction, RunRef, Series

from ..conftest import DATA, Invoke, check_golden


def _rate(errors: int, total: int, metric: str = "error_rate") -> Series:
    if metric == "pass_rate":
        rate = 1 - errors / total
        return summarised("order accepted", metric, "ratio", count=total, errors=errors, mean=rate,
                          direction=Direction.HIGHER_IS_BETTER)  # fmt: skip
    return summarised("POST /api/orders", metric, "ratio", count=total, errors=errors, mean=errors / total)


def _side(*runs: Series) -> Side:
    return Side(tuple(RunRef(f"r{i}") for i in range(len(runs))), tuple((run,) for run in runs))


def _verdict(base: list[tuple[int, int]], cand: tuple[int, int], policy: Policy | None = None) -> Verdict:
    report = evaluate(_side(*(_rate(*b) for b in base)), _side(_rate(*cand)), Settings(), policy or Policy())
    comparison = report.comparisons[0]
    assert comparison.test == "counts"
    return comparison.verdict


@pytest.mark.parametrize(
    ("base", "cand", "expected"),
    [
        ([(5, 500)], (40, 500), Verdict.REGRESSION),  # 1 % -> 8 % of 500: the case a gate exists for
        ([(50, 5000)], (400, 5000), Verdict.REGRESSION),
        ([(5, 500)], (7, 500), Verdict.UNCHANGED),  # 1 % -> 1.4 %: ordinary
        ([(50, 5000)], (60, 5000), Verdict.UNCHANGED),
        ([(0, 5000)], (12, 5000), Verdict.REGRESSION),  # errors where there were none, not chance
        ([(0, 5000)], (1, 5000), Verdict.UNCHANGED),  # one error could be chance
        ([(400, 5000)] * 5, (50, 5000), Verdict.IMPROVEMENT),  # steady 8 % on main, 1 % now
    ],
)
def test_error_rates_are_tested_from_counts(
    base: list[tuple[int, int]], cand: tuple[int, int], expected: Verdict
) -> None:
    assert _verdict(base, cand) is expected


def test_bursts_in_the_baseline_runs_widen_the_noise() -> None:
    """Three runs of the same code: 0 %, 5 %, 0 % errors. A run at 6 % is within what main itself does;
    after three steady runs at 1.7 % it is not."""
    bursty = [(0, 1000), (50, 1000), (0, 1000)]
    steady = [(17, 1000), (17, 1000), (16, 1000)]
    assert _verdict(bursty, (60, 1000)) is not Verdict.REGRESSION
    assert _verdict(steady, (60, 1000)) is Verdict.REGRESSION  # same totals, no bursts: the increase is real


def test_the_allowance_is_set_per_budget() -> None:
    lenient = Policy(budgets=(Budget("POST /api/orders", max_error_increase=0.05),))
    assert _verdict([(5, 500)], (25, 500)) is Verdict.REGRESSION
    assert _verdict([(5, 500)], (25, 500), lenient) is Verdict.UNCHANGED


def test_failed_checks_are_a_pass_rate_falling() -> None:
    report = evaluate(_side(_rate(5, 500, "pass_rate")), _side(_rate(60, 500, "pass_rate")), Settings())
    comparison = report.comparisons[0]
    assert comparison.verdict is Verdict.REGRESSION and "failed checks 1.00% → 12.00%" in comparison.reason


def test_error_rates_are_not_judged_by_run_medians() -> None:
    """1 % of errors in one run and 1.3 % in the next is ordinary: a log-scale run test would call it +30 %."""

    def side(rate: float) -> Side:
        series = summarised("POST /orders", "error_rate", "ratio", count=2000, errors=int(rate * 2000), mean=rate)
        return Side((RunRef("r"),), ((series,),))

    comparison = evaluate(side(0.010), side(0.013), Settings(between_runs=True)).comparisons[0]
    assert comparison.verdict is Verdict.UNCHANGED and comparison.test == "counts"  # counted, not run medians


def _with_failures(source: Path, target: Path, name: str, failures: int) -> None:
    rows = list(csv.reader(io.StringIO(source.read_text())))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("Name")] == name:
            row[header.index("Failure Count")] = str(failures)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    target.write_text(out.getvalue())


def test_a_locust_run_whose_orders_fail_ten_times_more_fails_the_gate(run_cli: Invoke, tmp_path: Path) -> None:
    """Real Locust stats; POST /api/orders: 191 requests, 2 failed on main, 19 in the pull request."""
    real = DATA / "locust" / "example_stats.csv"
    _with_failures(real, tmp_path / "main_stats.csv", "/api/orders", 2)
    _with_failures(real, tmp_path / "pr_stats.csv", "/api/orders", 19)
    result = run_cli("compare", str(tmp_path / "main_stats.csv"), str(tmp_path / "pr_stats.csv"))
    assert result.exit_code == 1, result.output
    assert "POST /api/orders" in result.output and "errors 1.05% → 9.95%" in result.output
    same = run_cli("compare", str(tmp_path / "main_stats.csv"), str(tmp_path / "main_stats.csv"))
    assert same.exit_code == 0, same.output


RUNS = DATA / "locust-runs"


def test_real_locust_runs_of_the_same_server_pass(run_cli: Invoke) -> None:
    result = run_cli("compare", str(RUNS / "main-1_stats.csv"), str(RUNS / "main-2_stats.csv"))
    assert result.exit_code == 0, result.output


def test_real_locust_runs_catch_the_order_errors_and_the_slower_search(run_cli: Invoke, update_golden: bool) -> None:
    result = run_cli("compare", str(RUNS / "main-1_stats.csv"), str(RUNS / "pr_stats.csv"))
    assert result.exit_code == 1
    assert "FAIL: 3 regressions (POST /api/orders, GET /api/search, Aggregated)" in result.output
    check_golden("locust-runs.txt", result.output.replace(str(RUNS), "RUNS"), update_golden)


_RATE = r"(\d+(?:\.\d+)?)%"
_PP = r"([+-]\d+\.\d\d) pp"


@pytest.mark.parametrize("base", [["main-1"], ["main-1", "main-2"]], ids=["one run", "two runs pooled"])
def test_an_error_rate_is_one_number_in_the_cell_the_reason_and_the_json(
    run_cli: Invoke, tmp_path: Path, base: list[str]
) -> None:
    """The rendered comment's errors cell, its reason, the terminal's cell and footnote and the JSON report all
    give the rate as errors over requests pooled over the runs, rounded alike (two runs of main once showed
    '0% → 9.91% +9.11 pp' in the cell, the windows' median, beside '0.82% → 9.91% (+9.09 pp)' in the reason)."""
    args = [arg for run in base for arg in ("--base", str(RUNS / f"{run}_stats.csv"))]
    args += ["--head", str(RUNS / "pr_stats.csv")]
    text = run_cli("compare", *args)
    assert text.exit_code == 1, text.output
    run_cli("compare", *args, "--output-format", "markdown", "-o", str(tmp_path / "report.md"))
    run_cli("compare", *args, "--output-format", "json", "-o", str(tmp_path / "report.json"))
    markdown = (tmp_path / "report.md").read_text()
    doc = json.loads((tmp_path / "report.json").read_text())
    series = {s["name"]: s for s in doc["series"] if s["metric"] == "error_rate"}
    checked = 0
    for name in ("POST /api/orders", "Aggregated"):
        row = next(line for line in markdown.splitlines() if line.startswith(f"| **{name}** |"))
        errors_cell = row.split(" | ")[3]
        cell = re.fullmatch(f"{_RATE} → {_RATE}<br>{_PP}", errors_cell)
        reason = re.search(f"errors {_RATE} → {_RATE} \\({_PP}\\)", row)
        terminal = next(line for line in text.output.splitlines() if line.startswith(name))
        terminal_cell = re.search(f"{_RATE} → {_RATE} {_PP}", terminal)
        footnote = re.search(f"{re.escape(name)}, errors: .*errors {_RATE} → {_RATE} \\({_PP}\\)", text.output)
        assert cell and reason and terminal_cell and footnote, (errors_cell, row, terminal)
        assert cell.groups() == reason.groups() == terminal_cell.groups() == footnote.groups()
        error_rate = series[name]
        pooled = [error_rate[side] for side in ("baseline", "candidate")]
        assert (
            [s["errors"] / s["count"] for s in pooled] == [s["mean"] for s in pooled] == [s["median"] for s in pooled]
        )
        assert [f"{s['mean'] * 100:.2f}" for s in pooled] == list(cell.groups()[:2])
        assert error_rate["n_baseline"] == pooled[0]["count"]
        checked += 1
    assert checked == 2
