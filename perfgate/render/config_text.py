"""`perfgate config check`: the resolved configuration, and which budget applies to which series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from perfgate.config import Config
from perfgate.gate.phrases import format_percent
from perfgate.gate.rules import Resolved, Terms, Waiver


def render_config(cfg: Config, budgets: Sequence[Terms], resolved: Sequence[Resolved] | None, today: date) -> str:
    """``budgets``: the terms of each of the config's budgets, in its order."""
    lines = [f"configuration: {cfg.source or '(none found: defaults)'}"]
    lines.append(
        f"suite {cfg.suite!r}, main branch {cfg.main_branch!r}, max_regression {format_percent(cfg.max_regression)}, "
        f"max_error_increase {format_percent(cfg.max_error_increase)}, max_error_ratio {_times(cfg.max_error_ratio)}, "
        f"run_noise {format_percent(cfg.run_noise)}, "
        f"fdr {cfg.fdr:g}, confidence {cfg.confidence:g}, min_samples {cfg.min_samples}, "
        f"baseline_runs {cfg.baseline_runs}"
    )
    label = f"accept_label {cfg.accept_label!r}" if cfg.accept_label else "no accept_label"
    lines.append(f"mode {cfg.mode!r} (failing verdicts {_mode_words(cfg.mode)}), {label}")
    for i, (budget, terms) in enumerate(zip(cfg.budgets, budgets, strict=True)):
        mode = f", mode {budget.mode!r}" if budget.mode is not None else ""
        lines.append(f"budget {i + 1} (line {budget.line}): {budget.match!r}: {_terms(terms)}{mode}")
    for waiver in cfg.waivers:
        lines.append(f"waiver (line {waiver.line}): {waiver.match!r} {_waiver_state(waiver, today)}: {waiver.reason}")
    if resolved is not None:
        lines.append("")
        width = max((len(_label(r)) for r in resolved), default=0)
        for r in resolved:
            if r.budget is not None:
                number = cfg.budgets.index(r.budget) + 1
                text = f"budget {number} ({r.budget.match!r}): {_terms(r.terms)}"
            else:
                text = f"no budget; {_terms(r.terms)}"
            if r.waiver is not None:
                text += f"; waiver {r.waiver.match!r} {_waiver_state(r.waiver, today)}"
            if r.mode == "warn":
                text += "; warn-only"
            lines.append(f"{_label(r).ljust(width)}  {text}")
    return "\n".join(lines)


def _label(resolved: Resolved) -> str:
    return f"{resolved.name} ({resolved.metric})"


def _terms(terms: Terms) -> str:
    """The limits and allowances that judge a series."""
    parts = [f"{limit.statistic} {limit.text}" for limit in terms.limits]
    if terms.max_regression is not None:
        parts.append(f"max_regression {format_percent(terms.max_regression)}")
    if terms.max_error_increase is not None:
        parts.append(f"max_error_increase {format_percent(terms.max_error_increase)} (points)")
    if terms.max_error_ratio is not None:
        parts.append(f"max_error_ratio {_times(terms.max_error_ratio)}")
    if terms.max_drift is not None:
        unit = " (points)" if terms.in_points else ""
        parts.append(f"max_drift {format_percent(terms.max_drift)}{unit} (a drift during the run beyond it fails)")
    return ", ".join(parts)


def _times(factor: float) -> str:
    return f"{factor:g}x" if factor != float("inf") else "off"


def _mode_words(mode: str) -> str:
    return "fail the check" if mode == "block" else "are shown as warn-only and never fail the check"


def _waiver_state(waiver: Waiver, today: date) -> str:
    return f"until {waiver.until:%Y-%m-%d}" if waiver.active(today) else f"EXPIRED on {waiver.until:%Y-%m-%d}"
