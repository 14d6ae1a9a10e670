"""The settings a command works under: the command line's overrides applied to the configuration, the gate's
settings and policy taken from the result, and `perfgate config check`. Defaults live in ``Config`` only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from perfgate.app.reading import expand, read_all
from perfgate.app.workspace import Workspace
from perfgate.config import LATENCY_STATISTICS, Config
from perfgate.gate.policy import COUNTED_RATES, Policy
from perfgate.gate.rules import Acceptance, Resolved, Terms
from perfgate.gate.settings import Settings
from perfgate.units import SECONDS, count, parse_percentage


@dataclass(frozen=True)
class Overrides:
    """Settings given on the command line (or as the Action's inputs); None means 'as the config file says'."""

    suite: str | None = None
    max_regression: str | None = None  # as typed: "5%" or "0.05"
    fdr: float | None = None
    min_samples: int | None = None
    baseline_runs: int | None = None

    def applied_to(self, cfg: Config) -> Config:
        """The configuration with these settings in place of the file's (or the defaults')."""
        given: dict[str, Any] = {"fdr": self.fdr, "min_samples": self.min_samples}
        given |= {"suite": self.suite or None, "baseline_runs": self.baseline_runs or None}  # "" and 0: not given
        if self.max_regression is not None:
            given["max_regression"] = parse_percentage(self.max_regression, key="--max-regression")
        return replace(cfg, **{name: value for name, value in given.items() if value is not None})


def gate_settings(cfg: Config, *, between_runs: bool = False) -> Settings:
    """The decision rule's knobs, as the configuration sets them."""
    return Settings(
        max_regression=cfg.max_regression,
        fdr=cfg.fdr,
        confidence=cfg.confidence,
        min_samples=cfg.min_samples,
        between_runs=between_runs,
        run_noise=cfg.run_noise,
        max_error_increase=cfg.max_error_increase,
        max_error_ratio=cfg.max_error_ratio,
    )


def make_policy(cfg: Config, today: date, accepted: Acceptance | None = None) -> Policy:
    """The policy of the configuration on ``today``; ``accepted``: the pull request's accept label, when it has it."""
    return Policy(cfg.budgets, cfg.waivers, today, cfg.mode, accepted)


def resolve(cfg: Config, patterns: Sequence[str], format_name: str | None) -> list[Resolved]:
    """Which budget, waiver and terms apply to each series of these results files."""
    keys = list(dict.fromkeys(s.key for r in read_all(expand(patterns), format_name, sha256=False) for s in r.series))
    rated = {name for name, metric in keys if metric in COUNTED_RATES}
    policy, settings = Policy(cfg.budgets, cfg.waivers, mode=cfg.mode), gate_settings(cfg)
    return [policy.resolve(name, metric, settings, rated=name in rated) for name, metric in keys]


def budget_terms(cfg: Config) -> list[Terms]:
    """Every budget's limits and allowances, as the policy reads them: what `perfgate config check` lists."""
    policy, settings = Policy(cfg.budgets, cfg.waivers), gate_settings(cfg)
    return [policy.terms(budget, settings) for budget in cfg.budgets]


@dataclass(frozen=True)
class ConfigCheckRequest:
    workspace: Workspace
    results: tuple[str, ...] = ()  # results files or globs whose series to resolve
    format_name: str | None = None


@dataclass(frozen=True)
class ConfigCheck:
    config: Config
    budgets: list[Terms]  # each budget's terms, in the file's order
    resolved: list[Resolved] | None  # None: no results were given
    today: date
    warnings: tuple[str, ...] = ()  # what compare would judge otherwise than the file seems to mean


def check_config(request: ConfigCheckRequest) -> ConfigCheck:
    """The configuration as read, and which budget and waiver apply to each series of the given results."""
    cfg = request.workspace.config()
    resolved = resolve(cfg, request.results, request.format_name) if request.results else None
    warnings = [*_floors(cfg), *(_judging(cfg, resolved) if resolved is not None else [])]
    return ConfigCheck(cfg, budget_terms(cfg), resolved, request.workspace.now.date(), tuple(warnings))


def _floors(cfg: Config) -> list[str]:
    """A '>' limit on a time statistic is a floor (the series fails when it gets faster): most likely a '<' meant."""
    return [
        f"budget {i} (line {budget.line}): {limit.statistic} {limit.text} is a floor: the series fails when it is "
        f"faster than that; a ceiling is '{limit.statistic} = \"< {limit.text.lstrip('> ').strip()}\"'"
        for i, budget in enumerate(cfg.budgets, 1)
        for limit in budget.limits
        if limit.op == ">" and limit.statistic in LATENCY_STATISTICS and limit.unit == SECONDS
    ]


def _judging(cfg: Config, resolved: Sequence[Resolved]) -> list[str]:
    """Budgets and waivers that fit none of the series, and limits that judge none of the series they match."""
    found = Policy(cfg.budgets, cfg.waivers).unmatched({r.name for r in resolved})
    for i, budget in enumerate(cfg.budgets, 1):
        matched = [r for r in resolved if r.budget is budget]
        if not matched:
            continue
        used = {limit for r in matched for limit in r.terms.limits}
        metrics = sorted({r.metric for r in matched})
        for limit in budget.limits:
            if limit not in used:
                found.append(
                    f"budget {i} (line {budget.line}): {limit.statistic} {limit.text} judges none of its "
                    f"{count(len(matched), 'series', 'series')} (they measure {', '.join(metrics)}); "
                    f"{_judges(limit.statistic)}"
                )
    return found


def _judges(statistic: str) -> str:
    if statistic == "throughput":
        return "a throughput limit judges a throughput series (load tests)"
    if statistic == "error_rate":
        return "an error_rate limit judges an error-rate series, or the failures of a benchmark"
    return f"a {statistic} limit judges a time, latency or size series"
