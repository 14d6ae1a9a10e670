"""The policy: what budgets and waivers say about a series. Limits judged with their confidence bound (exceeded,
at risk, ok), a budget's own allowance, which limits judge which series, and waivers active or expired."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from perfgate.gate.evaluate import evaluate
from perfgate.gate.policy import Policy, check_limit, limit_judges
from perfgate.gate.pooling import Side
from perfgate.gate.report import Verdict
from perfgate.gate.rules import Acceptance, Budget, Limit, Waiver
from perfgate.gate.settings import Settings
from perfgate.model import Direction, SampleKind, Series, Summary

from ..builders import latency, sampled, side
from ..conftest import DATA, Invoke

TODAY = date(2026, 11, 23)
RUNS = DATA / "locust-runs"


def _budget(match: str, *limits: Limit, max_regression: float | None = None) -> Budget:
    return Budget(match, limits, max_regression, line=3)


P95_120MS = Limit("p95", "<", 0.120, "s", "< 120ms")


def test_clearly_over_budget_fails() -> None:
    series = latency("GET /api/search", 0.150)
    report = evaluate(side((series,)), side((series,)), Settings(), Policy((_budget("GET *", P95_120MS),), (), TODAY))
    (c,) = report.comparisons
    assert c.verdict is Verdict.BUDGET_EXCEEDED and report.failed
    assert c.reason.startswith("p95 ") and "breaks the budget < 120ms" in c.reason
    assert c.budget[0].status == "exceeded" and c.budget[0].bound is not None and c.budget[0].bound > 0.120


def test_point_past_the_limit_with_a_straddling_bound_is_at_risk() -> None:
    # p95 just past 120 ms on few samples: the lower bound is still under the limit.
    series = sampled("GET /x", [0.100, 0.102, 0.104, 0.106, 0.108, 0.110, 0.112, 0.114, 0.119, 0.125])
    check = check_limit(P95_120MS, series, series.samples, series.summary)
    assert check is not None and check.status == "at-risk"
    report = evaluate(side((series,)), side((series,)), Settings(), Policy((_budget("*", P95_120MS),), (), TODAY))
    assert report.comparisons[0].verdict is Verdict.AT_RISK and not report.failed


def test_within_budget_is_not_mentioned_as_a_problem() -> None:
    series = latency("GET /fast", 0.050)
    report = evaluate(side((series,)), side((series,)), Settings(), Policy((_budget("*", P95_120MS),), (), TODAY))
    c = report.comparisons[0]
    assert c.verdict is Verdict.UNCHANGED and c.budget[0].status == "ok"


def test_error_rate_budget_from_error_counts() -> None:
    summary = Summary(count=10_000, median=0.05, errors=250)  # 2.5 % errors
    series = Series("POST /orders", "latency", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, summary)
    limit = Limit("error_rate", "<", 0.01, "ratio", "< 1%")
    check = check_limit(limit, series, series.values(), summary)
    assert check is not None and check.status == "exceeded"
    assert check.bound is not None and 0.02 < check.bound < 0.025


def test_throughput_budget_applies_only_to_rates() -> None:
    limit = Limit("throughput", ">", 500.0, "1/s", "> 500/s")
    rps = sampled("api", [400.0, 410.0, 395.0, 405.0, 398.0, 402.0], Direction.HIGHER_IS_BETTER, "throughput", "1/s")
    check = check_limit(limit, rps, rps.samples, rps.summary)
    assert check is not None and check.status == "exceeded"
    timed = latency("api", 0.01)
    assert check_limit(limit, timed, timed.samples, timed.summary) is None


def test_summary_only_values_are_taken_as_exact() -> None:
    summary = Summary(count=1, median=0.2, p95=0.3)
    series = Series("GET /slow", "latency", "s", Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, summary)
    check = check_limit(P95_120MS, series, series.values(), summary)
    assert check is not None and check.status == "exceeded" and "from the tool's summary" in check.reason
    missing = check_limit(Limit("p99", "<", 1.0, "s", "< 1s"), series, series.values(), summary)
    assert missing is not None and missing.status == "unknown"


def test_budget_max_regression_overrides_delta() -> None:
    base = latency("GET /api/search", 0.100, seed=3, cv=0.01)
    head = latency("GET /api/search", 0.104, seed=4, cv=0.01)  # +4 %: fine under 5 %, not under 3 %
    loose = evaluate(side((base,)), side((head,)), Settings())
    strict = evaluate(
        side((base,)), side((head,)), Settings(), Policy((_budget("GET *", max_regression=0.03),), (), TODAY)
    )
    assert loose.comparisons[0].verdict is not Verdict.REGRESSION
    assert strict.comparisons[0].verdict is Verdict.REGRESSION
    assert "the 3% allowed" in strict.comparisons[0].reason


# --- waivers ----------------------------------------------------------------------------------------------


def test_active_waiver_waives_and_expired_waiver_is_reported() -> None:
    base = latency("test_parse_json", 0.010, seed=5, cv=0.01)
    head = latency("test_parse_json", 0.013, seed=6, cv=0.01)
    waiver = Waiver("test_parse*", date(2026, 12, 31), "new validator; tracked in #123", line=9)
    active = evaluate(side((base,)), side((head,)), Settings(), Policy((), (waiver,), TODAY))
    c = active.comparisons[0]
    assert c.verdict is Verdict.WAIVED and not active.failed
    assert c.reason.startswith("regression waived until 2026-12-31 (new validator; tracked in #123): +30")
    expired = evaluate(side((base,)), side((head,)), Settings(), Policy((), (waiver,), date(2027, 1, 2)))
    assert expired.comparisons[0].verdict is Verdict.REGRESSION and expired.failed
    assert any("expired on 2026-12-31" in note for note in expired.notes)


# --- staged rollout: mode = "warn" and the accept label ----------------------------------------------------

ACCEPTED = Acceptance("perfgate: accept", "alice", datetime(2026, 12, 3, 7, 12, tzinfo=UTC))


def _regressed(*names: str) -> tuple[Side, Side]:
    """Each name 30 % slower in the candidate, plus one unchanged series."""
    base = tuple(latency(n, 0.010, seed=5 + i, cv=0.01) for i, n in enumerate(names))
    head = tuple(latency(n, 0.013, seed=50 + i, cv=0.01) for i, n in enumerate(names))
    same = latency("test_same", 0.010, seed=3, cv=0.01)
    return side((*base, same)), side((*head, latency("test_same", 0.010, seed=4, cv=0.01)))


def test_a_warn_only_series_is_judged_shown_and_never_fails() -> None:
    base, head = _regressed("test_parse")
    report = evaluate(base, head, Settings(), Policy((), (), TODAY, mode="warn"))
    c = report.comparisons[0]
    assert c.verdict is Verdict.REGRESSION and c.warn_only and not c.fails  # still called what it is
    assert c.reason.startswith('warn-only (mode = "warn": does not fail the check): +')
    assert not report.failed and report.warned and report.warn_only == (c,)
    assert report.count(Verdict.REGRESSION) == 1 and report.count(Verdict.REGRESSION, failing=True) == 0
    assert not report.comparisons[1].warn_only  # an unchanged series is not marked


def test_a_budget_mode_overrides_the_global_one_both_ways() -> None:
    base, head = _regressed("test_parse", "test_render")
    blocking = (Budget("test_parse", mode="block"),)
    report = evaluate(base, head, Settings(), Policy(blocking, (), TODAY, mode="warn"))
    parse, render = report.comparisons[:2]
    assert parse.fails and not parse.warn_only and render.warn_only and report.failed
    # Everything blocks but one budget, whose exceeded limit warns only.
    warned = (Budget("test_render", (Limit("median", "<", 0.011, "s", "< 11ms"),), mode="warn"),)
    report = evaluate(base, head, Settings(), Policy(warned, (), TODAY))
    parse, render = report.comparisons[:2]
    assert parse.fails and render.verdict is Verdict.BUDGET_EXCEEDED and render.warn_only and not render.fails


def test_the_accept_label_waives_every_failing_verdict_and_says_who_and_when() -> None:
    base, head = _regressed("test_parse", "test_render")
    report = evaluate(
        base, head, Settings(), Policy((Budget("test_render", mode="warn"),), (), TODAY, accepted=ACCEPTED)
    )
    parse, render, same = report.comparisons
    for c in (parse, render):  # blocking or warn-only: both waived
        assert c.verdict is Verdict.WAIVED and c.waived_by == "label" and not c.warn_only
        assert c.reason.startswith(
            "regression waived by the label 'perfgate: accept' (added by @alice on 2026-12-03 07:12 UTC): +"
        )
    assert same.verdict is Verdict.UNCHANGED and same.waived_by is None  # nothing to waive
    assert not report.failed and not report.warned and report.label_waived == (parse, render)
    # Without the label (removed), the same results fail again.
    again = evaluate(base, head, Settings(), Policy((Budget("test_render", mode="warn"),), (), TODAY))
    assert again.failed and again.comparisons[0].verdict is Verdict.REGRESSION


def test_a_repository_waiver_comes_before_the_label_and_the_label_leaves_warnings_alone() -> None:
    base, head = _regressed("test_parse")
    waiver = Waiver("test_parse", date(2026, 12, 31), "tracked in #9", line=4)
    c = evaluate(base, head, Settings(), Policy((), (waiver,), TODAY, accepted=ACCEPTED)).comparisons[0]
    assert c.verdict is Verdict.WAIVED and c.waived_by == "waiver" and "tracked in #9" in c.reason
    series = sampled("GET /x", [0.100, 0.102, 0.104, 0.106, 0.108, 0.110, 0.112, 0.114, 0.119, 0.125])
    at_risk = evaluate(
        side((series,)), side((series,)), Settings(), Policy((_budget("*", P95_120MS),), (), TODAY, accepted=ACCEPTED)
    )
    assert at_risk.comparisons[0].verdict is Verdict.AT_RISK and at_risk.comparisons[0].waived_by is None
    unknown = Acceptance("ok to merge")  # GitHub could not say who added it
    c = evaluate(base, head, Settings(), Policy((), (), TODAY, accepted=unknown)).comparisons[0]
    assert c.verdict is Verdict.WAIVED and c.reason.startswith("regression waived by the label 'ok to merge': +")


# --- which limits of a budget judge which series ----------------------------------------------------------


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


def test_headroom_is_the_share_of_the_limit_still_free() -> None:
    below = Limit("p95", "<", 0.120, "s", "< 120ms")
    above = Limit("throughput", ">", 500.0, "1/s", "> 500/s")
    assert below.headroom(0.108) == pytest.approx(0.10) and below.headroom(0.132) == pytest.approx(-0.10)
    assert above.headroom(550.0) == pytest.approx(0.10) and above.headroom(450.0) == pytest.approx(-0.10)
    assert math.isnan(Limit("errors", "<", 0.0, "", "< 0").headroom(0.0))
