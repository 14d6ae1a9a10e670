"""The Markdown report (PR comment, job summary): verdict first, failures, then the rest collapsed."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from perfgate.gate.phrases import format_change, format_percent
from perfgate.gate.report import FAILING, WARNING, Comparison, Report, Verdict
from perfgate.model import RunRef
from perfgate.render import cells
from perfgate.render.history_text import sparkline
from perfgate.render.links import href
from perfgate.resources import resource_dir

MARKER = "<!-- perfgate:report -->"
# Where perfgate's documentation is published (acme/perfgate stands for the repository's published name, as in
# the README's workflow): the blocked developer's first link.
DOCS_URL = "https://github.com/acme/perfgate/blob/main/docs"
BLOCKED_URL = f"{DOCS_URL}/statistics.md#your-pull-request-was-blocked-what-it-means"
WAIVER_DAYS = 30  # the snippet's waiver expires this long after the run
WAIVER_SNIPPETS = 5  # failing series given a ready waiver each
LIMIT = 65_536  # GitHub's cap on a comment body, in characters
_SAFETY_MARGIN = 2_000


_ENTITIES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "&#124;",
        "`": "&#96;",
        "*": "&#42;",
        "[": "&#91;",
        "]": "&#93;",
        "#": "&#35;",
        "~": "&#126;",
        "\\": "&#92;",
        "@": "@\u200b",  # a zero-width space after @: @name no longer notifies anyone
    }
)


# Control characters and bidirectional overrides can hide or reorder text in a review ("Trojan Source").
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
NAME_LIMIT = 200


def escape_text(text: str) -> str:
    """Untrusted text as a paragraph (not a table cell): the same escaping, without the length cap."""
    return escape(text, limit=None)


def escape(text: str, limit: int | None = NAME_LIMIT) -> str:
    """Make untrusted text (series names, reasons) inert in a table cell: no HTML, mentions or links."""
    text = _INVISIBLE.sub("\ufffd", re.sub(r"\s+", " ", text))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.translate(_ENTITIES)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(resource_dir("templates"))),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown, not HTML: escaping is done by the `md` filter on every value
    )
    env.filters["md"] = escape
    return env


@dataclass(frozen=True)
class _Layout:
    """The table's columns and its rows, cut into ``cells.SECTIONS``; every cell already escaped."""

    columns: list[str]
    aligns: list[str]
    word: str  # what a row is: benchmark or endpoint
    rows: dict[str, list[dict[str, Any]]]  # by section


# When the comment is too long, rows are cut from these sections first (the collapsed rest), failures last.
_CUT_FIRST = ("rest", "label-waived", "warning", "warn-only", "failing")


def render(report: Report) -> str:
    endpoints = cells.by_endpoint(report)
    layout = _series_layout(report) if endpoints is None else _endpoint_layout(report, endpoints)
    unjudged = cells.asides(endpoints) if endpoints is not None else []
    template = _environment().get_template("report.md.j2")
    rows = layout.rows
    accepted = escape(report.accepted.phrase(), limit=None) if report.accepted is not None else None

    def attempt(kept: dict[str, int]) -> str:
        shown = {key.replace("-", "_"): rows[key][: kept[key]] for key in cells.SECTIONS}
        left_out = {f"{key.replace('-', '_')}_omitted": len(rows[key]) - kept[key] for key in cells.SECTIONS}
        return template.render(
            marker=MARKER,
            headline=_headline(report),
            methods=cells.methods(report),
            test_name=cells.test_name(report),
            geomean=format_change(report.geomean) if report.geomean is not None else None,
            report=report,
            settings=report.settings,
            max_regression=format_percent(report.settings.max_regression),
            columns=layout.columns,
            aligns=layout.aligns,
            word=layout.word,
            noun="endpoints" if layout.word == "endpoint" else "series",
            paired_cells=endpoints is not None,
            run_url=safe_url(report.origin.run_url if report.origin else None),
            site_url=safe_url(report.site_url),
            accepted=accepted,
            attention=[escape(n, limit=None) for n in report.notes if attention(n)],
            routine=[escape(n, limit=None) for n in [*unjudged, *(n for n in report.notes if not attention(n))]],
            next_steps=_next_steps(report) if report.failed else None,
            baseline_refs=_refs(report.baseline, report),
            rest_total=len(rows["rest"]),
            warnings_capped=len(rows["warning"]) > cells.MAX_WARNINGS and kept["warning"] == cells.MAX_WARNINGS,
            omitted=len(rows["rest"]) - kept["rest"],
            **shown,
            **left_out,
        )

    # Too long for one comment: cut the collapsed rows first, then the waived, the warnings, the failures.
    kept = {key: len(rows[key]) for key in cells.SECTIONS}
    kept["warning"] = min(kept["warning"], cells.MAX_WARNINGS)
    for part in _CUT_FIRST:
        if len(text := attempt(kept)) <= LIMIT - _SAFETY_MARGIN:
            return text
        low, high = 0, kept[part]
        while low < high:  # binary search on how many rows of this part fit
            kept[part] = (low + high + 1) // 2
            if len(attempt(kept)) <= LIMIT - _SAFETY_MARGIN:
                low = kept[part]
            else:
                high = kept[part] - 1
        kept[part] = low
    return attempt(kept)


# Said for the record, under the results: where the baseline came from, and how the noise was learned (the
# suite's model, on every report against main: a warning box on each would teach readers to skip the real ones).
ROUTINE_NOTES = ("baseline: ", "short history (", "noise: learned from ")


def attention(note: str) -> bool:
    """Whether a note needs the reader (a warning box above the results) or is routine (a note under them)."""
    return not note.startswith(ROUTINE_NOTES)


@dataclass(frozen=True)
class _NextSteps:
    """What a blocked developer does next: reproduce it, or accept it; and where the rule is explained."""

    reproduce: str | None  # the command, when the baseline's commit is known
    waiver: str  # a ready [[waiver]] for the failing series
    help_url: str = BLOCKED_URL


def _next_steps(report: Report) -> _NextSteps:
    failing = list(dict.fromkeys(c.name for c in report.comparisons if c.fails))
    base = next((r.commit for r in report.baseline if r.commit), None)
    known = base is not None and re.fullmatch(r"[0-9a-fA-F]{4,64}", base) is not None  # a commit, not any text
    reproduce = f"perfgate run --base {base[:12]} -- <your benchmark command>" if known and base else None
    dates = [r.recorded_at for r in (*report.candidate, *report.baseline) if r.recorded_at is not None]
    # A month after the newest run; with no dated run (files compared locally) a date to fill in.
    until = f"{(max(dates) + timedelta(days=WAIVER_DAYS)):%Y-%m-%d}" if dates else "YYYY-MM-DD"
    matches = _waiver_matches(failing, {c.name for c in report.comparisons})
    blocks = [
        f"[[waiver]]\nmatch = {_toml_string(glob)}{said}\nuntil = {until}  # every waiver expires\n"
        'reason = "why this regression is accepted, and where it is tracked"'
        for glob, said in matches[:WAIVER_SNIPPETS]
    ]
    more = len(matches) - WAIVER_SNIPPETS
    tail = [f"# and {more} more waivers: a glob in match covers several series"] if more > 0 else []
    return _NextSteps(reproduce, "\n\n".join([*blocks, *tail]))


def _waiver_matches(failing: list[str], compared: set[str]) -> list[tuple[str, str]]:
    """A match per failing series, except that a benchmark's parameters failing together (17 of asv's
    ``time_on_offset(<Day>)``…, ``test_parse[small]`` and ``[big]``) get one glob over them: (glob, comment).
    The comment says what else the glob waives: the benchmark's series that passed (of ``compared``), and any
    parameter added before it expires — the reviewer decides, with the exact names one line away."""
    families: dict[str, list[str]] = {}
    for name in failing:
        families.setdefault(_family(name) or _literal_glob(name), []).append(name)
    found: list[tuple[str, str]] = []
    for glob, names in families.items():
        if len(names) == 1:
            found.append((_literal_glob(names[0]), ""))
            continue
        others = sum(1 for n in compared if fnmatch.fnmatchcase(n, glob) and n not in names)
        said = (
            f"  # {len(names)} of this benchmark's {len(names) + others} series failed: it waives the other "
            f"{others} too, and any added later"
            if others
            else f"  # all {len(names)} series of this benchmark failed; it waives any added later too"
        )
        found.append((glob, said))
    return found


def _family(name: str) -> str | None:
    """A glob over the name's parameters (``time_on_offset(*)``, ``test_parse[[]*[]]``), if it has any."""
    for opening, closing in ("()", "[]"):
        at = name.find(opening)
        if at > 0 and name.endswith(closing):
            return _literal_glob(name[: at + 1]) + "*" + _literal_glob(closing)
    return None


def _literal_glob(name: str) -> str:
    """A glob that matches exactly ``name``: a parametrised test's [1-2] is not a character class."""
    return "".join(f"[{c}]" if c in "[]*?" else c for c in name)


def _toml_string(text: str) -> str:
    """A TOML basic string (a JSON string is one) that cannot mention anyone, open a tag or close the code fence."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if c in "@<>`&" else c for c in _INVISIBLE.sub("", quoted))


def _refs(refs: tuple[RunRef, ...], report: Report) -> str:
    """The runs of a side: stored runs as links to their commits (never cut), files by name."""
    server_repo = _repository_url(report)
    shown = []
    for ref in refs:
        label = escape(ref.label, limit=None)
        if ref.commit and server_repo and (link := safe_url(f"{server_repo}/commit/{ref.commit}")):
            shown.append(f"[{label}]({link})")
        else:
            shown.append(label)
    return ", ".join(shown)


def _repository_url(report: Report) -> str | None:
    """https://SERVER/OWNER/NAME of the run that made the report (from its run URL), when known."""
    origin = report.origin
    if origin is None or not origin.repository:
        return None
    run_url = origin.run_url or ""
    marker = f"/{origin.repository}/"
    server = run_url.split(marker)[0] if marker in run_url else "https://github.com"
    return f"{server}/{origin.repository}"


def _series_layout(report: Report) -> _Layout:
    """One row per series: baseline, candidate, change with its interval, p."""
    show_metric = len({c.metric for c in report.comparisons}) > 1
    trends = {(name, metric): values for name, metric, values in report.history}
    pages = _pages(report)
    confidence = f"{report.settings.confidence * 100:.0f}%"

    rows: dict[str, list[dict[str, Any]]] = {key: [] for key in cells.SECTIONS}
    for c in cells.warnings_ranked(report.comparisons):
        trend, page = trends.get((c.name, c.metric), ()), pages.get((c.name, c.metric))
        rows[cells.section(c)].append(_row(c, show_metric, trend, page))
    return _Layout(
        columns=["benchmark", "baseline", "candidate", f"change [{confidence} CI]", "p"],
        aligns=[":--", "--:", "--:", ":--", "--:"],
        word="benchmark",
        rows=rows,
    )


_SHOWN = FAILING | WARNING


def _pages(report: Report) -> dict[tuple[str, str], str]:
    """Series pages on the history site, by (name, metric); only links that cannot break the Markdown."""
    return {(name, metric): url for name, metric, page in report.pages if (url := safe_url(page)) is not None}


def _linked(name: str, url: str | None) -> str:
    """An escaped name, as a link to its history page when there is one."""
    return f"[{name}]({url})" if url else name


def _row(c: Comparison, show_metric: bool, trend: tuple[float, ...], page: str | None) -> dict[str, Any]:
    return {
        "trend": sparkline(trend) if len(trend) > 1 else "",
        "name": _linked(escape(cells.label(c, show_metric)), page),
        "cells": [
            escape(cells.centre(c.baseline, c.unit)),
            escape(cells.centre(c.candidate, c.unit)),
            cells.change(c),
            cells.p_value(c),
        ],
        "verdict": cells.verdict_word(c),
        "reason": escape(_without_change(c.reason, cells.change(c))),
    }


def _without_change(reason: str, change: str) -> str:
    """The reason without the change it starts with, which the change column already shows."""
    said = f"{change} is "
    return reason[len(said) :] if change and reason.startswith(said) else reason


def _endpoint_layout(report: Report, endpoints: list[cells.Endpoint]) -> _Layout:
    """One row per endpoint: each metric as baseline → candidate and its change; the reasons of the parts that
    need a word, failing parts first."""
    metrics = cells.metric_columns(endpoints)
    trends = {(name, metric): values for name, metric, values in report.history}
    pages = _pages(report)
    word = cells.row_word(metrics)

    def row(e: cells.Endpoint) -> dict[str, Any]:
        explained = sorted((c for c in e.parts if c.verdict in _SHOWN or c.waived_by == "label"), key=cells.rank)
        first = explained[0].metric if explained else metrics[0]
        trend = trends.get((e.name, first), ())
        return {
            "trend": sparkline(trend) if len(trend) > 1 else "",
            "name": _linked(
                escape(e.name), next((pages[k] for k in ((e.name, m) for m in metrics) if k in pages), None)
            ),
            "cells": [
                "<br>".join(escape(part) for part in cells.endpoint_cell(e, m, both=True) if part) for m in metrics
            ],
            "verdict": cells.verdict_word(e.worst),
            "reason": "<br>".join(
                f"**{cells.part_title(c)}**: {escape(_with_spread(c), limit=None)}" for c in explained
            ),
        }

    rows: dict[str, list[dict[str, Any]]] = {key: [] for key in cells.SECTIONS}
    for e in endpoints:
        rows[e.section].append(row(e))
    return _Layout(
        columns=[word, *(cells.column_title(m) for m in metrics)],
        aligns=[":--"] * (len(metrics) + 1),
        word=word,
        rows=rows,
    )


def _with_spread(c: Comparison) -> str:
    """A part's reason, and for a time its mean ± σ on each side (hyperfine's words)."""
    spread = cells.spread(c)
    return f"{c.reason}; {spread}" if spread else c.reason


_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+")


def safe_url(url: str | None) -> str | None:
    """A link target (render/links.href) that also cannot break out of Markdown's ``[text](url)``: no brackets
    or quotes."""
    url = href(url)
    if url and _URL.fullmatch(url) and "'" not in url:
        return url
    return None


def _headline(report: Report) -> str:
    delta = format_percent(report.settings.max_regression)
    if report.failed:
        return ":x: perfgate: " + _failures(report.comparisons, blocking=True)
    if report.warn_only:
        said = _failures(report.warn_only, blocking=False)
        return f':warning: perfgate: warn-only: {said} (mode = "warn": does not fail the check)'
    if (waived := report.label_waived) and report.accepted is not None:
        label = escape(report.accepted.label)
        return f":white_check_mark: perfgate: {len(waived)} failing series waived by the label `{label}`"
    if report.run_shift is not None and report.run_shift.slower:
        return f":warning: perfgate: the whole run is slower; no series regressed beyond it by more than {delta}"
    if undecided := report.undecided:
        many = f"{len(undecided)} series" if len(undecided) != 1 else "1 series"
        return f":warning: perfgate: {many} may be worse by more than {delta}, but one summary a side cannot tell"
    return f":white_check_mark: perfgate: no regression beyond {delta}, no budget exceeded"


def _failures(comparisons: tuple[Comparison, ...], *, blocking: bool) -> str:
    """'1 regression beyond the allowed change and 2 budgets exceeded', of the series that fail (``blocking``) or
    of the warn-only ones."""
    chosen = [c for c in comparisons if (c.fails if blocking else c.verdict in FAILING and c.warn_only)]

    def count(verdict: Verdict) -> int:
        return sum(1 for c in chosen if c.verdict is verdict)

    parts = []
    if n := count(Verdict.REGRESSION):
        parts.append(f"{n} regression{'s' if n != 1 else ''} beyond the allowed change")
    if n := count(Verdict.BUDGET_EXCEEDED):
        parts.append(f"{n} budget{'s' if n != 1 else ''} exceeded")
    if n := count(Verdict.UNIT_CHANGED):
        parts.append(f"{n} series in a unit that cannot be compared with the baseline's")
    return " and ".join(parts)
