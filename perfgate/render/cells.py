"""Cell texts shared by the table renderers, so terminal and Markdown say the same thing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from perfgate.gate.phrases import format_change, format_p
from perfgate.gate.report import FAILING, SEVERITY, WARNING, Comparison, Report, Verdict
from perfgate.model import Summary
from perfgate.units import format_value

SYMBOLS = {
    Verdict.BUDGET_EXCEEDED: "budget-exceeded",
    Verdict.REGRESSION: "regression",
    Verdict.UNIT_CHANGED: "unit-changed",
    Verdict.AT_RISK: "at-risk",
    Verdict.WAIVED: "waived",
    Verdict.SUSPECTED: "suspected",
    Verdict.DRIFTING: "drifting",
    Verdict.IMPROVEMENT: "improvement",
    Verdict.UNCHANGED: "~",
    Verdict.INSUFFICIENT_DATA: "insufficient-data",
    Verdict.NEW: "new",
    Verdict.MISSING: "missing",
}


# The parts of a report a reader is shown, in order: what fails the check, what would fail it if it blocked
# (mode = "warn"), what the pull request's accept label waived, what is worth a look, and the rest.
SECTIONS = ("failing", "warn-only", "label-waived", "warning", "rest")


MAX_WARNINGS = 5  # warnings shown, the most telling first; the rest are counted in one line


def warnings_ranked(comparisons: Sequence[Comparison]) -> list[Comparison]:
    """The comparisons in their order, but for the warnings ("worth a look"): those by how likely they are real
    (their q, then their p), so a cut keeps the ones worth the reader's time."""
    warnings = sorted(
        (c for c in comparisons if section(c) == "warning"),
        key=lambda c: (c.q_value if c.q_value is not None else 1.0, c.p_value if c.p_value is not None else 1.0),
    )
    ranked = iter(warnings)
    return [next(ranked) if section(c) == "warning" else c for c in comparisons]


def section(c: Comparison) -> str:
    """Which of ``SECTIONS`` a series is shown in."""
    if c.verdict in FAILING:
        return "warn-only" if c.warn_only else "failing"
    if c.waived_by == "label":
        return "label-waived"
    return "warning" if c.verdict in WARNING else "rest"


def rank(c: Comparison) -> tuple[int, int]:
    """How telling a series is: by its section, then its verdict's severity (lowest first)."""
    return SECTIONS.index(section(c)), SEVERITY.index(c.verdict)


def verdict_word(c: Comparison) -> str:
    """The verdict as a table shows it: 'regression', or 'regression (warn-only)' under mode = "warn"."""
    return SYMBOLS[c.verdict] + (" (warn-only)" if c.warn_only and c.verdict in FAILING else "")


# How each test is named in the report's method line, for n series.
_TEST_NAMES = {
    "exact": "exact for {n} series",
    "permutation": "seeded permutation for {n} series",
    "normal": "normal approximation for {n} series",
    "run-medians": "t-test on run medians for {n} series",
    "counts": "score test on counts for {n} series",
    "deterministic": "none for {n} series whose values never vary",
    "paired-exact": "exact signed-rank of the rounds' ratios for {n} series",
    "paired-normal": "signed-rank of the rounds' ratios, normal approximation, for {n} series",
    "summary-runs": "t-test of one summary a side against run_noise for {n} series",
}


def methods(report: Report) -> str:
    """How the p-values were computed, e.g. 'exact for 2 series, normal approximation for 1'."""
    counts = {m: sum(1 for c in report.comparisons if c.test == m) for m in _TEST_NAMES}
    parts = [_TEST_NAMES[m].format(n=n) for m, n in counts.items() if n]
    return ", ".join(parts) if parts else "none computed"


def test_name(report: Report) -> str:
    """The rank test a report's p-values come from: Mann-Whitney for samples, Wilcoxon's signed-rank for
    interleaved rounds judged as pairs."""
    paired = any(c.test is not None and c.test.startswith("paired") for c in report.comparisons)
    pooled = any(c.test in ("exact", "permutation", "normal") for c in report.comparisons)
    if paired and pooled:
        return "Mann-Whitney (Wilcoxon signed-rank for paired rounds) test"
    return "Wilcoxon signed-rank test" if paired else "Mann-Whitney test"


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


def log_text(text: str, *, made_plain: bool = False) -> str:
    """Text for a job log, line by line: every line perfgate prints that carries a name, an error message or a
    file's words goes through here. Each line is ``plain`` (no controls; ``made_plain`` when its cells already
    are, as the text report's, which may carry colour), and none can be read as a workflow command: GitHub's
    runner takes ``::name::`` at the start of a line (after spaces) and the older ``##[name]`` anywhere in it,
    so ``::error ::x``, ``::add-mask::`` or ``::stop-commands::tok`` from a results file would forge an
    annotation, hide text or switch off perfgate's own commands."""
    lines = []
    for line in text.splitlines() or [""]:
        line = (line if made_plain else plain(line, None)).replace("##[", "# #[")
        lines.append("| " + line if line.lstrip().startswith("::") else line)
    return "\n".join(lines)


def label(c: Comparison, show_metric: bool) -> str:
    return f"{c.name} ({c.metric})" if show_metric else c.name


# --- one row per endpoint -------------------------------------------------------------------------

# Columns of the per-endpoint table, in this order; other metrics follow in the order they appear.
_METRIC_COLUMNS = {
    "time": "time",
    "latency": "latency p50",
    "error_rate": "errors",
    "pass_rate": "checks passed",
    "throughput": "throughput",
}
P95 = "p95"


@dataclass(frozen=True)
class Endpoint:
    """Every series of one name (an endpoint or a benchmark): its latency, errors, throughput, …"""

    name: str
    parts: tuple[Comparison, ...]

    @property
    def verdict(self) -> Verdict:
        return min((c.verdict for c in self.parts), key=SEVERITY.index)

    @property
    def worst(self) -> Comparison:
        """The part whose verdict the endpoint shows, and whose section it is shown in: by section (what fails the
        check first, what the accept label waived before a warning), then by severity."""
        return min(self.parts, key=rank)

    @property
    def section(self) -> str:
        return section(self.worst)

    def part(self, metric: str) -> Comparison | None:
        return next((c for c in self.parts if c.metric == metric), None)

    def by_severity(self) -> list[Comparison]:
        """The parts, failing ones first."""
        return sorted(self.parts, key=lambda c: SEVERITY.index(c.verdict))


def by_endpoint(report: Report) -> list[Endpoint] | None:
    """The series grouped by name, failing endpoints first; None when every name has one metric (a table of
    series says it all)."""
    grouped: dict[str, list[Comparison]] = {}
    for c in report.comparisons:
        grouped.setdefault(c.name, []).append(c)
    if all(len(parts) == 1 for parts in grouped.values()):
        return None
    endpoints = [Endpoint(name, tuple(parts)) for name, parts in grouped.items()]
    return sorted(endpoints, key=lambda e: SEVERITY.index(e.verdict))


def metric_columns(endpoints: list[Endpoint]) -> list[str]:
    """The metrics shown as columns (and ``P95`` after latency when the summaries give it)."""
    seen = list(dict.fromkeys(c.metric for e in endpoints for c in e.parts))
    ordered = [m for m in _METRIC_COLUMNS if m in seen] + [m for m in seen if m not in _METRIC_COLUMNS]
    if "latency" in ordered and any(_p95(e.part("latency")) for e in endpoints):
        ordered.insert(ordered.index("latency") + 1, P95)
    return ordered


def row_word(metrics: list[str]) -> str:
    """What a row of the per-name table is: an endpoint of a load test, or a benchmark."""
    return "endpoint" if {"latency", "error_rate"} & set(metrics) else "benchmark"


def column_title(metric: str) -> str:
    return _METRIC_COLUMNS.get(metric, metric.replace("_", " "))


def part_title(c: Comparison) -> str:
    """How a footnote or a reason names one part of an endpoint: 'errors', 'latency', 'throughput'."""
    return {"latency": "latency", "error_rate": "errors"}.get(c.metric, column_title(c.metric))


def _p95(c: Comparison | None) -> tuple[float, float, str] | None:
    if c is None or c.baseline is None or c.candidate is None:
        return None
    if c.baseline.p95 is None or c.candidate.p95 is None:
        return None
    return c.baseline.p95, c.candidate.p95, c.unit


def movement(c: Comparison) -> str:
    """How a part moved: a percentage change, or percentage points for rates counted over requests."""
    if c.test == "counts" and c.baseline is not None and c.candidate is not None:
        before, after = c.baseline.mean, c.candidate.mean
        if before is not None and after is not None:
            return f"{(after - before) * 100:+.2f} pp" if before or after else ""
    return format_change(c.change) if c.change is not None else ""


def aside(endpoint: Endpoint, c: Comparison) -> bool:
    """A part shown but not judged beside parts that were (hyperfine's user and system time, its means only, one
    value a file): its values stand in the row without a change or a footnote, and `asides` says why once."""
    return c.verdict is Verdict.INSUFFICIENT_DATA and any(
        p.verdict is not Verdict.INSUFFICIENT_DATA for p in endpoint.parts
    )


def asides(endpoints: list[Endpoint]) -> list[str]:
    """One note per reason the aside parts were not judged, naming their metrics: 'user time, system time: shown,
    not judged: these results carry one summary per run, …'."""
    titles: dict[str, list[str]] = {}
    for e in endpoints:
        for c in e.parts:
            if aside(e, c):
                named = titles.setdefault(c.reason, [])
                if column_title(c.metric) not in named:
                    named.append(column_title(c.metric))
    return [f"{', '.join(named)}: shown, not judged: {reason}" for reason, named in titles.items()]


def spread(c: Comparison) -> str:
    """A time's mean ± standard deviation on each side and the ratio of the means, as hyperfine words them:
    'mean ± σ 11.95ms ± 409.2µs → 15.2ms ± 621.5µs: 1.27× slower'; empty without both sides' spread."""
    b, a = c.baseline, c.candidate
    if c.metric != "time" or b is None or a is None or b.count < 2 or a.count < 2:
        return ""
    mean_b, sd_b, mean_a, sd_a = b.mean, b.stddev, a.mean, a.stddev
    if mean_b is None or sd_b is None or mean_a is None or sd_a is None or mean_b <= 0 or mean_a <= 0:
        return ""
    ratio = mean_a / mean_b
    how = f"{ratio:.2f}× slower" if ratio >= 1 else f"{1 / ratio:.2f}× faster"
    sides = [f"{format_value(m, c.unit)} ± {format_value(sd, c.unit)}" for m, sd in ((mean_b, sd_b), (mean_a, sd_a))]
    return f"mean ± σ {sides[0]} → {sides[1]}: {how}"


def endpoint_cell(endpoint: Endpoint, metric: str, *, both: bool) -> tuple[str, str]:
    """One metric of an endpoint: its value (``both``: 'baseline → candidate') and its change; empty if absent."""
    if metric == P95:
        values = _p95(endpoint.part("latency"))
        if values is None:
            return "", ""
        low, high, unit = values
        latency = endpoint.part("latency")
        judged = latency is not None and not aside(endpoint, latency)
        change = format_change(high / low) if low > 0 and judged else ""
        shown = f"{format_value(low, unit)} → {format_value(high, unit)}" if both else format_value(high, unit)
        return shown, change
    c = endpoint.part(metric)
    if c is None:
        return "", ""
    candidate = centre(c.candidate, c.unit)
    shown = f"{centre(c.baseline, c.unit)} → {candidate}" if both else candidate
    return shown, "" if aside(endpoint, c) else movement(c)
