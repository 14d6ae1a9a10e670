"""Cell texts shared by the table renderers, so terminal and Markdown say the same thing."""

from __future__ import annotations

import re

from perfgate.gate import Comparison, Report, Verdict, format_change, format_p
from perfgate.model import Summary
from perfgate.units import format_value

SYMBOLS = {
    Verdict.BUDGET_EXCEEDED: "budget-exceeded",
    Verdict.REGRESSION: "regression",
    Verdict.AT_RISK: "at-risk",
    Verdict.WAIVED: "waived",
    Verdict.SUSPECTED: "suspected",
    Verdict.IMPROVEMENT: "improvement",
    Verdict.UNCHANGED: "~",
    Verdict.INSUFFICIENT_DATA: "insufficient-data",
    Verdict.NEW: "new",
    Verdict.MISSING: "missing",
}


_TEST_NAMES = {
    "exact": "exact",
    "permutation": "seeded permutation",
    "normal": "normal approximation",
    "run-medians": "t-test on run medians",
    "counts": "score test on counts",
}


def methods(report: Report) -> str:
    """How the p-values were computed, e.g. 'exact for 2 series, normal approximation for 1'."""
    counts = {m: sum(1 for c in report.comparisons if c.test == m) for m in _TEST_NAMES}
    parts = [f"{_TEST_NAMES[m]} for {n} series" for m, n in counts.items() if n]
    return ", ".join(parts) if parts else "none computed"


def centre(summary: Summary | None, unit: str) -> str:
    if summary is None:
        return "-"
    value = summary.median if summary.median is not None else summary.mean
    return "-" if value is None else format_value(value, unit)


def change(c: Comparison) -> str:
    if c.change is None:
        return "-"
    if c.ci is None:
        return format_change(c.change)
    return f"{format_change(c.change)} [{format_change(c.ci[0])}, {format_change(c.ci[1])}]"


def p_value(c: Comparison) -> str:
    return "-" if c.p_value is None else format_p(c.p_value)


# C0 and C1 controls (ESC starts CSI/OSC sequences, CR rewrites a line), bidi overrides and zero-width
# characters: in a terminal or a CI log they could hide text, forge lines or run workflow commands.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
NAME_WIDTH = 120


def plain(text: str, width: int | None = NAME_WIDTH) -> str:
    """Untrusted text made inert for a terminal or a CI log: one line, no control sequences, capped width.

    A newline can therefore never start a line with a workflow command (``::error::``, ``::add-mask::``).
    """
    text = _UNSAFE.sub("\ufffd", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def label(c: Comparison, show_metric: bool) -> str:
    return f"{c.name} ({c.metric})" if show_metric else c.name
