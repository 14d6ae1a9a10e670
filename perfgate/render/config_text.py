"""`perfgate config check`: the resolved configuration, and which budget applies to which series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from perfgate.config import Budget, Config, Resolved, Waiver
from perfgate.gate import COUNTED_RATES, format_percent, limit_judges


def render_config(cfg: Config, resolved: Sequence[Resolved] | None, today: date) -> str:
    lines = [f"configuration: {cfg.source or '(none found: defaults)'}"]
    lines.append(
        f"suite {cfg.suite!r}, main branch {cfg.main_branch!r}, max_regression {format_percent(cfg.max_regression)}, "
        f"max_error_increase {format_percent(cfg.max_error_increase)}, run_noise {format_percent(cfg.run_noise)}, "
        f"fdr {cfg.fdr:g}, confidence {cfg.confidence:g}, min_samples {cfg.min_samples}, "
        f"baseline_runs {cfg.baseline_runs}"
    )
    for i, budget in enumerate(cfg.budgets):
        lines.append(f"budget {i + 1} (line {budget.line}): {budget.match!r}: {_budget(budget, cfg)}")
    for waiver in cfg.waivers:
        lines.append(f"waiver (line {waiver.line}): {waiver.match!r} {_waiver_state(waiver, today)}: {waiver.reason}")
    if resolved is not None:
        lines.append("")
        width = max((len(_label(r)) for r in resolved), default=0)
        rated = {r.name for r in resolved if r.metric in COUNTED_RATES}
        for r in resolved:
            if r.budget is not None:
                number = cfg.budgets.index(r.budget) + 1
                text = f"budget {number} ({r.budget.match!r}): {_budget(r.budget, cfg, r.metric, r.name in rated)}"
            else:
                text = f"no budget; {_budget(Budget(''), cfg, r.metric, r.name in rated)}"
            if r.waiver is not None:
                text += f"; waiver {r.waiver.match!r} {_waiver_state(r.waiver, today)}"
            lines.append(f"{_label(r).ljust(width)}  {text}")
    return "\n".join(lines)


def _label(resolved: Resolved) -> str:
    return f"{resolved.name} ({resolved.metric})"


def _budget(budget: Budget, cfg: Config, metric: str | None = None, rated: bool = False) -> str:
    """The budget's limits and allowances; for a series' ``metric``, only the parts that judge it."""
    counted = metric in COUNTED_RATES
    parts = [
        f"{limit.statistic} {limit.text}"
        for limit in budget.limits
        if metric is None or limit_judges(limit, metric, has_rate_series=rated)
    ]
    if metric is None or not counted:
        delta = budget.max_regression if budget.max_regression is not None else cfg.max_regression
        parts.append(f"max_regression {format_percent(delta)}")
    if metric is None or counted:
        increase = budget.max_error_increase if budget.max_error_increase is not None else cfg.max_error_increase
        parts.append(f"max_error_increase {format_percent(increase)} (points)")
    if budget.max_drift is not None and (metric is None or metric in ("latency", "throughput", *COUNTED_RATES)):
        unit = " (points)" if counted else ""
        parts.append(f"max_drift {format_percent(budget.max_drift)}{unit} (a drift during the run beyond it fails)")
    return ", ".join(parts)


def _waiver_state(waiver: Waiver, today: date) -> str:
    return f"until {waiver.until:%Y-%m-%d}" if waiver.active(today) else f"EXPIRED on {waiver.until:%Y-%m-%d}"
