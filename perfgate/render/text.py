"""The terminal report: a table, numbered footnotes for whatever needs a word, and the verdict."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from perfgate.gate.phrases import format_change, format_percent
from perfgate.gate.report import FAILING, SEVERITY, Comparison, Report, Verdict
from perfgate.model import RunRef
from perfgate.render import cells

_EXPLAINED = set(Verdict) - {Verdict.UNCHANGED, Verdict.IMPROVEMENT}

# How a verdict's text is shown: as it is, or coloured for a terminal (the command line decides).
Paint = Callable[[str, "Verdict | None"], str]


def unpainted(text: str, verdict: Verdict | None) -> str:
    return text


def render(report: Report, *, paint: Paint = unpainted, only_failing: bool = False) -> str:
    """The report for a terminal. ``only_failing`` (``--quiet``): the failing rows, their footnotes and the
    verdict line, nothing else; ``paint`` colours verdicts (``None``: the PASS/FAIL line)."""
    endpoints = cells.by_endpoint(report)
    if endpoints is None:
        table, notes = _series_table(report, paint, only_failing)
        unjudged: list[str] = []
    else:
        shown = [e for e in endpoints if e.verdict in FAILING or not only_failing]
        table, notes = _endpoint_table(shown, paint, FAILING if only_failing else _EXPLAINED)
        unjudged = cells.asides(shown)
    verdict = paint(_verdict_line(report, endpoints), Verdict.REGRESSION if report.failed else None)
    if only_failing:
        footnotes = [f"({i}) {note}" for i, note in enumerate(notes, 1)]
        return "\n".join([*table, *footnotes, verdict] if notes else [verdict]) + "\n"
    if endpoints is not None and report.geomean is not None:
        table.append(f"geometric mean of the changes: {format_change(report.geomean)} (worse is +)")
    lines = [*_sources(report), "", *table]
    if notes or report.notes or unjudged:
        lines.append("")
        lines += [f"({i}) {note}" for i, note in enumerate(notes, 1)]
        lines += [f"note: {cells.plain(note, None)}" for note in [*unjudged, *report.notes]]
    lines += ["", _method(report, paired_cells=endpoints is not None), verdict]
    return "\n".join(lines) + "\n"


def _series_table(report: Report, paint: Paint, only_failing: bool) -> tuple[list[str], list[str]]:
    """One row per series: baseline, candidate, change, p and verdict."""
    show_metric = len({c.metric for c in report.comparisons}) > 1
    ci = f"change [{report.settings.confidence:.0%} CI]"
    header = ("benchmark", "baseline", "candidate", ci, "p", "verdict")
    rows: list[tuple[str, ...]] = []
    verdicts: list[Verdict | None] = []
    notes: list[str] = []
    footnote = _Footnotes(report.comparisons, notes)
    for c in report.comparisons:
        if only_failing and c.verdict not in FAILING:
            continue
        verdicts.append(c.verdict)
        verdict = cells.verdict_word(c)
        if c.verdict in _EXPLAINED:
            verdict += f" ({footnote.number(c, cells.label(c, show_metric), with_verdict=False)})"
        rows.append(
            (
                cells.plain(cells.label(c, show_metric)),
                cells.plain(cells.centre(c.baseline, c.unit)),
                cells.plain(cells.centre(c.candidate, c.unit)),
                cells.change(c),
                cells.p_value(c),
                verdict,
            )
        )
    if report.geomean is not None and not only_failing:
        rows.append(("geometric mean", "", "", f"{format_change(report.geomean)} (worse is +)", "", ""))
        verdicts.append(None)
    return _table(header, rows, right={1, 2, 4}, verdicts=verdicts, paint=paint), notes


def _endpoint_table(
    endpoints: list[cells.Endpoint], paint: Paint, explained: frozenset[Verdict] | set[Verdict]
) -> tuple[list[str], list[str]]:
    """One row per endpoint (or benchmark with several metrics): each metric's baseline → candidate and change,
    footnotes for what needs a word (failing parts first), the endpoint's worst verdict."""
    metrics = cells.metric_columns(endpoints)
    word = cells.row_word(metrics)
    header = (word, *(cells.column_title(m) for m in metrics), "verdict")
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    footnote = _Footnotes([c for e in endpoints for c in e.parts], notes)
    for e in endpoints:
        marks: dict[str, str] = {}
        for c in e.by_severity():
            if c.verdict in explained and not cells.aside(e, c):
                where = f"{e.name}, {cells.part_title(c)}"
                marks[c.metric] = f" ({footnote.number(c, where, with_verdict=True, extra=cells.spread(c))})"
        row = [cells.plain(" ".join(cells.endpoint_cell(e, m, both=True)).strip()) + marks.get(m, "") for m in metrics]
        rows.append((cells.plain(e.name), *row, cells.verdict_word(e.worst)))
    return _table(header, rows, right=set(), verdicts=[e.verdict for e in endpoints], paint=paint), notes


class _Footnotes:
    """Numbered notes; a reason that several series share (a summary-only file's) is one note for all."""

    def __init__(self, comparisons: Sequence[Comparison], notes: list[str]) -> None:
        self._shared = {r for r, n in Counter((c.verdict, c.reason) for c in comparisons).items() if n > 1}
        self._numbers: dict[tuple[Verdict, str], int] = {}
        self._notes = notes

    def number(self, c: Comparison, label: str, *, with_verdict: bool, extra: str = "") -> int:
        """The note's number; ``extra`` follows a note of its own series (a time's mean ± σ)."""
        key = (c.verdict, c.reason)
        if key in self._numbers:
            return self._numbers[key]
        verdict = f"{cells.SYMBOLS[c.verdict]}: " if with_verdict or key in self._shared else ""
        reason = f"{c.reason}; {extra}" if extra else c.reason
        text = f"{verdict}{c.reason}" if key in self._shared else f"{label}: {verdict}{reason}"
        self._notes.append(cells.plain(text, None))
        if key in self._shared:
            self._numbers[key] = len(self._notes)
        return len(self._notes)


def _sources(report: Report) -> list[str]:
    def names(refs: tuple[RunRef, ...]) -> str:
        return cells.plain(", ".join(r.label for r in refs), None) if refs else "(none)"

    return [f"baseline:  {names(report.baseline)}", f"candidate: {names(report.candidate)}"]


def _table(
    header: tuple[str, ...],
    rows: list[tuple[str, ...]],
    right: set[int],
    verdicts: list[Verdict | None],
    paint: Paint,
) -> list[str]:
    """Aligned columns; the last (the verdict) painted after the widths are taken from the plain text."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...], verdict: Verdict | None = None) -> str:
        aligned = [
            cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        last = row[-1] if verdict is None else paint(row[-1], verdict)
        return "  ".join([*aligned[:-1], last]).rstrip()

    return [line(header), *(line(r, v) for r, v in zip(rows, verdicts, strict=True))]


def _method(report: Report, *, paired_cells: bool = False) -> str:
    s = report.settings
    shown = "Medians shown as baseline → candidate, then the change" if paired_cells else "Medians shown"
    return (
        f"{shown}. Change: Hodges-Lehmann estimate with its {s.confidence:.0%} interval; p: one-sided "
        f"{cells.test_name(report)} of a regression beyond {format_percent(s.max_regression)} "
        f"({cells.methods(report)}); Benjamini-Hochberg at q = {s.fdr:g}."
    )


def _failures(report: Report) -> str:
    """'1 regression and 2 budget-exceeded'."""
    parts = []
    for verdict in sorted(FAILING, key=lambda v: (v is not Verdict.REGRESSION, SEVERITY.index(v))):  # a set: ordered
        if n := report.count(verdict, failing=True):
            word = cells.SYMBOLS[verdict]
            parts.append(f"{n} {word}{'s' if n != 1 and verdict is Verdict.REGRESSION else ''}")
    return " and ".join(parts)


def _verdict_line(report: Report, endpoints: Sequence[cells.Endpoint] | None = None) -> str:
    """FAIL with what failed, or PASS (NEUTRAL when passed not cleanly) with a count per verdict: of the table's rows (an endpoint or a benchmark
    with several metrics counts once, with the verdict its row shows), else of the series."""
    failing = [c for c in report.comparisons if c.fails]
    if failing:
        metrics: dict[str, list[str]] = {}
        for c in failing:
            metrics.setdefault(c.name, []).append(c.metric)
        names = ", ".join(
            cells.plain(name) + (f" ({', '.join(ms)})" if len(ms) > 1 else "") for name, ms in metrics.items()
        )
        return f"FAIL: {_failures(report)} ({names})"
    tally = (
        Counter(e.worst.verdict for e in endpoints)
        if endpoints is not None
        else Counter(c.verdict for c in report.comparisons)
    )
    counts = [
        f"{tally[v]} {cells.SYMBOLS[v] if v is not Verdict.UNCHANGED else 'unchanged'}" for v in Verdict if tally[v]
    ]
    slower = report.run_shift is not None and report.run_shift.slower
    warned = " (the whole run is slower: see the note)" if slower else ""
    if report.warn_only:
        names = ", ".join(dict.fromkeys(cells.plain(c.name) for c in report.warn_only))
        warned += f' (warn-only: {len(report.warn_only)} failing under mode = "warn", {names})'
    if report.label_waived and report.accepted is not None:
        warned += f" ({len(report.label_waived)} waived by {cells.plain(report.accepted.phrase(), None)})"
    word = "NEUTRAL" if report.warned else "PASS"  # as the check and the JSON's verdict say
    if undecided := report.undecided:
        # Not a pass: beyond the allowance, and nothing could tell it from noise (the check is neutral too)
        word = "NEUTRAL"
        warned += f" ({len(undecided)} suspected from one summary a side: not a pass; see the reasons)"
    return f"{word}{warned}: {', '.join(counts) if counts else 'nothing compared'}"
