"""`perfgate alert`'s words: the GitHub issue of a step on main (title, body with its hidden marker, the comment
that closes it), the Slack-compatible message and the generic JSON body of a webhook, and the terminal line.

The marker is how perfgate finds its own issue again: an HTML comment (invisible on GitHub) holding the step's
identity as JSON. Series names and pull-request titles come from outside: escaped wherever they are shown.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from perfgate.gate.phrases import format_change, format_percent
from perfgate.history.alerts import Announced, Recovery, Regression
from perfgate.history.series import History
from perfgate.model import Direction, Window
from perfgate.render.links import Links, href, linkable
from perfgate.render.markdown import escape_text
from perfgate.site_address import series_url
from perfgate.units import count, format_value

MARKER_PREFIX = "<!-- perfgate:alert "
_MARKER = re.compile(r"<!-- perfgate:alert (\{.*?\}) -->")
TIME_METRICS = ("time", "latency")


@dataclass(frozen=True)
class Where:
    """Where the step can be looked at: the repository's pages, the history site, its issue."""

    repository: str | None = None  # owner/name
    server: str = "https://github.com"
    site_url: str | None = None
    window: Window | None = None  # the commits of the step and their pull requests, from the API
    issue_url: str | None = None

    @property
    def links(self) -> Links | None:
        return linkable(Links(self.repository, self.server)) if self.repository else None

    def commit(self, sha: str) -> str:
        link = self.links.commit(sha) if self.links else None
        return f"[`{sha[:10]}`]({link})" if link else f"`{sha[:10]}`"

    def compare(self, before: str, after: str) -> str | None:
        return self.links.compare(before, after) if self.links else None

    def page(self, history: History) -> str | None:
        return href(series_url(self.site_url, *history.key)) if self.site_url else None

    def issue_url_of(self, number: int | None) -> str | None:
        """The page of the repository's issue ``number`` (None without a number or a repository)."""
        return href(self.links.issue(number)) if self.links and number is not None else None


# --- the marker ----------------------------------------------------------------------------------


def marker(step: Announced, *, ratio: float | None = None, back: bool = False) -> str:
    """The step's identity (never changed once announced), the size last written (to tell a moved size) and
    whether its series is back (a commit's issue stays open for the others)."""
    data = {"suite": step.suite, "name": step.name, "metric": step.metric, "first_bad": step.first_bad}
    shown = {"ratio": round(ratio, 6)} if ratio is not None and math.isfinite(ratio) else {}
    state = {"back": True} if back else {}
    text = json.dumps({**data, "before": step.before, **shown, **state}, ensure_ascii=True, sort_keys=True)
    return MARKER_PREFIX + text.replace(">", "\\u003e") + " -->"  # a name holding "-->" cannot end the comment


def _marked(body: str) -> Iterator[dict[str, Any]]:
    """Each marker's JSON in an issue body, in order (a damaged one left out)."""
    for match in _MARKER.finditer(body):
        try:
            data = json.loads(match.group(1))
        except ValueError:
            continue
        if isinstance(data, dict):
            yield data


def read_markers(body: str, *, issue: int | None = None) -> list[Announced]:
    """The steps an issue body's markers name, in their order (a damaged marker is left out); a step marked back
    is ``recovered``."""
    found = []
    for data in _marked(body):
        try:
            before = float(data["before"])
            suite, name, metric, first_bad = (data[k] for k in ("suite", "name", "metric", "first_bad"))
        except (ValueError, KeyError, TypeError):
            continue
        if not all(isinstance(n, str) for n in (suite, name, metric, first_bad)) or not math.isfinite(before):
            continue
        found.append(Announced(suite, name, metric, first_bad, before, data.get("back") is True, issue))
    return found


def marked_ratios(body: str) -> dict[tuple[str, str], float]:
    """Each step's size as its issue last said it, by (series, metric)."""
    return {
        (data["name"], str(data.get("metric"))): float(data["ratio"])
        for data in _marked(body)
        if isinstance(data.get("ratio"), (int, float)) and isinstance(data.get("name"), str)
    }


def announced(step: Regression, *, issue: int | None = None) -> Announced:
    history = step.history
    return Announced(history.suite, history.name, history.metric, step.first_bad.commit, step.step.before, issue=issue)


# --- words ---------------------------------------------------------------------------------------


def change(history: History, ratio: float) -> str:
    """'17.2% slower', '9.5% lower', 'x3.1 slower'."""
    if history.direction is Direction.HIGHER_IS_BETTER:
        return f"{1 - ratio:.1%} lower"
    word = "slower" if history.metric in TIME_METRICS else "higher"
    return f"{_times(ratio).lstrip('+')} {word}"


def _times(ratio: float) -> str:
    """+17.2%, or 11.1x from twice on (a percentage of 1,010% reads worse than it helps)."""
    return f"{ratio:.3g}x" if ratio >= 2 else format_change(ratio)


def interval(step: Regression) -> str:
    ends = _ends(step)
    return f"90% interval {ends}" if ends is not None else "too few runs for an interval"


def _ends(step: Regression) -> str | None:
    """'+12.6% to +14.9%'; both ends as factors when one is ('1.23x to 2.13x', not '+22.9% to 2.13x')."""
    if step.low is None or step.high is None:
        return None
    if step.high >= 2:
        return f"{step.low:.3g}x to {step.high:.3g}x"
    return f"{_times(step.low)} to {_times(step.high)}"


def title(step: Regression) -> str:
    history = step.history
    return f"perfgate: {history.label[:150]} is {change(history, step.ratio)} since {step.first_bad.commit[:10]}"


def group_title(steps: Sequence[Regression]) -> str:
    """One step's title, or the commit's: how many series, and the largest."""
    if len(steps) == 1:
        return title(steps[0])
    first = steps[0]
    return (
        f"perfgate: {len(steps)} series are worse since {first.first_bad.commit[:10]}; the largest: "
        f"{first.history.label[:120]} is {change(first.history, first.ratio)}"
    )


def line(step: Regression) -> str:
    """One line for the terminal."""
    history = step.history
    return (
        f"{history.label}: {change(history, step.ratio)} ({interval(step)}) from {step.last_good.commit[:10]} to "
        f"{step.first_bad.commit[:10]}, {_level(history, step.step.before)} → {_level(history, step.step.after)}"
    )


def _level(history: History, value: float) -> str:
    return format_value(value, history.unit)


# --- the issue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueSteps:
    """What the issue of one first bad commit lists: its steps still in effect (largest first, each with its
    identity as first announced, whose marker an update keeps), those announced but at no clear level in the
    latest runs, and those back."""

    open: tuple[tuple[Regression, Announced], ...]
    unclear: tuple[Announced, ...] = ()
    back: tuple[Announced, ...] = ()

    @classmethod
    def new(cls, steps: Sequence[Regression]) -> IssueSteps:
        return cls(tuple((step, announced(step)) for step in steps))

    @property
    def steps(self) -> list[Regression]:
        return [step for step, _ in self.open]


GROUP_ROWS = 100  # series in a commit's issue's table; the rest counted
GROUP_NAMES = 50  # series named in its lines of those at no clear level and those back
BODY_LIMIT = 60_000  # characters: GitHub takes an issue body or a comment of at most 65,536


def issue_body(issue: IssueSteps, where: Where) -> str:
    """The issue of one first bad commit's steps: one step's own, or the commit's table of them, within GitHub's
    limit on a body: fewer rows and names first, then the markers of the smallest steps (the history database
    still remembers them)."""
    if len(issue.open) == 1 and not issue.unclear and not issue.back:
        return _step_body(*issue.open[0], where)
    rows, names = GROUP_ROWS, GROUP_NAMES
    markers = len(issue.open) + len(issue.unclear) + len(issue.back)
    body = _group_body(issue, where, rows, names, markers)
    while len(body) > BODY_LIMIT and rows > 1:
        rows, names = rows // 2, names // 2
        body = _group_body(issue, where, rows, names, markers)
    while len(body) > BODY_LIMIT and markers > 1:
        markers = markers * 9 // 10
        body = _group_body(issue, where, rows, names, markers)
    return body


def _group_body(issue: IssueSteps, where: Where, rows: int, names: int, markers: int) -> str:
    lead = issue.open[0][0] if issue.open else None
    every = [marker(identity, ratio=step.ratio) for step, identity in issue.open]
    every += [marker(step) for step in issue.unclear] + [marker(step, back=True) for step in issue.back]
    out = every[:markers]
    if lead is not None:
        out += [
            f"**{count(len(issue.open), 'series', 'series')}** {'is' if len(issue.open) == 1 else 'are'} worse on "
            f"main since {where.commit(lead.first_bad.commit)}, each beyond its allowance and confirmed by at least "
            f"{count(min(s.runs_after for s in issue.steps), 'run')} at its new level:",
            "",
            "| series | change | 90% interval | before → after | runs at the new level |",
            "|---|---|---|---|---|",
        ]
        for step in issue.steps[:rows]:
            history = step.history
            name = escape_text(history.label)
            page = where.page(history)
            shown = f"[{name}]({page})" if page else name
            low_high = _ends(step) or "—"
            out.append(
                f"| {shown} | {change(history, step.ratio)} | {low_high} "
                f"| {_level(history, step.step.before)} → {_level(history, step.step.after)} | {step.runs_after} |"
            )
        if len(issue.open) > rows:
            out.append(f"\n…and {count(len(issue.open) - rows, 'more series', 'more series')}.")
        out += ["", _commits(lead, where), ""]
        out += _window(lead, where)
    if issue.unclear:
        out += [f"At no clear level in the latest runs, not back yet: {_names(issue.unclear, names)}.", ""]
    if issue.back:
        out += [f"Back at the level before the step (or waived): {_names(issue.back, names)}.", ""]
    if markers < len(every):
        out += [
            f"({count(len(every) - markers, 'series', 'series')} left out of this issue's hidden markers, GitHub's "
            "limit on a body: the history database remembers them.)",
            "",
        ]
    if lead is not None:
        out += _confirm(lead)
    out.append(_kept_up("every series"))
    return "\n".join(out)


def _names(steps: Sequence[Announced], most: int) -> str:
    shown = ", ".join(f"**{escape_text(s.name)}**" for s in steps[:most])
    return shown + (f" and {len(steps) - most} more" if len(steps) > most else "")


def _commits(step: Regression, where: Where) -> str:
    return (
        f"Last good {where.commit(step.last_good.commit)} ({step.last_good.recorded_at:%Y-%m-%d %H:%M} UTC), "
        f"first bad {where.commit(step.first_bad.commit)} ({step.first_bad.recorded_at:%Y-%m-%d %H:%M} UTC)."
    )


def _step_body(step: Regression, identity: Announced, where: Where) -> str:
    """The issue of a commit's one step."""
    history = step.history
    name = escape_text(history.label)
    out = [
        marker(identity, ratio=step.ratio),
        f"**{name}** is **{change(history, step.ratio)}** on main ({interval(step)}), beyond its allowance of "
        f"{format_percent(step.allowance)}: confirmed by {count(step.runs_after, 'run')} at the new level.",
        "",
        "| | commit | recorded | level |",
        "|---|---|---|---|",
        f"| last good | {where.commit(step.last_good.commit)} | {step.last_good.recorded_at:%Y-%m-%d %H:%M} UTC "
        f"| {_level(history, step.step.before)} |",
        f"| first bad | {where.commit(step.first_bad.commit)} | {step.first_bad.recorded_at:%Y-%m-%d %H:%M} UTC "
        f"| {_level(history, step.step.after)} |",
        "",
    ]
    out += _window(step, where)
    page = where.page(history)
    if page:
        out += [f"The series' history: [{name}]({page}).", ""]
    out += _confirm(step)
    out.append(_kept_up("the series"))
    return "\n".join(out)


def _kept_up(which: str) -> str:
    return (
        f"perfgate keeps this issue up to date and closes it when {which} is back (or a `[[waiver]]` in "
        "perfgate.toml accepts it). Found by `perfgate alert` on main's history."
    )


def _confirm(step: Regression) -> list[str]:
    good, bad = step.last_good.commit[:12], step.first_bad.commit[:12]
    return [
        "**Confirm it locally** (base and head benchmarked in one job, in interleaved rounds):",
        "",
        "```sh",
        f"git checkout {bad}",
        f"perfgate run --base {good} -- <your benchmark command>",
        "# or find the commit: exit 0 is good, 1 is bad",
        f"git bisect start {bad} {good}",
        f"git bisect run perfgate run --base {good} -- <your benchmark command>",
        "```",
        "",
    ]


def _window(step: Regression, where: Where) -> list[str]:
    good, bad = step.last_good.commit, step.first_bad.commit
    compare = where.compare(good, bad)
    window = where.window
    if window is None:
        return [
            f"The change is in the commits after {good[:10]} up to {bad[:10]}"
            + (f" ([compare]({compare}))." if compare else "."),
            "",
        ]
    head = f"**{count(window.commits, 'commit')}** in the window" + (f" ([compare]({compare}))" if compare else "")
    if not window.pulls:
        return [head + ": no merged pull request brought them (pushed to main directly?).", ""]
    them = "it" if window.commits == 1 else "them"
    lines = [
        head + f"; {'the pull request' if len(window.pulls) == 1 else 'the pull requests'} that brought {them}:",
        "",
    ]
    for pull in window.pulls:
        link = href(pull.url)
        ref = f"[#{pull.number}]({link})" if link else f"#{pull.number}"
        by = f" by {escape_text(pull.author)}" if pull.author else ""
        lines.append(f"- {ref} {escape_text(pull.title[:200])}{by}")
    if window.looked_at < window.commits:
        lines.append(f"- (pull requests of the newest {window.looked_at} commits only)")
    return [*lines, ""]


def recovery_comment(recovery: Recovery, history: History | None, where: Where) -> str:
    if recovery.why == "waived" and recovery.waiver is not None:
        waiver = recovery.waiver
        return (
            f"Closed: a waiver in perfgate.toml (line {waiver.line}) accepts this until {waiver.until:%Y-%m-%d}: "
            f"{escape_text(waiver.reason)}"
        )
    level, before, since = _back_at(recovery, history, where)
    return f"Recovered{since}: the latest runs are at {level}, back at the level before the step ({before}). Closing."


def _back_at(recovery: Recovery, history: History | None, where: Where) -> tuple[str, str, str]:
    """A recovered series' latest level, its level before the step (in its unit, "?" without its history) and
    " since <the first run back>"."""
    level = _level(history, recovery.level) if history is not None and recovery.level is not None else "?"
    before = _level(history, recovery.announced.before) if history is not None else "?"
    since = f" since {where.commit(recovery.since.commit)}" if recovery.since is not None else ""
    return level, before, since


def group_recovery_comment(items: Sequence[tuple[Recovery, History | None]], where: Where) -> str:
    """The comment that closes a commit's issue: one series' own, or each series' line."""
    if len(items) == 1:
        return recovery_comment(*items[0], where)
    rows = []
    for recovery, history in items[:GROUP_ROWS]:
        name = escape_text(history.label if history is not None else recovery.announced.name)
        if recovery.why == "waived" and recovery.waiver is not None:
            rows.append(f"- **{name}**: waived in perfgate.toml (line {recovery.waiver.line})")
            continue
        level, before, since = _back_at(recovery, history, where)
        rows.append(f"- **{name}**: back{since}, at {level} (before the step: {before})")
    if len(items) > GROUP_ROWS:
        rows.append(f"- …and {count(len(items) - GROUP_ROWS, 'more series', 'more series')}")
    return "\n".join(["The last of this commit's series are back (or waived):", "", *rows, "", "Closing."])


# --- webhooks ------------------------------------------------------------------------------------


SLACK_LINES = 10  # series listed in one message; the rest counted
SLACK_NAME = 120  # characters of a series' name in a message's line (a single step's message: SLACK_LONG_NAME)
SLACK_LONG_NAME = 400
_SLACK_SECTION = 3000  # characters of a section block's text, Slack's limit


def slack_message(step: Regression, where: Where) -> str:
    """Slack's incoming-webhook body (also read by Mattermost and Teams' connectors): text and blocks."""
    history = step.history
    repo = f" in {where.repository}" if where.repository else ""
    text = (
        f"perfgate: {history.label} is {change(history, step.ratio)} on main{repo} since {step.first_bad.commit[:10]}"
    )
    links = [
        ("the issue", where.issue_url),
        ("the commits", where.compare(step.last_good.commit, step.first_bad.commit)),
        ("the history", where.page(history)),
    ]
    shown = " · ".join(f"<{url}|{label}>" for label, url in links if url and href(url))
    detail = (
        f"*{_slack(_short(history.label, SLACK_LONG_NAME))}* is *{change(history, step.ratio)}* on main{_slack(repo)} "
        f"({interval(step)}): "
        f"{_level(history, step.step.before)} → {_level(history, step.step.after)}, from `{step.last_good.commit[:10]}` "
        f"to `{step.first_bad.commit[:10]}`."
    )
    if where.window is not None and where.window.pulls:
        detail += "\nMerged: " + ", ".join(f"#{p.number} {_slack(p.title[:80])}" for p in where.window.pulls[:5])
    blocks: list[dict[str, object]] = [{"type": "section", "text": {"type": "mrkdwn", "text": detail}}]
    if shown:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": shown}]})
    return json.dumps({"text": _slack(text), "blocks": blocks}, ensure_ascii=False)


def _short(label: str, most: int) -> str:
    """A name within ``most`` characters, its middle left out: a parametrised name differs in its tail."""
    if len(label) <= most:
        return label
    head = (most - 1) // 2
    return label[:head] + "…" + label[-(most - 1 - head) :]


def slack_group(steps: Sequence[tuple[Regression, Where]], where: Where) -> str:
    """One Slack message for the steps of one first bad commit announced in one run (each with its issue), the
    largest first: a commit that slows 10 series is one message, not 10. One step is ``slack_message``'s."""
    if len(steps) == 1:
        return slack_message(*steps[0])
    first = steps[0][0]
    repo = f" in {where.repository}" if where.repository else ""
    bad = first.first_bad.commit[:10]
    text = (
        f"perfgate: {len(steps)} series are worse on main{repo} since {bad}; the largest: "
        f"{_short(first.history.label, 80)} is {change(first.history, first.ratio)}"
    )
    head = f"*{len(steps)} series* are worse on main{_slack(repo)} since `{bad}`:"
    urls = {here.issue_url for _, here in steps}
    shared = next(iter(urls)) if len(urls) == 1 else None  # the commit's one issue: linked once, below
    rows = []
    for step, here in steps:
        history = step.history
        number = here.issue_url.rstrip("/").rsplit("/", 1)[-1] if here.issue_url else ""
        linked = here.issue_url and href(here.issue_url) and shared is None
        issue = f" — <{here.issue_url}|#{number}>" if linked else ""
        rows.append(
            f"• *{_slack(_short(history.label, SLACK_NAME))}* *{change(history, step.ratio)}*: "
            f"{_level(history, step.step.before)} "
            f"→ {_level(history, step.step.after)}{issue}"
        )
    merged = ""
    if where.window is not None and where.window.pulls:
        merged = "\nMerged: " + ", ".join(f"#{p.number} {_slack(p.title[:80])}" for p in where.window.pulls[:5])
    blocks: list[dict[str, object]] = [_listing(head, rows, merged)]
    links = [("the issue", shared), ("the commits", where.compare(first.last_good.commit, first.first_bad.commit))]
    shown = " · ".join(f"<{url}|{label}>" for label, url in links if url and href(url))
    if shown:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": shown}]})
    return json.dumps({"text": _slack(text), "blocks": blocks}, ensure_ascii=False)


def slack_recovery(recovery: Recovery, history: History | None, where: Where) -> str:
    step = recovery.announced
    label = history.label if history is not None else step.name
    how = "is back to its level" if recovery.why == "recovered" else "is waived in perfgate.toml"
    text = f"perfgate: {label} {how} on main" + (f" in {where.repository}" if where.repository else "")
    return json.dumps({"text": _slack(text)}, ensure_ascii=False)


def slack_recoveries(items: Sequence[tuple[Recovery, History | None]], where: Where) -> str:
    """One Slack message for the steps one run found back (or waived): 15 series back at once is one message.
    One is ``slack_recovery``'s."""
    if len(items) == 1:
        return slack_recovery(*items[0], where)
    repo = f" in {where.repository}" if where.repository else ""
    waived = sum(1 for recovery, _ in items if recovery.why != "recovered")
    how = (
        "are back to their level"
        if not waived
        else "are waived in perfgate.toml"
        if waived == len(items)
        else "are back to their level or waived in perfgate.toml"
    )
    numbers = {recovery.announced.issue for recovery, _ in items}
    shared = next(iter(numbers)) if len(numbers) == 1 else None  # one commit's issue: named once, below
    rows = []
    for recovery, history in items:
        label = history.label if history is not None else recovery.announced.name
        number = recovery.announced.issue
        link = where.issue_url_of(number)
        issue = f" (<{link}|#{number}>)" if link else f" (#{number})" if number is not None else ""
        state = "back" if recovery.why == "recovered" else "waived"
        rows.append(f"• *{_slack(_short(label, SLACK_NAME))}* {state}{issue if shared is None else ''}")
    head = f"*{len(items)} series* {how} on main{_slack(repo)}:"
    text = f"perfgate: {len(items)} series {how} on main{repo}"
    blocks: list[dict[str, object]] = [_listing(head, rows)]
    if shared is not None:
        link = where.issue_url_of(shared)
        named = f"<{link}|issue #{shared}>" if link else f"issue #{shared}"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": named}]})
    return json.dumps({"text": _slack(text), "blocks": blocks}, ensure_ascii=False)


def _listing(head: str, rows: list[str], tail: str = "") -> dict[str, object]:
    """A section of ``head``, at most SLACK_LINES of ``rows`` and ``tail``, within Slack's limit on a section's
    text (long names: fewer lines rather than a message Slack refuses), the rows left out counted."""
    shown = rows[:SLACK_LINES]
    while shown and len("\n".join([head, *shown, "…and 9,999 more", tail])) > _SLACK_SECTION:
        shown.pop()
    more = [f"…and {len(rows) - len(shown)} more"] if len(shown) < len(rows) else []
    return {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join([head, *shown, *more]) + tail}}


def generic_message(step: Regression, where: Where) -> str:
    """The documented generic body (docs/alerts.md)."""
    history = step.history
    body = {
        "event": "regression",
        "repository": where.repository,
        "suite": history.suite,
        "series": history.name,
        "metric": history.metric,
        "unit": history.unit,
        "ratio": step.ratio,
        "interval": [step.low, step.high] if step.low is not None else None,
        "before": step.step.before,
        "after": step.step.after,
        "last_good": step.last_good.commit,
        "first_bad": step.first_bad.commit,
        "issue_url": where.issue_url,
        "series_url": where.page(history),
        "pulls": [
            {"number": p.number, "title": p.title, "url": p.url} for p in (where.window.pulls if where.window else ())
        ],
        "text": title(step),
    }
    return json.dumps(body, ensure_ascii=False)


def generic_recovery(recovery: Recovery, where: Where) -> str:
    step = recovery.announced
    body = {
        "event": "recovery" if recovery.why == "recovered" else "waived",
        "repository": where.repository,
        "suite": step.suite,
        "series": step.name,
        "metric": step.metric,
        "first_bad": step.first_bad,
        "before": step.before,
        "level": recovery.level,
        "issue_url": where.issue_url,
    }
    return json.dumps(body, ensure_ascii=False)


def _slack(text: str) -> str:
    """Slack's three control characters, escaped as its docs ask (a name cannot make a link or a mention)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
