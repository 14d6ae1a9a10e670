"""What perfgate.toml says about particular series: budgets (absolute limits, allowances) and waivers.

Plain values parsed by `perfgate.config`; `perfgate.gate.policy` answers every question about them.
"""

from __future__ import annotations

import fnmatch
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, TypeVar

# A series' mode: "block" fails the check on a failing verdict; "warn" judges and shows it, and never fails.
Mode = Literal["block", "warn"]
MODES: tuple[Mode, ...] = ("block", "warn")


@dataclass(frozen=True)
class Limit:
    """An absolute limit on one statistic: ``p95 < 120ms`` is ('p95', '<', 0.12, 's')."""

    statistic: str
    op: str  # "<": must stay below; ">": must stay above
    value: float  # in the canonical unit
    unit: str  # canonical unit
    text: str  # as written, for messages

    def beyond(self, value: float) -> bool:
        """Whether ``value`` breaks the limit."""
        return value >= self.value if self.op == "<" else value <= self.value

    def headroom(self, value: float) -> float:
        """The fraction of the limit still free at ``value``: negative past it (a limit of 0 has none to give)."""
        if self.value == 0:
            return math.nan
        return (self.value - value if self.op == "<" else value - self.value) / self.value


@dataclass(frozen=True)
class Budget:
    match: str
    limits: tuple[Limit, ...] = ()
    max_regression: float | None = None
    line: int | None = None
    max_error_increase: float | None = None  # percentage points of error rate, as a fraction
    # Change allowed within one run (a soak test), first window to last: a fraction of latency or throughput,
    # percentage points of error rate. Set, a drift beyond it fails; unset, a drift beyond the allowance warns.
    max_drift: float | None = None
    mode: Mode | None = None  # None: the [perfgate] mode
    max_error_ratio: float | None = None  # how many times the baseline's error rate a rise may reach

    def applies_to(self, name: str) -> bool:
        return fnmatch.fnmatchcase(name, self.match)


@dataclass(frozen=True)
class Acceptance:
    """The pull request's accept label (perfgate.toml's ``accept_label``): it waives that pull request's failing
    verdicts. Who added it and when, as GitHub says (None when GitHub could not be asked)."""

    label: str
    by: str | None = None  # the login of the user who added it
    at: datetime | None = None  # when it was added (UTC)

    def phrase(self) -> str:
        """'the label 'perfgate: accept' (added by @alice on 2026-12-03 07:12 UTC)'."""
        said = [f"by @{self.by}" if self.by else "", f"on {self.at:%Y-%m-%d %H:%M} UTC" if self.at else ""]
        added = " ".join(part for part in said if part)
        return f"the label {self.label!r}" + (f" (added {added})" if added else "")


@dataclass(frozen=True)
class Waiver:
    match: str
    until: date
    reason: str
    line: int | None = None

    def applies_to(self, name: str) -> bool:
        return fnmatch.fnmatchcase(name, self.match)

    def active(self, today: date) -> bool:
        return today <= self.until


@dataclass(frozen=True)
class Terms:
    """What judges a series of one metric under a budget (or, for no metric, all that the budget holds): its
    limits and allowances, each the budget's own or the setting's. The policy works them out."""

    limits: tuple[Limit, ...]
    max_regression: float | None  # None: not about this metric (rates have max_error_increase)
    max_error_increase: float | None  # percentage points, as a fraction
    max_drift: float | None
    in_points: bool  # a counted rate: max_drift is in percentage points
    max_error_ratio: float | None = None  # times the baseline's rate (counted rates only)


@dataclass(frozen=True)
class Resolved:
    """Which budget and waiver apply to one series, and on what terms (what `perfgate config check` shows)."""

    name: str
    metric: str
    budget: Budget | None
    waiver: Waiver | None
    terms: Terms
    mode: Mode = "block"  # its budget's, else the [perfgate] mode


M = TypeVar("M", Budget, Waiver)


def first_match(items: tuple[M, ...], name: str) -> M | None:
    """The first budget or waiver whose glob matches ``name``: order in the file decides."""
    return next((item for item in items if item.applies_to(name)), None)
