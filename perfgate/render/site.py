"""The history site as files: index.html, a page and a data script per series, and the vendored assets.

Each series' data is a small script beside its page (``series/NAME.js``), loaded by that page only, so the
index stays small however many series there are, and every page works from ``file://`` (a browser does not
let a page fetch JSON from disk, but it runs a script). Everything the pages need is in ``assets/``: no CDN.
"""

from __future__ import annotations

import math
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from perfgate.errors import InputError
from perfgate.history.series import History
from perfgate.history.site import DRAWN_STATISTICS, PullMark, SeriesPage, Site
from perfgate.render import digest as digest_render
from perfgate.render import links as links_render
from perfgate.resources import resource_dir
from perfgate.units import display_scale, format_value

ASSETS = ("uPlot.iife.min.js", "uPlot.min.css", "uPlot.LICENSE", "site.css", "series.js", "index.js")
MARKER = ".perfgate-site"  # a directory holding it was built by perfgate site: a rebuild may replace its files


@dataclass(frozen=True)
class Written:
    pages: int
    bytes: int


def write(site: Site, out: Path, *, name: str, links: links_render.Links | None) -> Written:
    """Write the whole site into ``out`` (created if needed), replacing an earlier build.

    The pages are written into a new directory beside ``out`` and swapped in when all are written: a rebuild
    that fails (a full disk, a template error) leaves the previous pages as they were, never a truncated
    index.html or half a site. A directory that holds other files is refused: a site built into the
    repository's root would overwrite its index.html."""
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError(str(out), "holds other files and no earlier site: give a new or empty directory")
    target = out.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.parent / f".{target.name}.building-{os.getpid()}-{secrets.token_hex(4)}"
    building.mkdir()  # beside the target: the same file system, so the swap is a rename
    try:
        written = _write_into(building, site, name, links)
        _swap(building, target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return written


def _write_into(out: Path, site: Site, name: str, links: links_render.Links | None) -> Written:
    links = links_render.linkable(links)
    env = _environment()
    (out / "series").mkdir()
    (out / MARKER).write_text("built by perfgate site; a rebuild replaces the files in this directory\n")
    (out / "assets").mkdir()
    source = resource_dir("templates") / "site" / "assets"
    for asset in ASSETS:
        shutil.copyfile(source / asset, out / "assets" / asset)
    (out / ".nojekyll").write_bytes(b"")  # GitHub Pages serves the files as they are
    total = 0
    series_template = env.get_template("site/series.html.j2")
    for page in site.pages:
        html = series_template.render(_series_context(site, page, name, links))
        data = b"window.perfgateSeries = " + orjson.dumps(_series_data(page, links)) + b";\n"
        total += _put(out / page.path, html.encode()) + _put(out / page.path.replace(".html", ".js"), data)
    index = env.get_template("site/index.html.j2").render(_index_context(site, name, links))
    total += _put(out / "index.html", index.encode())
    return Written(len(site.pages) + 1, total)


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
    def page(history: History) -> str | None:
        shown = site.page_of(history)
        return shown.path if shown is not None else None

    context = digest_render.context_of(site.digest, name, links, page)
    suites = []
    for suite in site.suites:
        rows = [_index_row(p) for p in site.pages if p.history.suite == suite]
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


def _index_row(page: SeriesPage) -> dict[str, Any]:
    h = page.history
    latest = page.latest
    change = None
    if len(h.points) > 1 and h.medians[0] > 0 and math.isfinite(h.medians[-1]):
        change = float(h.medians[-1] / h.medians[0]) - 1
    return {
        "name": h.name,
        "metric": h.metric,
        "page": page.path,
        "latest": _format(h.medians[-1], h.unit),
        "change": f"{change:+.1%}" if change is not None else "",
        "runs": len(h.points),
        "status": page.status,
        "when": _when(latest.recorded_at),
    }


def _series_context(site: Site, page: SeriesPage, name: str, links: links_render.Links | None) -> dict[str, Any]:
    h = page.history
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
        "runs": len(h.points),
        "days": site.days,
        "branch": site.branch,
        "script": Path(page.path).with_suffix(".js").name,
        "steps": [
            {
                "commit": h.points[s.index].commit[:12],
                "when": _when(h.points[s.index].recorded_at),
                "change": f"{s.ratio - 1:+.1%}",
                "before": _format(s.before, h.unit),
                "after": _format(s.after, h.unit),
            }
            for s in page.steps
        ],
        "limits": [f"{limit.statistic} {limit.text}" for limit in page.limits],
        "pulls": [_pull_row(m, links) for m in reversed(page.pulls)],
        "generated": _when(site.generated_at),
        "home": links.home if links else None,
    }


def _pull_row(mark: PullMark, links: links_render.Links | None) -> dict[str, Any]:
    label = f"#{mark.pr_number}" if mark.pr_number is not None else mark.commit[:12]
    url = None
    if links:
        url = links.pull(mark.pr_number) if mark.pr_number is not None else links.commit(mark.commit)
    return {"label": label, "url": url, "outcome": mark.outcome, "reason": mark.reason, "when": _when(mark.recorded_at)}


def _series_data(page: SeriesPage, links: links_render.Links | None) -> dict[str, Any]:
    """What the chart and the table draw, in display units (the axis of a 2 ms series reads in ms), with
    values to 6 significant digits and 12-digit commits: a series of 1,000 runs is about 60 kB."""
    h = page.history
    finite = h.medians[np.isfinite(h.medians)]
    middle = float(np.median(finite)) if finite.size else 1.0
    scale, suffix = display_scale(middle, h.unit)
    if not math.isfinite(middle / scale):  # 1e307 as a percentage is beyond float: draw it unscaled
        scale, suffix = 1.0, ""
    points = h.points

    typical = middle / scale
    decimals = 5 - math.floor(math.log10(abs(typical))) if typical else 6  # 6 significant digits of a typical value

    def scaled(values: list[float | None]) -> list[float | None]:
        with np.errstate(over="ignore", invalid="ignore"):  # a value beyond float's range is drawn as a gap
            array = np.array([math.nan if v is None else v for v in values], dtype=np.float64) / scale
            rounded = np.round(array, decimals).tolist()
        return [v if math.isfinite(v) else None for v in rounded]

    p95 = [p.summary.p95 for p in points]
    return {
        "label": h.label,
        "suffix": suffix,
        "time": [int(p.recorded_at.timestamp()) for p in points],
        "median": scaled([float(m) for m in h.medians]),
        "low": scaled([p.summary.min for p in points]),
        "high": scaled([p.summary.max for p in points]),
        "p95": scaled(p95) if all(v is not None for v in p95) else None,
        "n": [p.summary.count for p in points],
        "commit": [p.commit[:12] for p in points],
        "steps": [{"index": s.index, "change": f"{s.ratio - 1:+.1%}"} for s in page.steps],
        "limits": [
            {
                "label": f"budget: {limit.statistic} {limit.text}",
                "value": limit.value / scale,
                "line": DRAWN_STATISTICS[limit.statistic],
            }
            for limit in page.limits
        ],
        "pulls": [
            {
                "time": int(m.recorded_at.timestamp()),
                "label": f"#{m.pr_number}" if m.pr_number is not None else m.commit[:12],
                "outcome": m.outcome,
                "reason": m.reason,
            }
            for m in page.pulls
        ],
        "commitUrl": links.commit("") if links else None,
    }


def _format(value: float, unit: str) -> str:
    return format_value(float(value), unit) if math.isfinite(value) else "\u2013"


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"
