"""`perfgate alert`: a step that lands on main is owned. Each new step opens one GitHub issue and posts one generic
webhook event; Slack hears of the new steps of one commit window in one message, and of the steps back in one; a
step announced before keeps its issue up to date; a series back at its old level (or now waived) gets its issue
commented and closed.

Never twice: the store remembers every step announced (a unique row per step, so two alert jobs at once cannot
both claim it), and each issue carries a hidden marker with the step, so a job without the store (a fresh
cache) still finds the issue it opened. Two jobs that both opened an issue settle on the oldest one and close the
other as a duplicate. GitHub errors stop the run (exit 3, with what the token lacks); a failing webhook is a
warning that names its host, and the other deliveries go on.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from perfgate.app.branches import require_recorded_branch
from perfgate.app.config import gate_settings, make_policy
from perfgate.app.digest import histories_of, known_suites
from perfgate.app.workspace import Workspace
from perfgate.config import WEBHOOK_FORMATS, Config
from perfgate.errors import DeliveryError, UsageError
from perfgate.history import alerts
from perfgate.history.alerts import Announced, Findings, Recovery, Regression
from perfgate.history.series import History
from perfgate.model import Window
from perfgate.render import alert as words
from perfgate.units import count

if TYPE_CHECKING:
    from perfgate.deliver.github import GitHubPublisher, IssueInfo
    from perfgate.store import Store

LABEL_COLOR = "d93f0b"
LABEL_DESCRIPTION = "A performance regression on main, found by perfgate alert"


@dataclass(frozen=True)
class Hook:
    url: str
    format: str = "slack"  # one of WEBHOOK_FORMATS


@dataclass(frozen=True)
class AlertRequest:
    workspace: Workspace
    environ: Mapping[str, str]  # GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, and the [alert] webhooks' variables
    suites: tuple[str, ...] = ()
    branch: str | None = None  # default: main_branch from the config
    hooks: tuple[Hook, ...] = ()  # --webhook
    github: bool = True  # open issues when the environment names a repository and a token
    dry_run: bool = False
    repository: str | None = None  # owner/name for links, when not in GitHub Actions
    server: str = "https://github.com"


@dataclass(frozen=True)
class AlertOutcome:
    lines: tuple[str, ...]
    new: int = 0
    ongoing: int = 0
    recovered: int = 0
    failed_deliveries: int = 0


@dataclass(frozen=True)
class _GitHub:
    client: GitHubPublisher
    label: str
    labels: tuple[str, ...]
    bodies: dict[int, str]  # the open alert issues' bodies as last read: an unchanged one is not edited
    # What one alert run already asked GitHub, so that it asks once: a window costs a comparison and a request
    # per commit for its pull requests (up to 31), and the steps of one commit share theirs.
    windows: dict[tuple[str, str], Window | None] = field(default_factory=dict)
    labelled: set[str] = field(default_factory=set)  # labels known to exist


@dataclass
class _Told:
    """What Slack is told once every suite is done: a commit's steps in one message, the steps back in one."""

    steps: dict[tuple[str, str], list[tuple[Regression, words.Where]]] = field(default_factory=dict)
    back: list[tuple[Recovery, History | None]] = field(default_factory=list)
    # Webhooks that failed this run: not tried again until the next (a commit's 300 series, each retried, would
    # hold the job for minutes against a host that is down).
    failed_hooks: set[str] = field(default_factory=set)


def alert(request: AlertRequest, publisher: type[GitHubPublisher] | None = None) -> AlertOutcome:
    cfg = request.workspace.config()
    store = request.workspace.store()
    hooks = (*request.hooks, *_configured_hooks(cfg, request.environ))
    lines: list[str] = [*_missing_hooks(cfg, request.environ)]
    for hook in hooks:
        if hook.format not in WEBHOOK_FORMATS:
            raise UsageError(f"--webhook-format must be one of {', '.join(WEBHOOK_FORMATS)}, got {hook.format!r}")
    github = _github(request, cfg, publisher) if request.github else None
    if github is None and not hooks and not request.dry_run:
        raise UsageError(
            "nothing to tell: run it in GitHub Actions (GITHUB_TOKEN and GITHUB_REPOSITORY set) to open issues, "
            "give --webhook URL (or [alert] webhooks in perfgate.toml), or --dry-run to see what it finds"
        )
    suites = known_suites(store, request.suites)
    branch = request.branch or cfg.main_branch
    require_recorded_branch(store, branch, suites)
    repository = request.environ.get("GITHUB_REPOSITORY") or request.repository
    server = request.environ.get("GITHUB_SERVER_URL", request.server).rstrip("/")
    where = words.Where(repository, server, cfg.site_url)
    totals = AlertOutcome(())
    told = _Told()
    slack = tuple(h for h in hooks if h.format == "slack")
    try:
        for suite in suites:
            histories = main_histories(store, suite, branch, cfg.alert.runs)
            known = _known(store, suite, github)
            found = alerts.find(
                histories,
                known,
                make_policy(cfg, request.workspace.now.date()),
                gate_settings(cfg),
                today=request.workspace.now.date(),
            )
            try:
                done = _act(found, histories, known, store, github, hooks, where, request, told)
            except DeliveryError as exc:
                raise exc if "issues: write" in str(exc) else _explained(exc, lines) from None
            lines += done.lines
            totals = AlertOutcome(
                (),
                totals.new + done.new,
                totals.ongoing + done.ongoing,
                totals.recovered + done.recovered,
                totals.failed_deliveries + done.failed_deliveries,
            )
            if found.empty:
                lines.append(
                    f"{suite}: {len(histories)} series over the latest {cfg.alert.runs} runs of {branch}: "
                    "no step beyond its allowance"
                )
    except BaseException:
        with contextlib.suppress(Exception):  # what was announced is told; the error is the one raised here
            _tell_slack(slack, told, where, [])
        raise
    else:
        totals = replace(totals, failed_deliveries=totals.failed_deliveries + _tell_slack(slack, told, where, lines))
    finally:
        if github is not None:
            github.client.close()
    return replace(totals, lines=tuple(lines))


def _tell_slack(hooks: tuple[Hook, ...], told: _Told, where: words.Where, lines: list[str]) -> int:
    """Slack's messages: one per commit window's new steps (in the order of their largest), one of the steps back.
    Failed deliveries, counted."""
    failed = 0
    # A commit's steps from every suite, the largest first (as alerts.find orders a suite's), in that order too.
    groups = [sorted(steps, key=lambda told_step: -told_step[0].size) for steps in told.steps.values()]
    for steps in sorted(groups, key=lambda steps: -steps[0][0].size):
        failed += _post(hooks, partial(words.slack_group, steps, steps[0][1]), lines, told.failed_hooks)
    if told.back:
        failed += _post(hooks, partial(words.slack_recoveries, told.back, where), lines, told.failed_hooks)
    return failed


# --- inputs ------------------------------------------------------------------------------------


def _configured_hooks(cfg: Config, environ: Mapping[str, str]) -> list[Hook]:
    return [Hook(environ[w.env], w.format) for w in cfg.alert.webhooks if environ.get(w.env)]


def _missing_hooks(cfg: Config, environ: Mapping[str, str]) -> list[str]:
    return [
        f"warning: [alert] webhooks names {w.env}, which is not set: that webhook is skipped"
        for w in cfg.alert.webhooks
        if not environ.get(w.env)
    ]


def _github(request: AlertRequest, cfg: Config, publisher: type[GitHubPublisher] | None) -> _GitHub | None:
    token, repository = request.environ.get("GITHUB_TOKEN"), request.environ.get("GITHUB_REPOSITORY")
    if not token or not repository:
        return None
    from perfgate.deliver.github import GitHubPublisher, GitHubTarget

    api = request.environ.get("GITHUB_API_URL", "https://api.github.com")
    client = (publisher or GitHubPublisher)(GitHubTarget(api, repository, token))
    return _GitHub(client, cfg.alert.labels[0], cfg.alert.labels, {})


def main_histories(store: Store, suite: str, branch: str, runs: int) -> list[History]:
    """The suite's series over the branch's latest ``runs`` runs: what the detector looks at."""
    headers = {h.id: h for h in store.run_headers(suite, branch, limit=runs)}
    return histories_of(store, suite, headers, branch)


def _known(store: Store, suite: str, github: _GitHub | None) -> list[Announced]:
    """What was announced: the store's memory, and the open issues' markers (the memory of a job without it)."""
    remembered = {(a.key, a.first_bad): a for a in store.announcements(suite)}
    if github is not None:
        for issue in _issues(github):
            github.bodies[issue.number] = issue.body
            for step in words.read_markers(issue.body, issue=issue.number):
                if step.suite != suite:
                    continue
                mine = remembered.get((step.key, step.first_bad))
                # An open issue's step is open unless its marker says it is back, whatever the store says (a
                # recovery whose edit or close did not get through).
                remembered[(step.key, step.first_bad)] = replace(
                    mine or step, issue=issue.number, recovered=step.recovered
                )
    return list(remembered.values())


def _issues(github: _GitHub) -> list[IssueInfo]:
    return [i for i in github.client.open_issues(github.label) if i.body.startswith(words.MARKER_PREFIX)]


# --- acting ----------------------------------------------------------------------------------


def _act(
    found: Findings,
    histories: list[History],
    known: list[Announced],
    store: Store,
    github: _GitHub | None,
    hooks: tuple[Hook, ...],
    where: words.Where,
    request: AlertRequest,
    told: _Told,
) -> AlertOutcome:
    lines: list[str] = []
    failed = 0
    refused: DeliveryError | None = None
    now = request.workspace.now
    groups, waiting = alerts.this_run(found.new)
    if waiting:
        lines.append(
            f"{count(waiting, 'more step')} of later commits wait for the next run: the steps of at most "
            f"{alerts.MAX_NEW_ISSUES} commits are announced a run (the largest first), each commit one issue"
        )
    generic = tuple(h for h in hooks if h.format != "slack")  # Slack's messages: _tell_slack, once all is done
    issues = _Issues.of(known, set(github.bodies) if github is not None else None)
    for group in groups:
        if request.dry_run:
            open_issue = issues.open_of.get(group[0].first_bad.commit)
            lines += _would_announce(group, open_issue, github is not None, request.github)
            continue
        steps = []
        for step in group:
            if store.announce(words.announced(step), last_good=step.last_good.commit, after=step.step.after, now=now):
                steps.append(step)
            else:
                lines.append(f"already announced by another job: {step.history.label}")
        if not steps:
            continue
        here = _with_window(where, github, steps[0])
        issue_url = None
        if github is not None:
            try:
                number, issue_url = issues.place(github, words.IssueSteps.new(steps), here)
            except DeliveryError as exc:  # the webhooks still hear of them; the next run opens the issue
                refused = refused or exc
                lines.append(f"could not open the issue of {steps[0].history.label}: {exc}")
            else:
                for step in steps:
                    store.update_announcement(words.announced(step), issue=number)
        here = replace(here, issue_url=issue_url)
        for step in steps:
            lines.append(f"announced: {words.line(step)}" + (f" — {issue_url}" if issue_url else ""))
            told.steps.setdefault((step.last_good.commit, step.first_bad.commit), []).append((step, here))
            failed += _post(generic, partial(words.generic_message, step, here), lines, told.failed_hooks)
    orphans: dict[str, list[tuple[Regression, Announced]]] = {}
    for step_before, step in found.ongoing:
        shown = f"issue #{step_before.issue}" if step_before.issue else "announced"
        lines.append(f"still worse, {shown}: {words.line(step)}")
        if github is None or request.dry_run:
            continue
        if step_before.issue is None:  # announced by a job that could not reach GitHub, or that failed midway
            orphans.setdefault(step_before.first_bad, []).append((step, step_before))  # as its marker will say
        else:
            issues.ongoing.setdefault(step_before.issue, []).append((step, step_before))
    for pairs in orphans.values():
        assert github is not None  # only a job that reaches GitHub collects them
        what = "an announced step" if len(pairs) == 1 else f"{len(pairs)} announced steps"
        try:
            number, url = issues.place(github, words.IssueSteps(tuple(pairs)), _with_window(where, github, pairs[0][0]))
        except DeliveryError as exc:
            refused = refused or exc
            lines.append(f"could not open the issue of {what}: {exc}")
            continue
        for _, step_before in pairs:
            store.update_announcement(step_before, issue=number)
        lines.append(f"opened the issue of {what}: {url}")
    by_key = {h.key: h for h in histories}
    for recovery in found.recovered:
        history = by_key.get(recovery.announced.key)
        label = history.label if history is not None else recovery.announced.name
        if request.dry_run:
            lines.append(f"would close ({recovery.why}): {label}")
            continue
        remember_recovery(store, recovery, now)
        url = f"#{recovery.announced.issue}" if recovery.announced.issue else ""
        lines.append(f"{recovery.why}: {label} {url}".rstrip())
        told.back.append((recovery, history))
        if recovery.announced.issue is not None:
            issues.back.setdefault(recovery.announced.issue, []).append((recovery, history))
        issue = where.issue_url_of(recovery.announced.issue)
        event = partial(words.generic_recovery, recovery, replace(where, issue_url=issue))
        failed += _post(generic, event, lines, told.failed_hooks)
    if github is not None and not request.dry_run:
        lines += issues.settle(github, where)
    if refused is not None:
        raise _explained(refused, lines)
    return AlertOutcome(tuple(lines), len(found.new), len(found.ongoing), len(found.recovered), failed)


def _would_announce(group: list[Regression], open_issue: int | None, github: bool, issues: bool) -> list[str]:
    """A dry run's words for one commit's new steps: the issue they would go to, then each step. ``github``: this
    job reaches GitHub (else what the store remembers of the issues is all it knows); ``issues``: issues are on
    (not --no-issues)."""
    commit = group[0].first_bad.commit[:10]
    series = count(len(group), "series", "series")
    if not issues:
        where = f"would announce, without an issue (--no-issues), for {commit} ({series}):"
    elif open_issue is not None:
        unchecked = "" if github else "; the store's memory of it, not checked on GitHub"
        where = f"would add to issue #{open_issue} for {commit} ({series}{unchecked}):"
    else:
        here = "" if github else "; in GitHub Actions, where a token can open it"
        where = f"would open one issue for {commit} ({series}{here}):"
    return [where, *(f"  would announce: {words.line(step)}" for step in group)]


@dataclass
class _Issues:
    """The commits' issues one alert run touches: what each lists, written once at the end of the run."""

    members: dict[int, list[Announced]]  # every step known to be in each issue
    open_of: dict[str, int]  # a first bad commit's open issue
    created: dict[int, list[tuple[Regression, Announced]]] = field(default_factory=dict)  # opened by this run
    joined: dict[int, list[tuple[Regression, Announced]]] = field(default_factory=dict)  # added to an issue
    ongoing: dict[int, list[tuple[Regression, Announced]]] = field(default_factory=dict)
    back: dict[int, list[tuple[Recovery, History | None]]] = field(default_factory=dict)

    @classmethod
    def of(cls, known: Sequence[Announced], open_issues: set[int] | None) -> _Issues:
        """``open_issues``: the issues GitHub lists open (None without GitHub): a commit's issue a person closed
        takes no new step; the commit gets a new issue."""
        members: dict[int, list[Announced]] = {}
        for item in known:
            if item.issue is not None:
                members.setdefault(item.issue, []).append(item)
        open_of = {
            a.first_bad: a.issue
            for a in known
            if a.issue is not None and not a.recovered and (open_issues is None or a.issue in open_issues)
        }
        return cls(members, open_of)

    def place(self, github: _GitHub, steps: words.IssueSteps, where: words.Where) -> tuple[int, str]:
        """The issue of these steps of one commit (the commit their markers name): the commit's open issue, which
        then lists them too (written by ``settle``), or a new one."""
        commit = steps.open[0][1].first_bad
        number = self.open_of.get(commit)
        if number is not None:
            self.joined.setdefault(number, []).extend(steps.open)
            return number, where.issue_url_of(number) or f"#{number}"
        issue, created = _open_issue(github, steps, where)
        self.open_of[commit] = issue.number
        if created:
            self.created.setdefault(issue.number, []).extend(steps.open)
        else:  # another job's, opened at the same moment: its steps stay in it, these join it
            github.bodies[issue.number] = issue.body
            self.members.setdefault(issue.number, []).extend(words.read_markers(issue.body, issue=issue.number))
            self.joined.setdefault(issue.number, []).extend(steps.open)
        return issue.number, issue.url

    def settle(self, github: _GitHub, where: words.Where) -> list[str]:
        """Each touched issue rewritten once: closed when none of its series is still worse, else edited when it
        gained steps, lost some, or a step's size moved."""
        lines = []
        for number in sorted({*self.joined, *self.ongoing, *self.back}):
            joined = self.joined.get(number, [])
            still: dict[tuple[tuple[str, str, str], str], tuple[Regression, Announced]] = {}
            for pair in [*self.created.get(number, []), *joined, *self.ongoing.get(number, [])]:
                still.setdefault((pair[1].key, pair[1].first_bad), pair)
            steps = sorted(still.values(), key=lambda pair: -pair[0].size)
            backs = self.back.get(number, [])
            listed = still.keys() | {(r.announced.key, r.announced.first_bad) for r, _ in backs}
            known = self.members.get(number, [])
            unclear = tuple(a for a in known if not a.recovered and (a.key, a.first_bad) not in listed)
            back = tuple(a for a in known if a.recovered) + tuple(r.announced for r, _ in backs)
            if not steps and not unclear:
                if backs:
                    github.client.close_issue(number, words.group_recovery_comment(backs, where))
                    lines.append(f"issue #{number} closed: every series is back")
                continue
            body = github.bodies.get(number)
            said = words.marked_ratios(body) if body is not None else {}
            if joined or backs or body is None or any(_moved(said, step) for step, _ in steps):
                shown = words.IssueSteps(tuple(steps), unclear, _unique(back))
                here = _with_window(where, github, steps[0][0]) if steps else where
                title = words.group_title(shown.steps) if steps else None
                github.client.edit_issue(number, title=title, body=words.issue_body(shown, here))
                lines.append(f"issue #{number} updated")
            else:
                lines.append(f"issue #{number} unchanged")
        return lines


def _unique(steps: Sequence[Announced]) -> tuple[Announced, ...]:
    return tuple({(a.key, a.first_bad): a for a in steps}.values())


def _explained(exc: DeliveryError, lines: list[str]) -> DeliveryError:
    """GitHub's refusal, after what was done, with what the token lacks when it is a permission."""
    done = "".join(f"\n  {line}" for line in lines)
    hint = (
        ": the token may not write issues; give the job `permissions: issues: write` (docs/alerts.md)"
        if exc.read_only
        else ""
    )
    return DeliveryError(f"{exc}{hint}{done}", read_only=exc.read_only)


def _moved(said: Mapping[tuple[str, str], float], step: Regression) -> bool:
    """Whether the step's size moved by more than half its allowance since its issue last said it (``said``: the
    sizes its markers hold): an issue is not edited on every run (a suite with many open steps would spend the
    token's requests on it)."""
    ratio = said.get((step.history.name, step.history.metric))
    if ratio is None or ratio <= 0:
        return True
    return abs(math.log(step.ratio / ratio)) > math.log1p(step.allowance / 2)


def remember_recovery(store: Store, recovery: Recovery, now: datetime) -> None:
    """The store notes the recovery; a step known only from its issue's marker is remembered first."""
    step = recovery.announced
    store.announce(step, last_good="", after=step.before, now=now)  # False, and harmless, when it is remembered
    store.update_announcement(step, recovered_at=now)


def _with_window(where: words.Where, github: _GitHub | None, step: Regression) -> words.Where:
    """``where`` with the step's window of commits and pull requests, asked of GitHub once per run."""
    if github is None:
        return where
    commits = (step.last_good.commit, step.first_bad.commit)
    if commits not in github.windows:
        try:
            github.windows[commits] = github.client.window(*commits)
        except DeliveryError:
            github.windows[commits] = None  # the issue says the window without its pull requests
    window = github.windows[commits]
    return where if window is None else replace(where, window=window)


def _open_issue(github: _GitHub, steps: words.IssueSteps, where: words.Where) -> tuple[IssueInfo, bool]:
    """One issue per first bad commit: created, then settled against a job that created one at the same moment;
    whether it is the one this job created (with these steps)."""
    for label in github.labels:
        if label not in github.labelled:
            github.client.ensure_label(label, LABEL_COLOR, LABEL_DESCRIPTION)
            github.labelled.add(label)
    lead = steps.open[0][1]

    def mine(issue: IssueInfo) -> bool:
        return any((m.suite, m.first_bad) == (lead.suite, lead.first_bad) for m in words.read_markers(issue.body))

    def existing() -> IssueInfo | None:
        return next((i for i in _issues(github) if mine(i)), None)

    found = existing()
    created = found is None
    if found is None:
        body = words.issue_body(steps, where)
        found = github.client.create_issue(words.group_title(steps.steps), body, list(github.labels), existing)
        github.bodies[found.number] = body
    ours = [i for i in _issues(github) if mine(i)]
    keep = min(ours, key=lambda i: i.number) if ours else found
    for duplicate in ours:
        if duplicate.number != keep.number:
            github.client.close_issue(
                duplicate.number, f"Duplicate of #{keep.number} (two alert jobs ran at once).", reason="not_planned"
            )
    return keep, created and keep.number == found.number


def _post(hooks: tuple[Hook, ...], body: Callable[[], str], lines: list[str], failed_hooks: set[str]) -> int:
    """``body`` (rendered once) posted to each hook not failed earlier this run; failed deliveries, counted (each a
    warning line)."""
    from perfgate.deliver import webhook

    hooks = tuple(h for h in hooks if h.url not in failed_hooks)
    if not hooks:
        return 0
    text = body()
    failed = 0
    for hook in hooks:
        delivery = webhook.post(hook.url, text)
        if delivery.ok:
            lines.append(f"webhook {delivery.host}: posted")
        else:
            failed += 1
            failed_hooks.add(hook.url)
            lines.append(
                f"warning: webhook {delivery.host}: {delivery.detail}; the other deliveries went on "
                "(this one's next messages wait for the next run)"
            )
    return failed
