"""Drift within one run (a soak test): a trend over the candidate's time windows, Benjamini-Hochberg across
series. Not a trend across runs: that is the history's creep."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from perfgate import stats
from perfgate.gate.phrases import format_change, format_percent, p_phrase
from perfgate.gate.policy import COUNTED_RATES, Policy
from perfgate.gate.pooling import MIN_WINDOW, Side, comparable, natural_ratio, normalised_log
from perfgate.gate.report import WithinRunDrift
from perfgate.gate.settings import Settings
from perfgate.model import Direction, SampleKind, Series


@dataclass(frozen=True)
class _Trend:
    series: Series
    trend: stats.WindowTrend
    allowed: float
    failing: bool  # a budget set max_drift
    p: float  # the trend's, times the candidate runs it was the strongest of


def drifts(candidate: Side, settings: Settings, policy: Policy) -> dict[tuple[str, str], WithinRunDrift]:
    """A trend test on every time-ordered candidate series (load-test requests and windows), Benjamini-Hochberg
    across them. Several candidate runs: the run with the strongest trend, its p multiplied by the runs."""
    found: dict[tuple[str, str], _Trend] = {}
    runs = max(len(candidate.runs), 1)
    for run in candidate.runs:
        for series in run:
            if (t := _trend(series, settings, policy)) is None:
                continue
            t = replace(t, p=min(1.0, t.p * runs))
            if series.key not in found or t.p < found[series.key].p:
                found[series.key] = t
    trends = list(found.values())
    q_values = stats.benjamini_hochberg([t.p for t in trends])
    return {t.series.key: _drift(t, max(q, t.p), settings) for t, q in zip(trends, q_values, strict=True)}


def _trend(series: Series, settings: Settings, policy: Policy) -> _Trend | None:
    if series.kind is SampleKind.REQUEST:
        if series.samples.size < stats.MIN_TREND_WINDOWS * MIN_WINDOW:
            return None  # a trend of single requests would be a trend of noise
    elif series.kind is not SampleKind.WINDOW:
        return None
    counted = series.metric in COUNTED_RATES
    budget = policy.budget_for(series.name)
    max_drift = budget.max_drift if budget is not None else None
    key: Literal["max_regression", "max_error_increase"] = "max_error_increase" if counted else "max_regression"
    allowed = max_drift if max_drift is not None else policy.allowance(series.name, settings, key)
    windows = comparable(series)
    if counted:
        values, margin = windows, allowed  # rates: worse is up, in percentage points
        if series.direction is Direction.HIGHER_IS_BETTER:
            values = -values
    else:
        values, margin = normalised_log(windows, series.direction), math.log1p(allowed)
    trend = stats.window_trend(values, margin)
    if trend is None:
        return None
    return _Trend(series, trend, allowed, max_drift is not None, trend.p)


def _drift(t: _Trend, q: float, settings: Settings) -> WithinRunDrift:
    s, trend = t.series, t.trend
    counted = s.metric in COUNTED_RATES
    if counted:
        change = trend.total if s.direction is Direction.LOWER_IS_BETTER else -trend.total
        shown = f"{change * 100:+.2f} pp"
        allowed = f"{t.allowed * 100:g} pp"
    else:
        change = natural_ratio(trend.total, s.direction)
        shown = format_change(change)
        allowed = format_percent(t.allowed)
    what = s.metric.replace("_", " ")
    evidence = f"{p_phrase('p', t.p)}, {p_phrase('q', q)}, {trend.windows} windows"
    beyond = q <= settings.fdr
    status = ("exceeded" if t.failing else "drifting") if beyond else "ok"
    limit = f"the max_drift of {allowed}" if t.failing else f"the {allowed} allowed"
    if beyond:
        reason = f"{what} drifted {shown} during the run, first window to last, beyond {limit} ({evidence})"
    else:
        reason = f"{what} during the run: {shown} first window to last, within {limit} ({evidence})"
    return WithinRunDrift(change, t.allowed, t.p, q, trend.windows, status, reason)
