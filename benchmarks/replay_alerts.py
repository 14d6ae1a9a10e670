"""Replay real benchmark histories commit by commit through `perfgate alert`, as the Action would after each push
to main, and score what it announced against what the series did next.

Run by hand:  python benchmarks/replay_alerts.py [--limit-commits N] [--no-github] [HISTORY_DIR …]
(default: every folder in ../shared/histories; pvlib's 250 commits take a few minutes, pandas' 165 commits of
~1,500 series longer: progress goes to stderr).

Each history is read with ``replay_history._prepare`` (asv API v1 rewritten as v2). For each commit in order its run
is recorded into a SQLite store on branch ``main`` (``app.ingest.store_results``, recorded at the commit's date),
then perfgate's alert use case runs (``app.alert.alert``) with the defaults a project gets (``max_regression`` 5 %,
``[alert] runs`` 60), two webhooks (Slack and generic format) on a loopback receiver (``tests/fake_webhook.py``)
and the fake GitHub REST server (``tests/fake_github.py``: issues, labels, compare), as in the Action. The
findings are read by wrapping ``history.alerts.find`` (a spy, perfgate unchanged).

Printed per history:
- commits replayed, and the time the replay (alert runs included) took;
- alerts opened (per 100 commits): the steps the use case announced (its store's new rows), not every step
  ``find`` called new: the steps of at most ``MAX_NEW_ISSUES`` commits are announced a run and the rest are found
  new again on the next runs (those are counted apart, as waiting); issues opened (one per first bad commit); recoveries (issues closed), issues still open at the end (and how
  many of those have a first bad commit older than the runs the alert looks at: they can no longer recover);
- alerts that hold up: of the opened alerts with 3 more runs to look at, those whose next 3 run medians are all
  still at least the allowance worse than the level before the step;
- the delay from the first bad commit to the alert, in commits (median, max);
- issues on the fake GitHub (opened; given more than one recovery comment), webhook messages by event;
- duplicates: a series announced again for the same step (a level before within half the allowance of an
  earlier announcement's) while that one is still open; flaps: the same, after its issue was closed;
- alerts opened on commits that open >= 5 at once (a whole run slower: the runner, not the code);
- GitHub API requests per alert run (median, max) and issue edits in all;
- of asv's own regressions (``asv_regressions.json``, >= 5 % worse), those alerted within 2 commits;
- the listing of every alert (commit, series, size, held, closed when).

And for each history's largest step announced (by size at its announcement), its commit's issue (the steps of
that commit announced with it) and the step's Slack message as perfgate renders them (``render.alert.issue_body``/``slack_message`` with ``Where(repository=…)``).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from replay_history import HISTORIES, _prepare

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfgate.app.alert import AlertRequest, Hook, alert
from perfgate.app.ingest import RunInfo, store_results
from perfgate.app.workspace import Workspace
from perfgate.history import alerts
from perfgate.history.alerts import Findings, Regression
from perfgate.model import Direction, ParsedResults
from perfgate.render import alert as words
from perfgate.store import Store
from tests.fake_github import FakeGitHub
from tests.fake_webhook import FakeWebhook

SUITE = "default"  # a project's suite when it names none: the labels read as a user's would
BURST = 5  # alerts opened on one commit: more is the machine's signature, not one change's
ASV_WINDOW = 2  # an asv-listed regression is alerted when an alert's first bad commit is this close to asv's
HOLD_RUNS = 3  # an alert holds up when the next 3 runs stay at least the allowance worse than before the step
REPOSITORIES = {"pvlib": "pvlib/pvlib-python", "pandas": "pandas-dev/pandas"}  # for the links of the rendered issue
ALERT_DELAY = timedelta(minutes=30)  # the alert step runs after the benchmarks of the pushed commit

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Opened:
    at: int  # the commit whose run the alert came after (index into the replay)
    first_bad: int
    step: Regression  # as found at that moment, for the rendering


@dataclass(frozen=True)
class Closed:
    at: int
    key: Key
    first_bad: int


@dataclass
class Replay:
    commits: int = 0
    opened: list[Opened] = field(default_factory=list)  # announced (a new row in the store)
    waiting: list[Opened] = field(
        default_factory=list
    )  # found new, left for a later run (MAX_NEW_ISSUES commits a run)
    closed: list[Closed] = field(default_factory=list)
    outcome_new: int = 0  # what alert() reported (the steps found new, announced or waiting), to check the spy against
    outcome_recovered: int = 0
    api_calls: list[int] = field(default_factory=list)  # GitHub requests per alert run
    alert_seconds: list[float] = field(default_factory=list)
    open_issues: int = 0
    edits: int = 0
    messages: dict[str, int] = field(default_factory=dict)  # generic webhook events by kind
    issues: int = 0  # alert issues opened on the fake GitHub
    closing_comments: dict[int, int] = field(default_factory=dict)  # issue -> "Recovered" comments, when above 1
    window: int = 60
    github: bool = True
    slack_messages: int = 0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("histories", nargs="*", type=Path, help="history folders (default: ../shared/histories/*)")
    parser.add_argument("--limit-commits", type=int, default=None, help="replay only the first N commits")
    parser.add_argument("--no-github", action="store_true", help="webhooks only (github=False), no fake GitHub")
    parser.add_argument("--quiet", action="store_true", help="no listing of every alert")
    args = parser.parse_args(argv)
    folders = args.histories or sorted(p for p in HISTORIES.iterdir() if (p / "order.json").is_file())
    for folder in folders:
        started = time.perf_counter()
        result, medians = replay(folder, args.limit_commits, github=not args.no_github)
        report(folder, result, medians, time.perf_counter() - started, listing=not args.quiet)


def replay(folder: Path, limit: int | None, *, github: bool) -> tuple[Replay, dict[Key, np.ndarray]]:
    order = json.loads((folder / "order.json").read_text())[:limit]
    result = Replay(github=github)
    with tempfile.TemporaryDirectory(prefix="perfgate-alerts-") as tmp, _services(folder.name) as (fake, hook):
        runs = _prepare(folder, order, Path(tmp))
        medians = _medians(runs)
        work = Path(tmp) / "project"
        work.mkdir()
        (work / "perfgate.toml").write_text('[perfgate]\nmax_regression = "5%"\n\n[alert]\nruns = 60\n')
        db = f"sqlite:///{Path(tmp) / 'history.db'}"
        store = Store(db)
        index = {run.commit: i for i, run in enumerate(runs)}
        environ = {}
        if github:
            environ = {
                "GITHUB_TOKEN": "ghs_replay",
                "GITHUB_REPOSITORY": fake.full_name,
                "GITHUB_API_URL": fake.url,
                "GITHUB_SERVER_URL": "https://github.com",
            }
        hooks = (Hook(hook.url("/slack"), "slack"), Hook(hook.url("/generic"), "generic"))
        started = time.perf_counter()
        with _spy() as findings:
            for i, run in enumerate(runs):
                store_results(store, [(run, RunInfo(SUITE, "main", run.commit))], now=_when(run))
                fake.main_commits.append(str(run.commit))
                calls = len(fake.calls)
                known = _announced(store)
                workspace = Workspace(work, _when(run) + ALERT_DELAY, db_url=db)
                request = AlertRequest(workspace, environ, hooks=hooks, github=github, repository=fake.full_name)
                tick = time.perf_counter()
                outcome = alert(request)
                result.alert_seconds.append(time.perf_counter() - tick)
                result.api_calls.append(len(fake.calls) - calls)
                result.outcome_new += outcome.new
                result.outcome_recovered += outcome.recovered
                announced = _announced(store) - known
                for found in findings:
                    _tally(result, found, i, index, announced)
                findings.clear()
                if (i + 1) % 10 == 0 or i + 1 == len(runs):
                    print(
                        f"  {folder.name}: {i + 1}/{len(runs)} commits, {len(result.opened)} opened, "
                        f"{len(result.closed)} closed, {time.perf_counter() - started:.0f} s "
                        f"(last alert run {result.alert_seconds[-1]:.2f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
        store.close()
        result.commits = len(runs)
        result.issues = len([i for i in fake.issues.values() if words.MARKER_PREFIX in str(i["body"])])
        result.open_issues = len([i for i in fake.open_issues() if words.MARKER_PREFIX in str(i["body"])])
        result.edits = len([c for c in fake.requests("PATCH", r"/issues/\d+$") if "state" not in (c.body or {})])
        for number, comments in fake.comments.items():
            recovered = sum(1 for c in comments if str(c["body"]).startswith("Recovered"))
            if recovered > 1:
                result.closing_comments[number] = recovered
        for received in hook.received:
            if received.path == "/generic":
                event = str(received.body.get("event"))
                result.messages[event] = result.messages.get(event, 0) + 1
            else:
                result.slack_messages += 1
    return result, medians


@contextmanager
def _services(name: str) -> Iterator[tuple[FakeGitHub, FakeWebhook]]:
    owner, repo = REPOSITORIES.get(name, "acme/shop").split("/")
    fake = FakeGitHub(owner, repo).start()
    hook = FakeWebhook()
    try:
        yield fake, hook
    finally:
        hook.stop()
        fake.stop()


@contextmanager
def _spy() -> Iterator[list[Findings]]:
    """What ``alerts.find`` answered the use case, each time (perfgate reads it through the module at call time)."""
    seen: list[Findings] = []
    real: Callable[..., Findings] = alerts.find

    def spy(*args: Any, **kwargs: Any) -> Findings:
        found = real(*args, **kwargs)
        seen.append(found)
        return found

    setattr(alerts, "find", spy)  # noqa: B010 (mypy: a module's function is not assignable)
    try:
        yield seen
    finally:
        setattr(alerts, "find", real)  # noqa: B010


def _when(run: ParsedResults) -> datetime:
    assert run.recorded_at is not None  # asv's date: the commit's time
    return run.recorded_at


def _medians(runs: list[ParsedResults]) -> dict[Key, np.ndarray]:
    """Every series' run medians over the whole history (NaN where a run lacks it)."""
    out: dict[Key, np.ndarray] = {}
    for i, run in enumerate(runs):
        for s in run.series:
            values = out.setdefault((SUITE, s.name, s.metric), np.full(len(runs), math.nan))
            values[i] = s.summary.median if s.summary.median is not None else (s.summary.mean or math.nan)
    return out


def _announced(store: Store) -> set[tuple[Key, str]]:
    """The steps the store remembers as announced: (series, first bad commit)."""
    return {(a.key, a.first_bad) for a in store.announcements(SUITE)}


def _tally(
    result: Replay, found: Findings, at: int, index: dict[str | None, int], announced: set[tuple[Key, str]]
) -> None:
    """The steps announced on this run (``announced``: the store's new rows) and those found new but waiting."""
    for step in found.new:
        item = Opened(at, index[step.first_bad.commit], step)
        (result.opened if (step.key, step.first_bad.commit) in announced else result.waiting).append(item)
    for recovery in found.recovered:
        result.closed.append(Closed(at, recovery.announced.key, index.get(recovery.announced.first_bad, -1)))


# --- the figures ---------------------------------------------------------------------------------


def _worse_by(step: Regression, value: float) -> float:
    before = step.step.before
    return value / before if step.history.direction is Direction.LOWER_IS_BETTER else before / value


def _held(item: Opened, medians: dict[Key, np.ndarray], *, typical: bool = False) -> bool | None:
    """Each of the next HOLD_RUNS runs at least the allowance worse than before the step (``typical``: their
    median); None: fewer runs than that after the alert to judge it by."""
    values = medians[item.step.key]
    later = values[item.at + 1 : item.at + 1 + HOLD_RUNS]
    if later.size < HOLD_RUNS or not np.all(np.isfinite(later) & (later > 0)):
        return None
    worse = [_worse_by(item.step, float(v)) >= 1 + item.step.allowance for v in later]
    if typical:
        return _worse_by(item.step, float(np.median(later))) >= 1 + item.step.allowance
    return all(worse)


def _repeats(result: Replay) -> tuple[list[tuple[Opened, Opened]], list[tuple[Opened, Opened]]]:
    """(duplicates, flaps): a later announcement of a series starting from the level an earlier one started from
    (within half the allowance), while the earlier is open (duplicate) or after it was closed (flap)."""
    duplicates: list[tuple[Opened, Opened]] = []
    flaps: list[tuple[Opened, Opened]] = []
    for j, later in enumerate(result.opened):
        for earlier in result.opened[:j]:
            if earlier.step.key != later.step.key:
                continue
            same = abs(math.log(later.step.step.before / earlier.step.step.before)) < math.log1p(
                earlier.step.allowance / 2
            )
            if not same:
                continue
            closed = any(
                c.key == earlier.step.key and c.first_bad == earlier.first_bad and earlier.at < c.at <= later.at
                for c in result.closed
            )
            (flaps if closed else duplicates).append((earlier, later))
            break
    return duplicates, flaps


def report(folder: Path, result: Replay, medians: dict[Key, np.ndarray], elapsed: float, *, listing: bool) -> None:
    n = result.commits
    opened, closed = result.opened, result.closed
    judged = [h for h in (_held(o, medians) for o in opened) if h is not None]
    typical = [h for h in (_held(o, medians, typical=True) for o in opened) if h is not None]
    twice = _closed_twice(result)
    delays = [o.at - o.first_bad for o in opened]
    duplicates, flaps = _repeats(result)
    stuck = _stuck(result)
    seconds = result.alert_seconds
    print(f"\n## {folder.name}: {n} commits replayed, {len(medians)} series ({elapsed:.0f} s in all)")
    print(
        f"alert runs: {sum(seconds):.0f} s, median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s "
        f"per commit"
    )
    print("| figure | value |\n|---|---|")
    print(f"| alerts opened | {len(opened)} ({100 * len(opened) / max(n, 1):.1f} per 100 commits) |")
    print(f"| series alerted | {len({o.step.key for o in opened})} |")
    never = {w.step.key for w in result.waiting} - {o.step.key for o in opened}
    print(
        f"| steps found new but left for a later run (the steps of at most {alerts.MAX_NEW_ISSUES} commits a run) | {len(result.waiting)} times; "
        f"series never announced: {len(never)} |"
    )
    print(f"| issues opened on GitHub | {result.issues} |")
    per_commit = Counter(o.at for o in opened)
    burst = sum(k for k in per_commit.values() if k >= BURST)
    print(
        f"| alerts opened on commits opening >= {BURST} | {burst}/{len(opened)} ({_pct(burst, len(opened))}); "
        f"most on one commit: {max(per_commit.values(), default=0)} |"
    )
    print(f"| recoveries (closed) | {len(closed)} |")
    print(f"| issues open at the end | {result.open_issues} (first bad commit older than the window: {stuck}) |")
    print(
        f"| alerts that hold up ({HOLD_RUNS} runs after) | {sum(judged)}/{len(judged)} ({_pct(sum(judged), len(judged))}) |"
    )
    print(
        f"| alerts whose next {HOLD_RUNS} runs' median is still that worse | {sum(typical)}/{len(typical)} "
        f"({_pct(sum(typical), len(typical))}) |"
    )
    if delays:
        print(f"| delay first bad commit → alert | median {statistics.median(delays):g}, max {max(delays)} commits |")
    print(f"| duplicates (same step, earlier still open) | {len(duplicates)} |")
    print(f"| flaps (same step again after its close) | {len(flaps)} |")
    print(f"| steps closed more than once | {len(twice)} |")
    print(f"| issues given more than one recovery comment | {len(result.closing_comments)} |")
    print(
        f"| GitHub requests per alert run | median {statistics.median(result.api_calls):g}, "
        f"max {max(result.api_calls)}; issue edits {result.edits} |"
    )
    print(f"| webhook messages (generic) | {result.messages or 'none'} |")
    print(
        f"| Slack messages (regressions: one per commit window a run; recoveries: one a run) | {result.slack_messages} |"
    )
    if (result.outcome_new, result.outcome_recovered) != (len(opened) + len(result.waiting), len(closed)):
        print(f"(alert() said {result.outcome_new} new, {result.outcome_recovered} recovered: the spy disagrees)")
    if result.github and len(opened) != result.issues:
        print(f"({len(opened)} steps announced but {result.issues} issues on GitHub)")
    if listing:
        _list(result, medians)
    for kind, pairs in (("duplicate", duplicates), ("flap", flaps)):
        for earlier, later in pairs:
            print(
                f"{kind}: {later.step.history.label}: announced at commit {earlier.at} (first bad {earlier.first_bad}, "
                f"{words.change(earlier.step.history, earlier.step.ratio)}) and again at {later.at} "
                f"(first bad {later.first_bad}, {words.change(later.step.history, later.step.ratio)})"
            )
    announced = {(o.step.key, o.first_bad) for o in opened}
    for c in closed:
        if (c.key, c.first_bad) not in announced:
            print(f"closed, never announced here: {c.key[1]} (first bad {c.first_bad}) at commit {c.at}")
    for (key, first_bad), ats in twice.items():
        print(f"closed more than once: {key[1]} (first bad {first_bad}) at commits {ats}")
    listed, caught = _asv_listed(folder, result)
    print(
        f"asv's own regressions (asv_regressions.json, >= 5 % worse, commit replayed): {len(listed)}; alerted within "
        f"{ASV_WINDOW} commits of asv's commit: {len(caught)} ({_pct(len(caught), len(listed))})"
    )
    if opened:
        _show_largest(folder, opened)


def _asv_listed(folder: Path, result: Replay) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """asv's regressions still present at the history's end (one view of the real steps): (series, commit index)."""
    path = folder / "asv_regressions.json"
    if not path.is_file():
        return [], []
    order = [e["commit"] for e in json.loads((folder / "order.json").read_text())[: result.commits]]
    index = {c: i for i, c in enumerate(order)}
    listed = sorted(  # asv lists a step once per environment graph: once here
        {
            (str(r["series"]), index[r["commit"]])
            for r in json.loads(path.read_text())
            if r.get("commit") in index and r.get("before") and r.get("after") and r["after"] >= 1.05 * r["before"]
        }
    )
    caught = [
        (name, at)
        for name, at in listed
        if any(o.step.history.name == name and abs(o.first_bad - at) <= ASV_WINDOW for o in result.opened)
    ]
    return listed, caught


def _closed_twice(result: Replay) -> dict[tuple[Key, int], list[int]]:
    closes: dict[tuple[Key, int], list[int]] = {}
    for c in result.closed:
        closes.setdefault((c.key, c.first_bad), []).append(c.at)
    return {k: ats for k, ats in closes.items() if len(ats) > 1}


def _stuck(result: Replay) -> int:
    """Alerts still open whose first bad commit has left the runs `perfgate alert` looks at."""
    closed = {(c.key, c.first_bad) for c in result.closed}
    return sum(
        1
        for o in result.opened
        if (o.step.key, o.first_bad) not in closed and o.first_bad < result.commits - result.window
    )


def _list(result: Replay, medians: dict[Key, np.ndarray]) -> None:
    closes = {(c.key, c.first_bad): c.at for c in result.closed}
    print("\n| at | series | first bad | size | runs after | held | closed at |\n|---|---|---|---|---|---|---|")
    for o in result.opened:
        held = _held(o, medians)
        print(
            f"| {o.at} | {o.step.history.label} | {o.first_bad} ({o.step.first_bad.commit[:10]}) "
            f"| {words.change(o.step.history, o.step.ratio)} | {o.step.runs_after} "
            f"| {'n/a' if held is None else 'yes' if held else 'no'} | {closes.get((o.step.key, o.first_bad), '')} |"
        )


def _show_largest(folder: Path, opened: list[Opened]) -> None:
    largest = max(opened, key=lambda o: abs(math.log(o.step.ratio)))
    where = words.Where(repository=REPOSITORIES.get(folder.name))
    group = sorted(
        (o.step for o in opened if (o.at, o.first_bad) == (largest.at, largest.first_bad)), key=lambda s: -s.size
    )
    print(f"\n### {folder.name}: the issue of the largest step announced (at commit {largest.at})\n")
    print(f"title: {words.group_title(group)}\n")
    print(words.issue_body(words.IssueSteps.new(group), where))
    slack = json.loads(words.slack_message(largest.step, where))
    print(f"\n### {folder.name}: the Slack message\n")
    print(f"text: {slack['text']}")
    for block in slack["blocks"]:
        texts = [block["text"]] if "text" in block else block.get("elements", [])
        for text in texts:
            print(f"{block['type']}: {text['text']}")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


if __name__ == "__main__":
    main()
