"""The history site as files: index.html, a page and a data script per series, a data script per suite, and the
vendored assets.

Each series' data is a small script beside its page (``series/NAME.js``), loaded by that page only, so the
index stays small however many series there are, and every page works from ``file://`` (a browser does not
let a page fetch JSON from disk, but it runs a script). What all of a suite's pages share (its runs' times and
commits, the gate's decisions) is one script (``suites/SUITE.js``), not a copy in each; everything else the
pages need is in ``assets/``: no CDN. The site grows with series, not with series x runs x what pages repeat.
"""

from __future__ import annotations

import math
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from perfgate.errors import InputError
from perfgate.gate.phrases import format_change, format_ends
from perfgate.history import change_points
from perfgate.history.site import DRAWN_STATISTICS, PageRow, PullMark, SeriesPage, Site, SuiteRuns
from perfgate.model import FloatArray
from perfgate.render import digest as digest_render
from perfgate.render import links as links_render
from perfgate.resources import resource_dir
from perfgate.site_address import suite_path
from perfgate.units import display_scale, format_value

ASSETS = ("uPlot.iife.min.js", "uPlot.min.css", "uPlot.LICENSE", "site.css", "series.js", "index.js")
SHOWN_PULLS = 20  # a series page lists the latest decisions that blocked or waived it, and counts the rest
MARKER = ".perfgate-site"  # a directory holding it was built by perfgate site: a rebuild may replace its files

Fixed = tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]  # values as integers, and where each is known


@dataclass(frozen=True)
class Written:
    pages: int
    bytes: int


@contextmanager
def building(out: Path, *, name: str, links: links_render.Links | None) -> Iterator[SiteWriter]:
    """A writer of the site into ``out`` (created if needed), replacing an earlier build when the block ends.

    The pages are written into a new directory beside ``out`` and swapped in when all are written: a rebuild
    that fails (a full disk, a template error) leaves the previous pages as they were, never a truncated
    index.html or half a site. A directory that holds other files is refused: a site built into the
    repository's root would overwrite its index.html."""
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError(str(out), "holds other files and no earlier site: give a new or empty directory")
    target = out.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = target.parent / f".{target.name}.building-{os.getpid()}-{secrets.token_hex(4)}"
    folder.mkdir()  # beside the target: the same file system, so the swap is a rename
    try:
        writer = SiteWriter(folder, name, links)
        yield writer
        if not writer.finished:
            raise RuntimeError("the site's index was not written")
        _swap(folder, target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


class SiteWriter:
    """Writes the site a file at a time: the shared assets, a data script per suite, then a page and a data script
    per series as each is made (nothing of a page is kept but its row in the index), then the index."""

    def __init__(self, out: Path, name: str, links: links_render.Links | None) -> None:
        self.out, self.name, self.links = out, name, links_render.linkable(links)
        self.env = _environment()
        self.series_template = self.env.get_template("site/series.html.j2")
        self.pages, self.bytes, self.finished = 0, 0, False
        (out / "series").mkdir()
        (out / "suites").mkdir()
        (out / MARKER).write_text("built by perfgate site; a rebuild replaces the files in this directory\n")
        (out / "assets").mkdir()
        source = resource_dir("templates") / "site" / "assets"
        for asset in ASSETS:
            shutil.copyfile(source / asset, out / "assets" / asset)
        (out / ".nojekyll").write_bytes(b"")  # GitHub Pages serves the files as they are

    def suite(self, suite: SuiteRuns) -> None:
        """The suite's runs (times, commits) and decisions, which each of its series pages loads once."""
        data = b"window.perfgateSuite = " + orjson.dumps(_suite_data(suite, self.links)) + b";\n"
        self.bytes += _put(self.out / suite_path(suite.suite), data)

    def page(self, page: SeriesPage, suite: SuiteRuns, *, days: int, branch: str, generated_at: datetime) -> None:
        context = _series_context(page, suite, self.name, self.links, days=days, branch=branch, when=generated_at)
        html = self.series_template.render(context)
        data = b"window.perfgateSeries = " + orjson.dumps(_series_data(page, suite)) + b";\n"
        self.bytes += _put(self.out / page.path, html.encode()) + _put(self.out / _data_path(page.path), data)
        self.pages += 1

    def index(self, site: Site) -> Written:
        index = self.env.get_template("site/index.html.j2").render(_index_context(site, self.name, self.links))
        self.bytes += _put(self.out / "index.html", index.encode())
        self.pages += 1
        self.finished = True
        return Written(self.pages, self.bytes)


def _data_path(page: str) -> str:
    return page.removesuffix(".html") + ".js"


def _swap(built: Path, target: Path) -> None:
    """Put the finished build where the site is; the previous build, if any, is removed after the swap."""
    if not target.exists():
        built.rename(target)
        return
    previous = built.with_name(built.name.replace(".building-", ".previous-"))
    target.rename(previous)
    try:
        built.rename(target)
    except OSError:
        previous.rename(target)  # put the old site back rather than leave none
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _put(path: Path, data: bytes) -> int:
    path.write_bytes(data)
    return len(data)


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _index_context(site: Site, name: str, links: links_render.Links | None) -> dict[str, Any]:
    context = digest_render.context_of(site.digest, name, links, site.page_of)
    suites = []
    for suite in site.suites:
        rows = [_index_row(p) for p in site.pages if p.suite == suite]
        suites.append({"name": suite, "rows": rows})
    return {
        **context,
        "title": f"perfgate: {name}",
        "generated": _when(site.generated_at),
        "days": site.days,
        "branch": site.branch,
        "suites_list": suites,
        "series_count": len(site.pages),
        "home": links.home if links else None,
    }


def _index_row(row: PageRow) -> dict[str, Any]:
    change = None
    if row.runs > 1 and row.first > 0 and math.isfinite(row.latest):
        change = row.latest / row.first - 1
    return {
        "name": row.name,
        "metric": row.metric,
        "page": row.path,
        "latest": _format(row.latest, row.unit),
        "change": f"{change:+.1%}" if change is not None else "",
        "runs": row.runs,
        "status": row.status,
        "when": _when(row.latest_at),
    }


def _series_context(
    page: SeriesPage,
    suite: SuiteRuns,
    name: str,
    links: links_render.Links | None,
    *,
    days: int,
    branch: str,
    when: datetime,
) -> dict[str, Any]:
    h = page.series
    shown = page.pulls[-SHOWN_PULLS:]
    runs = [suite.runs[int(h.positions[s.index])] for s in page.steps]  # the run each step starts at
    return {
        "title": f"{h.label} · perfgate: {name}",
        "site_name": name,
        "label": h.label,
        "suite": h.suite,
        "name": h.name,
        "metric": h.metric,
        "status": page.status,
        "better": "lower is better" if h.direction == "lower" else "higher is better",
        "latest": _format(h.medians[-1], h.unit),
        "runs": h.runs,
        "days": days,
        "branch": branch,
        "suite_script": "../" + suite_path(suite.suite),
        "script": Path(_data_path(page.path)).name,
        "steps": [
            {
                "commit": run.commit[:12],
                "when": _when(run.recorded_at),
                "change": format_change(s.ratio),
                "interval": format_ends(*ends) if ends is not None else None,
                "before": _format(s.before, h.unit),
                "after": _format(s.after, h.unit),
            }
            for s, run, ends in zip(page.steps, runs, page.intervals, strict=True)
        ],
        "step_confidence": f"{change_points.STEP_CONFIDENCE:.0%}",
        "limits": [f"{limit.statistic} {limit.text}" for limit in page.limits],
        "judged": page.judged,
        "blocked": sum(1 for m in page.pulls if m.outcome == "fail"),
        "waived": sum(1 for m in page.pulls if m.outcome == "waived"),
        "pulls": [_pull_row(m, links) for m in reversed(shown)],
        "more_pulls": len(page.pulls) - len(shown),
        "generated": _when(when),
        "home": links.home if links else None,
    }


def _pull_row(mark: PullMark, links: links_render.Links | None) -> dict[str, Any]:
    label = f"#{mark.pr_number}" if mark.pr_number is not None else mark.commit[:12]
    url = None
    if links:
        url = links.pull(mark.pr_number) if mark.pr_number is not None else links.commit(mark.commit)
    return {"label": label, "url": url, "outcome": mark.outcome, "reason": mark.reason, "when": _when(mark.recorded_at)}


def _suite_data(suite: SuiteRuns, links: links_render.Links | None) -> dict[str, Any]:
    """What every page of the suite draws: the runs' times (seconds) and 12-digit commits, and each decision's
    time and label (a page marks the ones that blocked or waived its series; the others passed it)."""
    return {
        "time": [int(r.recorded_at.timestamp()) for r in suite.runs],
        "commit": [r.commit[:12] for r in suite.runs],
        "pulls": [
            {
                "time": int(d.recorded_at.timestamp()),
                "label": f"#{d.pr_number}" if d.pr_number is not None else d.head_commit[:12],
            }
            for d in suite.decisions
        ],
        "commitUrl": links.commit("") if links else None,
    }


def _series_data(page: SeriesPage, suite: SuiteRuns) -> dict[str, Any]:
    """What the chart and the table draw, in display units (the axis of a 2 ms series reads in ms), compact: values
    to 6 significant digits as integers of 10^-digits of the unit, the range and p95 as offsets from the median,
    the runs as spans of the suite's runs, sample counts run-length coded. 1,000 runs are about 18 kB."""
    h = page.series
    finite = h.medians[np.isfinite(h.medians)]
    middle = float(np.median(finite)) if finite.size else 1.0
    scale, suffix = display_scale(middle, h.unit)
    if not math.isfinite(middle / scale):  # 1e307 as a percentage is beyond float: draw it unscaled
        scale, suffix = 1.0, ""

    def shown(values: FloatArray) -> FloatArray:
        with np.errstate(over="ignore", invalid="ignore"):  # a value beyond float's range is drawn as a gap
            return values / scale

    median, low, high = shown(h.medians), shown(h.low), shown(h.high)
    p95 = shown(h.p95) if h.p95 is not None else None
    digits = _digits(middle / scale, [median, low, high] + ([p95] if p95 is not None else []))
    whole = _fixed(median, digits)
    return {
        "label": h.label,
        "suffix": suffix,
        "digits": digits,
        "runs": _spans(h.positions),
        "median": _listed(whole),
        "low": _offsets(whole, _fixed(low, digits), below=True),
        "high": _offsets(whole, _fixed(high, digits)),
        "p95": _offsets(whole, _fixed(p95, digits)) if p95 is not None else None,
        "n": _run_lengths(h.counts),
        "steps": [{"index": s.index, "change": format_change(s.ratio)} for s in page.steps],
        "limits": [
            {
                "label": f"budget: {limit.statistic} {limit.text}",
                "value": limit.value / scale,
                "line": DRAWN_STATISTICS[limit.statistic],
            }
            for limit in page.limits
        ],
        "pullsFrom": len(suite.decisions) - page.judged,  # the suite's decisions from here on are drawn
        "pulls": [[m.decision, m.outcome, m.reason] for m in page.pulls],  # the others passed the series
    }


def _digits(typical: float, columns: list[FloatArray]) -> int:
    """Decimal places for 6 significant digits of a typical value, fewer when the largest value would not fit an
    integer a browser holds exactly (2^53)."""
    digits = 5 - math.floor(math.log10(abs(typical))) if typical and math.isfinite(typical) else 6
    largest = max((float(np.nanmax(np.abs(c))) for c in columns if np.isfinite(c).any()), default=0.0)
    if largest > 0:
        digits = min(digits, math.floor(math.log10(2**53 / largest)))
    return max(min(digits, 308), -308)  # 10.0 ** 309 is beyond float


def _fixed(values: FloatArray, digits: int) -> Fixed:
    """Values as integers of 10^-digits, with where each is known (finite): the same figures as rounding to
    ``digits``."""
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.rint(values * 10.0**digits) if digits >= 0 else np.rint(values / 10.0**-digits)
    known = np.isfinite(scaled) & (np.abs(scaled) < 2.0**63)  # `_digits` keeps them below 2^53
    return np.where(known, scaled, 0).astype(np.int64), known


def _listed(fixed: Fixed) -> list[int | None]:
    """The integers as JSON numbers, null where unknown."""
    values, known = fixed
    listed: list[int | None] = values.tolist()
    if not known.all():
        for i in np.flatnonzero(~known).tolist():
            listed[i] = None
    return listed


def _offsets(base: Fixed, values: Fixed, *, below: bool = False) -> list[int | None]:
    """Each value as its distance from the run's median (a few digits where the value itself has six)."""
    offsets = base[0] - values[0] if below else values[0] - base[0]
    return _listed((offsets, base[1] & values[1]))


def _spans(positions: npt.NDArray[np.int64]) -> list[list[int]]:
    """Ascending positions as [first, count] spans: a series measured in every run is one span."""
    starts = np.flatnonzero(np.diff(positions, prepend=positions[:1] - 2) != 1)  # where a position skips
    counts = np.diff(starts, append=positions.size)
    spans: list[list[int]] = np.stack([positions[starts], counts], axis=1).tolist()
    return spans


def _run_lengths(values: npt.NDArray[np.int64]) -> list[list[int]]:
    """[value, repeats] pairs: a series' sample count changes seldom."""
    starts = np.flatnonzero(np.diff(values, prepend=values[:1] - 1) != 0)
    repeats = np.diff(starts, append=values.size)
    runs: list[list[int]] = np.stack([values[starts], repeats], axis=1).tolist()
    return runs


def _format(value: float, unit: str) -> str:
    return format_value(float(value), unit) if math.isfinite(value) else "\u2013"


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"
