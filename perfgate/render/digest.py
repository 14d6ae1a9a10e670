"""The weekly digest as mail parts: a subject, a plain-text part, an HTML part and its inline charts.

Both parts come from templates/digest.txt.j2 and templates/digest.html.j2 with the same rows, so they
always state the same facts. Series names come from results files: the HTML template autoescapes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from perfgate.gate.phrases import format_change, format_ends
from perfgate.history.change_points import MAX_P, STEP_CONFIDENCE
from perfgate.history.digest import (
    HEADROOM,
    Chart,
    Digest,
    DriftFinding,
    HeadroomFinding,
    NoiseFinding,
    PullRequest,
    StepFinding,
)
from perfgate.history.series import History
from perfgate.render import chart
from perfgate.render.links import Links, href, linkable
from perfgate.resources import resource_dir
from perfgate.site_address import series_url
from perfgate.units import format_value

SUBJECT_LIMIT = 150
# A suite of 1,500 series (pandas') had 122 steps in one week and 784 series too noisy: listed one by one, a mail
# of 1,800 lines. A commit's steps are one entry, its largest STEPS_SHOWN named; series with the same fix one entry,
# the noisiest NOISY_SHOWN named; at most COMMITS_SHOWN commits and NAMES_SHOWN new or removed names.
STEPS_SHOWN = 5
NOISY_SHOWN = 5
COMMITS_SHOWN = 20
NAMES_SHOWN = 20


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    images: tuple[tuple[str, bytes], ...]  # (Content-ID, PNG) in the order the HTML shows them


def render(digest: Digest, *, name: str, links: Links | None = None, site_url: str | None = None) -> Rendered:
    """Subject, both parts and the charts of one digest; ``name`` says whose digest it is (repo or suites).
    With ``site_url`` (the published `perfgate site`), each series links to its history page."""
    page = None
    site_url = href(site_url)
    if site_url is not None:
        root = site_url

        def page(h: History) -> str | None:
            return series_url(root, h.suite, h.name, h.metric)

    context = context_of(digest, name, links, page)
    context["site_url"] = site_url
    env = _environment()
    return Rendered(
        subject=context["subject"],
        text=env.get_template("digest.txt.j2").render(context).strip() + "\n",
        html=env.get_template("digest.html.j2").render(context),
        images=tuple((c.cid, chart.png(c)) for c, _ in digest.charts),
    )


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _subject(name: str, summary: str) -> str:
    """One line whatever the names hold, cut at a clause of the summary (never mid-word) when it is too long."""
    name = " ".join(name.split())
    if len(name) > SUBJECT_LIMIT // 3:
        name = name[: SUBJECT_LIMIT // 3 - 1].rsplit(" ", 1)[0].rstrip(",") + "…"
    subject = " ".join(f"perfgate weekly for {name}: {summary}".split())
    if len(subject) <= SUBJECT_LIMIT:
        return subject
    cut = subject[: SUBJECT_LIMIT - 2]
    at = max(cut.rfind(", "), cut.rfind(" and "))
    return (cut[:at] if at > len(subject) - len(summary) else cut.rsplit(" ", 1)[0]) + ", …"


def context_of(
    digest: Digest, name: str, links: Links | None, page: Callable[[History], str | None] | None = None
) -> dict[str, Any]:
    """The rows both parts show; the history site shows the same findings. ``page`` gives a series' page."""
    links = linkable(links)

    def with_page(row: dict[str, Any], history: History) -> dict[str, Any]:
        row["page"] = page(history) if page is not None else None
        return row

    steps = [with_page(_step(f, links), f.history) for f in digest.steps]  # built once: listed and grouped
    noisy = [with_page(_noise(f, digest.options.baseline_runs), f.history) for f in digest.noisy]
    period = _period(digest.start, digest.end)
    short = digest.summary.rstrip(".")
    subject = _subject(name, short)
    return {
        "subject": subject,
        "name": name,
        "period": period,
        "summary": digest.summary,
        "runs": digest.runs,
        "series": digest.series,
        "steady": digest.steady,
        "empty": digest.empty,
        "delta": f"{digest.options.max_regression:.0%}",
        "max_p": f"{MAX_P:.10f}".rstrip("0"),
        "step_confidence": f"{STEP_CONFIDENCE:.0%}",
        "headroom_limit": f"{HEADROOM:.0%}",
        "home": links.home if links else None,
        "steps": steps,
        "step_groups": _step_groups(steps),
        "drifts": [with_page(_drift(f), f.history) for f in digest.drifts],
        "headroom": [with_page(_headroom(f), f.history) for f in digest.headroom],
        "noisy": noisy,
        "noisy_groups": _noise_groups(noisy),
        "blocked": [_pull(p, links) for p in digest.blocked],
        "waived": [_pull(p, links) for p in digest.waived],
        "new": _names(h.label for h in digest.new),
        "removed": _names(h.label for h in digest.removed),
        "charts": [with_page({"cid": c.cid, "title": c.title, "caption": _caption(c)}, h) for c, h in digest.charts],
        "suites": ", ".join(digest.suites) or "none",
    }


def _period(start: datetime, end: datetime) -> str:
    last = end - timedelta(microseconds=1)
    return f"{start:%a %d %b} to {last:%a %d %b %Y}"


def _step(f: StepFinding, links: Links | None) -> dict[str, Any]:
    unit = f.history.unit
    at = f.at
    pr_link = None
    if links:
        pr_link = links.pull(at.pr_number) if at.pr_number else links.pulls_with(at.commit)
    return {
        "label": f.history.label,
        "change": format_change(f.step.ratio),
        "interval": _interval(f.interval),
        "kind": "regression" if f.regression else "improvement",
        "before": format_value(f.step.before, unit),
        "after": format_value(f.step.after, unit),
        "commit": at.commit[:12],
        "previous": f.before.commit[:12],
        "when": f"{at.recorded_at:%a %d %b %H:%M} UTC",
        "pr": f"#{at.pr_number}" if at.pr_number else "its pull request",
        "commit_url": links.commit(at.commit) if links else None,
        "compare_url": links.compare(f.before.commit, at.commit) if links else None,
        "pr_url": pr_link,
    }


def _step_groups(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The steps by commit and kind (a change that slowed 100 series is one entry), in the order of each group's
    largest step; each with its largest STEPS_SHOWN rows and how many more; at most COMMITS_SHOWN groups."""
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:  # the same window of commits: what the entry's commit, time and links say holds for each
        grouped.setdefault((row["kind"], row["previous"], row["commit"]), []).append(row)
    groups = [
        {
            **members[0],
            "count": len(members),
            "members": members,  # the site lists them all, folded
            "rows": members[:STEPS_SHOWN],
            "more": len(members) - STEPS_SHOWN,
            "smallest": members[-1]["change"],
        }
        for members in grouped.values()
    ]
    shown, hidden = groups[:COMMITS_SHOWN], groups[COMMITS_SHOWN:]
    return {
        "shown": shown,
        "hidden": hidden,  # the mail counts them; the site lists them
        "more_commits": len({g["commit"] for g in hidden} - {g["commit"] for g in shown}),
        "more_series": sum(g["count"] for g in hidden),
    }


def _noise_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The noisy series by the kind of fix they need (more samples, more baseline runs, or neither helps), in the
    order of each group's noisiest series; each with its noisiest NOISY_SHOWN rows, how many more, and the fix with
    its numbers as a range (pool 6 to 82 baseline runs)."""
    grouped: dict[tuple[bool, bool, bool], list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["fix"], []).append(row)
    return [
        {
            "advice": _advice(members),
            "count": len(members),
            "members": members,
            "rows": members[:NOISY_SHOWN],
            "more": len(members) - NOISY_SHOWN,
            "least": members[-1]["between"],
            "within": _within_range(members),
        }
        for members in grouped.values()
    ]


def _advice(members: list[dict[str, Any]]) -> str:
    """The fix for series that need the same kind of it (one series, or a group), its numbers as a range."""
    first = members[0]
    advice: list[str] = []
    if first["samples_needed"] is not None:
        needed = sorted(m["samples_needed"] for m in members)
        now = sorted({m["samples"] for m in members})
        had = f"now {now[0]}" if len(now) == 1 else f"now {now[0]} to {now[-1]}"
        advice.append(f"take {_span(needed[0], needed[-1])} samples per run ({had})")
    if not first["fix"][1]:
        advice.append(
            "runs differ more than any number of baseline runs can average out: compare base and head in the "
            "same job (docs/baselines.md) or use a quieter runner"
        )
    elif first["runs_needed"] is not None:
        needed = sorted(m["runs_needed"] for m in members)
        advice.append(
            f"pool {_span(needed[0], needed[-1])} baseline runs (baseline_runs in perfgate.toml; "
            f"now {first['baseline_runs']})"
        )
    return "; ".join(advice)


def _within_range(members: list[dict[str, Any]]) -> str:
    """The spread within a run across a group: '±0.9% to ±1.0%', one value, or 'unknown' for all unknown."""
    known = sorted(m["within_fraction"] for m in members if m["within_fraction"] is not None)
    if not known:
        return "unknown"
    low, high = f"±{known[0]:.1%}", f"±{known[-1]:.1%}"
    said = low if low == high else f"{low} to {high}"
    return said if len(known) == len(members) else f"{said} (unknown for {len(members) - len(known)})"


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}"


def _names(labels: Any) -> dict[str, Any]:
    """New or removed series: the first NAMES_SHOWN by name, and how many more."""
    ordered = sorted(labels)
    return {"shown": ordered[:NAMES_SHOWN], "more": len(ordered) - NAMES_SHOWN, "count": len(ordered)}


def _interval(ends: tuple[float, float] | None) -> str:
    """' [+15.2%, +20.6%]': a step's interval, or nothing with too few runs for one."""
    return f" {format_ends(*ends)}" if ends is not None else ""


def _drift(f: DriftFinding) -> dict[str, Any]:
    return {
        "label": f.history.label,
        "change": format_change(f.drift.ratio),
        "kind": "regression" if f.regression else "improvement",
        "runs": f.drift.runs,
    }


def _headroom(f: HeadroomFinding) -> dict[str, Any]:
    unit = f.limit.unit
    left = f"{f.headroom:.0%} left" if f.headroom > 0 else f"{-f.headroom:.0%} over"
    return {
        "label": f.history.label,
        "statistic": f.limit.statistic,
        "value": format_value(f.value, unit),  # a rate as everywhere else (format_rate)
        "limit": f.limit.text,
        "left": left,
        "over": f.headroom <= 0,
        "commit": f.at.commit[:12],
    }


def _noise(f: NoiseFinding, baseline_runs: int) -> dict[str, Any]:
    within = f.noise.within_run
    row = {
        "label": f.history.label,
        "between": f"±{f.noise.between_runs:.1%}",
        "within": f"±{within:.1%}" if within is not None and math.isfinite(within) else "unknown",
        "within_fraction": within if within is not None and math.isfinite(within) else None,
        # The kind of fix, by which series are grouped, and its numbers, which a group gives as a range.
        "fix": (f.samples_needed is not None, f.runs_fixable, f.runs_needed is not None),
        "samples_needed": f.samples_needed,
        "samples": f.samples,
        "runs_needed": f.runs_needed,
        "baseline_runs": baseline_runs,
    }
    row["advice"] = _advice([row])
    return row


def _pull(p: PullRequest, links: Links | None) -> dict[str, Any]:
    latest = p.latest
    if p.blocked:
        state = "still failing" if latest.verdict == "fail" else "passed after a fix"
    else:
        state = "passed with a waiver"
    details = (
        latest.failing
        if latest.verdict == "fail"
        else latest.waived or tuple(item for d in p.decisions for item in d.failing)
    )
    url = None
    if links and p.pr_number is not None:
        url = links.pull(p.pr_number)
    elif links:
        url = links.commit(latest.head_commit)
    return {
        "label": f"#{p.pr_number}" if p.pr_number is not None else latest.head_commit[:12],
        "url": url,
        "run_url": href(latest.run_url),
        "state": state,
        "runs": len(p.decisions),
        "details": [_shorten(d) for d in details[:3]] + ([f"and {len(details) - 3} more"] if len(details) > 3 else []),
    }


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _caption(c: Chart) -> str:
    what = "median per run" if c.statistic == "median" else f"{c.statistic} per run"
    parts = [what]
    if c.marks:
        parts.append("dashed red line: change point")
    if c.limit is not None:
        parts.append(f"dashed orange line: {c.limit_label}")
    return "; ".join(parts)
