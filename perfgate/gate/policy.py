"""The policy: what the repository's budgets and waivers say about one series. The one place that answers
"how much may this series regress?", "which limits judge it?", "is it within them?", "is it waived?" and "does
it block?" — for the gate, the digest, the site and `perfgate config check` alike.

Waived, in this order: by a ``[[waiver]]`` in the repository (until its date), then by the pull request's accept
label. A failing verdict that neither waives is warn-only when its series' mode is "warn" (its budget's, else the
[perfgate] mode): shown as it is, it does not fail the check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np

from perfgate import stats
from perfgate.gate.report import FAILING, SEVERITY, WARNING, BudgetCheck, Comparison, Verdict, WithinRunDrift
from perfgate.gate.rules import Acceptance, Budget, Limit, Mode, Resolved, Terms, Waiver, first_match
from perfgate.gate.settings import Settings
from perfgate.model import FloatArray, SampleKind, Series, Summary, as_samples
from perfgate.units import PER_SECOND, RATIO, format_value

BUDGET_LEVEL = 0.95
# Rates counted over requests: their run-to-run spread is not a few percent of the rate (1 % of errors may be
# 3 % in the next run of the same code), so they are not judged by run medians on the log scale.
COUNTED_RATES = frozenset({"error_rate", "pass_rate"})
_QUANTILES = {"p50": 0.5, "median": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}

Allowance = Literal["max_regression", "max_error_increase", "max_error_ratio"]


@dataclass(frozen=True)
class Policy:
    """What the repository's perfgate.toml says about particular series."""

    budgets: tuple[Budget, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    today: date | None = None  # waivers expire; the caller knows the date
    mode: Mode = "block"  # the [perfgate] mode; a budget's own mode overrides it
    accepted: Acceptance | None = None  # the pull request's accept label: its failing verdicts are waived

    def mode_for(self, name: str) -> Mode:
        """Whether a failing verdict of this series blocks: its budget's mode, else the [perfgate] one."""
        budget = self.budget_for(name)
        return budget.mode if budget is not None and budget.mode is not None else self.mode

    def budget_for(self, name: str) -> Budget | None:
        """The first budget whose glob matches the series name."""
        return first_match(self.budgets, name)

    def waiver_for(self, name: str) -> Waiver | None:
        """The first waiver whose glob matches, expired or not."""
        return first_match(self.waivers, name)

    def allowance(self, name: str, settings: Settings, key: Allowance = "max_regression") -> float:
        """An allowance for the series of this name (δ by default): its budget's, else the settings'."""
        budget = self.budget_for(name)
        value: float | None = getattr(budget, key) if budget is not None else None
        return value if value is not None else float(getattr(settings, key))

    def limits_judging(self, name: str, metric: str, *, has_rate_series: bool) -> tuple[Limit, ...]:
        """The limits of the series' budget that judge a series of this metric."""
        budget = self.budget_for(name)
        if budget is None:
            return ()
        return tuple(limit for limit in budget.limits if limit_judges(limit, metric, has_rate_series=has_rate_series))

    def terms(self, budget: Budget, settings: Settings, metric: str | None = None, *, rated: bool = False) -> Terms:
        """The terms of ``budget`` for a series of ``metric`` (``rated``: its name has an error-rate series of its
        own); for no metric, every limit and allowance the budget holds."""
        counted = metric in COUNTED_RATES
        limits = tuple(
            limit for limit in budget.limits if metric is None or limit_judges(limit, metric, has_rate_series=rated)
        )
        regression = budget.max_regression if budget.max_regression is not None else settings.max_regression
        increase = budget.max_error_increase if budget.max_error_increase is not None else settings.max_error_increase
        ratio = budget.max_error_ratio if budget.max_error_ratio is not None else settings.max_error_ratio
        drifts = metric is None or metric in ("latency", "throughput", *COUNTED_RATES)
        return Terms(
            limits,
            regression if metric is None or not counted else None,
            increase if metric is None or counted else None,
            budget.max_drift if drifts else None,
            counted,
            ratio if metric is None or counted else None,
        )

    def resolve(self, name: str, metric: str, settings: Settings, *, rated: bool) -> Resolved:
        """The budget, waiver and terms of one series."""
        budget = self.budget_for(name)
        terms = self.terms(budget or Budget(""), settings, metric, rated=rated)
        return Resolved(name, metric, budget, self.waiver_for(name), terms, self.mode_for(name))

    def finish(
        self, comparison: Comparison, checks: tuple[BudgetCheck, ...], drift: WithinRunDrift | None, notes: list[str]
    ) -> Comparison:
        """Add the budget checks and the within-run drift, take the worst verdict, then apply a waiver.

        A note for an expired waiver is appended to ``notes``."""
        promotes = {"exceeded": Verdict.BUDGET_EXCEEDED, "at-risk": Verdict.AT_RISK}
        findings = [(promotes.get(check.status), check.reason) for check in checks if check.status != "ok"]
        if drift is not None and drift.status != "ok":
            findings.append((Verdict.BUDGET_EXCEEDED if drift.status == "exceeded" else Verdict.DRIFTING, drift.reason))
        verdict, reasons = comparison.verdict, [comparison.reason]
        for worse, why in findings:
            reasons.append(why)
            if worse is not None and SEVERITY.index(worse) < SEVERITY.index(verdict):
                verdict = worse
                reasons.insert(0, reasons.pop())  # the reason for the verdict comes first
        reason = "; ".join(reasons)
        waived_by: str | None = None
        waiver = self.waiver_for(comparison.name) if verdict in FAILING or verdict in WARNING else None
        if waiver is not None and self.today is not None:
            if waiver.active(self.today):
                if verdict in FAILING:
                    reason = f"{verdict.value} waived until {waiver.until:%Y-%m-%d} ({waiver.reason}): {reason}"
                    verdict, waived_by = Verdict.WAIVED, "waiver"
            else:
                notes.append(
                    f"the waiver for {waiver.match!r} (line {waiver.line}) expired on {waiver.until:%Y-%m-%d} "
                    "and no longer waives anything; remove it or extend it"
                )
                reason += f" (the waiver for {waiver.match!r} expired on {waiver.until:%Y-%m-%d})"
        warn_only = False
        if verdict in FAILING and self.accepted is not None:
            reason = f"{verdict.value} waived by {self.accepted.phrase()}: {reason}"
            verdict, waived_by = Verdict.WAIVED, "label"
        elif verdict in FAILING and self.mode_for(comparison.name) == "warn":
            warn_only = True
            reason = f'warn-only (mode = "warn": does not fail the check): {reason}'
        return replace(
            comparison,
            verdict=verdict,
            reason=reason,
            budget=checks,
            drift=drift,
            warn_only=warn_only,
            waived_by=waived_by,
        )

    def unmatched(self, names: set[str]) -> list[str]:
        """Notes for budgets and waivers whose glob fits none of ``names``."""
        found = []
        for kind, rules in (("budget", self.budgets), ("waiver", self.waivers)):
            for rule in rules:
                if names and not any(rule.applies_to(name) for name in names):
                    found.append(
                        f"{kind} match {rule.match!r} fits no series here: check the name (or the glob's * and ?)"
                    )
        return found


def limit_judges(limit: Limit, metric: str, *, has_rate_series: bool) -> bool:
    """Whether a budget's limit may judge a series of this metric (its unit is checked later): an error_rate
    limit judges the error-rate series of a name, or the error counts of another series when there is none
    (hyperfine's failed runs); throughput limits judge throughput; the others everything but rates."""
    if limit.statistic == "error_rate":
        return metric in COUNTED_RATES or (not has_rate_series and metric != "throughput")
    if limit.statistic == "throughput":
        return metric == "throughput"
    return metric not in COUNTED_RATES and metric != "throughput"


def check_limit(limit: Limit, series: Series, values: FloatArray, summary: Summary) -> BudgetCheck | None:
    """Judge one limit on a candidate series, or None when the limit is about another kind of metric."""
    bounds, source = _statistic(limit, series, values, summary)
    if source == "not-applicable":
        return None
    if bounds is None:
        return BudgetCheck(limit, "unknown", None, None, f"{limit.statistic} {limit.text} cannot be checked: {source}")
    # The bound that must clear the limit: the lower one for "<" limits, the upper one for ">" limits.
    bound = bounds.lower if limit.op == "<" else bounds.upper
    shown = format_value(bounds.estimate, limit.unit)
    level = f"{BUDGET_LEVEL:.0%} bound {format_value(bound, limit.unit)}" if math.isfinite(bound) else "no bound"
    where = f"{limit.statistic} {shown} ({level}{source})"
    if math.isfinite(bound) and limit.beyond(bound):
        return BudgetCheck(limit, "exceeded", bounds.estimate, bound, f"{where} breaks the budget {limit.text}")
    if limit.beyond(bounds.estimate):
        reason = f"{where} is past the budget {limit.text}, not yet surely"
        return BudgetCheck(limit, "at-risk", bounds.estimate, bound, reason)
    return BudgetCheck(limit, "ok", bounds.estimate, bound, f"{where} is within {limit.text}")


def summary_value(limit: Limit, series: Series) -> float:
    """A run's value of a budgeted statistic, read as the gate reads it from the run's summary (NaN if none):
    what the digest's headroom and charts show for each stored run."""
    summarised = replace(series, kind=SampleKind.SUMMARY_ONLY, samples=as_samples([]))
    check = check_limit(limit, summarised, as_samples([]), series.summary)
    return math.nan if check is None or check.estimate is None else check.estimate


def _statistic(limit: Limit, series: Series, values: FloatArray, summary: Summary) -> tuple[stats.Bounds | None, str]:
    statistic = limit.statistic
    if statistic == "error_rate":
        if summary.errors is not None and summary.count > 0:
            return stats.proportion_bounds(summary.errors, summary.count, BUDGET_LEVEL), ""
        if series.unit == RATIO and series.metric in ("error_rate", "errors"):
            return _sampled_or_summary(values, summary, series, "mean")
        return None, "not-applicable"
    if statistic == "throughput":
        if series.unit != PER_SECOND:
            return None, "not-applicable"
        return _sampled_or_summary(values, summary, series, "mean")
    if series.unit != limit.unit or series.metric == "throughput":
        return None, "not-applicable"
    return _sampled_or_summary(values, summary, series, statistic)


def _sampled_or_summary(
    values: FloatArray, summary: Summary, series: Series, statistic: str
) -> tuple[stats.Bounds | None, str]:
    if series.kind is not SampleKind.SUMMARY_ONLY and values.size >= 2:
        if statistic in _QUANTILES:
            return stats.quantile_bounds(values, _QUANTILES[statistic], BUDGET_LEVEL), ""
        if statistic == "mean":
            return stats.mean_bounds(values, BUDGET_LEVEL), ""
        observed = float(np.max(values))  # an observed maximum is a sure lower bound of the maximum
        return stats.Bounds(observed, observed, math.inf), ""
    value = getattr(summary, "median" if statistic in ("p50", "median") else statistic, None)
    if value is None:
        return None, f"the results give no {statistic} and no samples"
    return stats.Bounds(value, value, value), ", from the tool's summary"
