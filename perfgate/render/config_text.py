"""`perfgate config check`: the resolved configuration, and which budget applies to which series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from perfgate.config import Budget, Config, Resolved, Waiver
from perfgate.gate import format_percent


def render_config(cfg: Config, resolved: Sequence[Resolved] | None, today: date) -> str:
    lines = [f"configuration: {cfg.source or '(none found: defaults)'}"]
    lines.append(
        f"suite {cfg.suite!r}, main branch {cfg.main_branch!r}, max_regression {format_percent(cfg.max_regression)}, "
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
        for r in resolved:
            if r.budget is not None:
                text = f"budget {cfg.budgets.index(r.budget) + 1} ({r.budget.match!r}): {_budget(r.budget, cfg)}"
            else:
                text = f"no budget; max_regression {format_percent(cfg.max_regression)}"
            if r.waiver is not None:
                text += f"; waiver {r.waiver.match!r} {_waiver_state(r.waiver, today)}"
            lines.append(f"{_label(r).ljust(width)}  {text}")
    return "\n".join(lines)


def _label(resolved: Resolved) -> str:
    return f"{resolved.name} ({resolved.metric})"


def _budget(budget: Budget, cfg: Config) -> str:
    parts = [f"{limit.statistic} {limit.text}" for limit in budget.limits]
    delta = budget.max_regression if budget.max_regression is not None else cfg.max_regression
    parts.append(f"max_regression {format_percent(delta)}")
    return ", ".join(parts)


def _waiver_state(waiver: Waiver, today: date) -> str:
    return f"until {waiver.until:%Y-%m-%d}" if waiver.active(today) else f"EXPIRED on {waiver.until:%Y-%m-%d}"
