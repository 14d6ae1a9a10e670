"""`perfgate history`: a table of a series' recent runs, oldest to newest, with a sparkline."""

from __future__ import annotations

from collections.abc import Sequence

from perfgate.history.series import History
from perfgate.model import SampleKind
from perfgate.units import count, format_value

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One bar per value, scaled between the smallest and the largest."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return BARS[len(BARS) // 2] * len(values)
    return "".join(BARS[round((v - low) / (high - low) * (len(BARS) - 1))] for v in values)


def render_history(name: str, branch: str, history: History | None) -> str:
    if history is None or not history.points:
        return f"{name}: no {branch}-branch runs recorded\n"
    ordered = history.points  # oldest first, as a chart reads
    unit = history.unit
    header = ("commit", "recorded (UTC)", "median", "p95", "n", "")
    rows = [
        (
            p.commit[:12],
            f"{p.recorded_at:%Y-%m-%d %H:%M}",
            _value(p.summary.median if p.summary.median is not None else p.summary.mean, unit),
            _value(p.summary.p95, unit),
            str(p.summary.count),
            "" if p.samples_kept or history.kind is SampleKind.SUMMARY_ONLY else "samples pruned",  # none to prune
        )
        for p in ordered
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [f"{name} ({history.metric}) on {branch}, {count(len(ordered), 'run')}, oldest first", ""]
    for row in [header, *rows]:
        lines.append(
            "  ".join(
                c.rjust(w) if i in (2, 3, 4) else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    medians = [p.summary.median for p in ordered if p.summary.median is not None]
    lines += ["", f"median  {sparkline(medians)}"]
    return "\n".join(lines) + "\n"


def _value(value: float | None, unit: str) -> str:
    return "-" if value is None else format_value(value, unit)
