"""Error rates are compared from counts, without a budget: a pull request that makes an endpoint fail far more
often fails the gate; ordinary noise, bursts and a handful of new errors do not."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from perfgate.formats.build import summarised
from perfgate.gate.evaluate import evaluate
from perfgate.gate.policy import Policy, limit_judges
from perfgate.gate.pooling import Side
from perfgate.gate.report import Settings, Verdict
from perfgate.gate.rules import Budget, Limit
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


def test_config_check_shows_which_part_of_a_budget_judges_each_endpoint_series(run_cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text(
        '[[budget]]\nmatch = "POST /api/orders"\np95 = "< 200ms"\nerror_rate = "< 2%"\nmax_error_increase = "0.5%"\n'
    )
    result = run_cli("config", "check", "--results", str(RUNS / "pr_stats.csv"))
    assert result.exit_code == 0, result.output
    lines = {line.split("  ")[0]: line for line in result.output.splitlines()}
    assert "p95 < 200ms, max_regression 5%" in lines["POST /api/orders (latency)"]
    assert "error_rate < 2%, max_error_increase 0.5% (points)" in lines["POST /api/orders (error_rate)"]
    assert (
        "p95" not in lines["POST /api/orders (error_rate)"]
        and "error_rate <" not in lines["POST /api/orders (latency)"]
    )
    assert "no budget; max_error_increase 1% (points)" in lines["Aggregated (error_rate)"]


def test_an_error_rate_budget_judges_an_endpoint_once_as_config_check_says(run_cli: Invoke, tmp_path: Path) -> None:
    """The orders endpoint's latency series also carries its error counts: the limit is judged on the error-rate
    series only, so one endpoint over its error budget is one failure, as `config check` shows."""
    (tmp_path / "perfgate.toml").write_text('[[budget]]\nmatch = "POST /api/orders"\nerror_rate = "< 2%"\n')
    result = run_cli("compare", str(RUNS / "main-1_stats.csv"), str(RUNS / "pr_stats.csv"), "--output-format", "json")
    report = json.loads(result.output)
    checked = [
        (s["metric"], b["status"]) for s in report["series"] if s["name"] == "POST /api/orders" for b in s["budget"]
    ]
    assert checked == [("error_rate", "exceeded")]


def test_an_error_rate_budget_still_judges_failed_command_runs_without_an_error_series() -> None:
    """hyperfine's failed runs are error counts on the time series itself: there the limit applies."""
    limit = Limit("error_rate", "<", 0.01, "ratio", "< 1%")
    assert limit_judges(limit, "time", has_rate_series=False)
    assert not limit_judges(limit, "latency", has_rate_series=True)
    assert limit_judges(limit, "error_rate", has_rate_series=True)
