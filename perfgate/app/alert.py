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
from collections.abc import Callable, Mapping
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
MAX_NEW_STEPS = 10  # announced per run; the rest the next run (a GITHUB_TOKEN has 1,000 requests an hour)
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
            histories = _histories(store, suite, branch, cfg.alert.runs)
            known = _known(store, suite, github)
            found = alerts.find(
                histories,
                known,
                make_policy(cfg, request.workspace.now.date()),
                gate_settings(cfg),
                today=request.workspace.now.date(),
            )
            try:
                done = _act(found, histories, store, github, hooks, where, request, told)
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
        failed += _post(hooks, partial(words.slack_group, steps, steps[0][1]), lines)
    if told.back:
        failed += _post(hooks, partial(words.slack_recoveries, told.back, where), lines)
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


def _histories(store: Store, suite: str, branch: str, runs: int) -> list[History]:
    headers = {h.id: h for h in store.run_headers(suite, branch, limit=runs)}
    return histories_of(store, suite, headers, branch)


def _known(store: Store, suite: str, github: _GitHub | None) -> list[Announced]:
    """What was announced: the store's memory, and the open issues' markers (the memory of a job without it)."""
    remembered = {(a.key, a.first_bad): a for a in store.announcements(suite)}
    if github is not None:
        for issue in _issues(github):
            github.bodies[issue.number] = issue.body
            step = words.read_marker(issue.body, issue=issue.number)
            if step is None or step.suite != suite:
                continue
            mine = remembered.get((step.key, step.first_bad))
            # An open issue is an open alert, whatever the store says (a recovery whose close did not get through).
            remembered[(step.key, step.first_bad)] = replace(mine or step, issue=issue.number, recovered=False)
    return list(remembered.values())


def _issues(github: _GitHub) -> list[IssueInfo]:
    return [i for i in github.client.open_issues(github.label) if i.body.startswith(words.MARKER_PREFIX)]


# --- acting ----------------------------------------------------------------------------------


def _act(
    found: Findings,
    histories: list[History],
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
    waiting = found.new[MAX_NEW_STEPS:]
    if waiting and not request.dry_run:
        lines.append(
            f"{count(len(waiting), 'more step')} wait for the next run: at most {MAX_NEW_STEPS} are announced a run "
            "(the largest first), so a suite-wide step cannot use up the token's requests"
        )
    generic = tuple(h for h in hooks if h.format != "slack")  # Slack's messages: _tell_slack, once all is done
    for step in found.new[: MAX_NEW_STEPS if not request.dry_run else None]:
        if request.dry_run:
            lines.append(f"would announce: {words.line(step)}")
            continue
        claim = words.announced(step)
        if not store.announce(claim, last_good=step.last_good.commit, after=step.step.after, now=now):
            lines.append(f"already announced by another job: {step.history.label}")
            continue
        here = _with_window(where, github, step)
        issue_url = None
        if github is not None:
            try:
                number, issue_url = _open_issue(github, step, here)
            except DeliveryError as exc:  # the webhooks still hear of it; the next run opens the issue
                refused = refused or exc
                lines.append(f"could not open the issue of {step.history.label}: {exc}")
            else:
                store.update_announcement(claim, issue=number)
        lines.append(f"announced: {words.line(step)}" + (f" — {issue_url}" if issue_url else ""))
        here = replace(here, issue_url=issue_url)
        told.steps.setdefault((step.last_good.commit, step.first_bad.commit), []).append((step, here))
        failed += _post(generic, partial(words.generic_message, step, here), lines)
    for step_before, step in found.ongoing:
        if github is None or request.dry_run:
            lines.append(
                f"still worse ({'issue #' + str(step_before.issue) if step_before.issue else 'announced'}): "
                f"{words.line(step)}"
            )
            continue
        # The window only for an issue written now: an open step unchanged since its issue said it costs nothing.
        if step_before.issue is None:  # announced by a job that could not reach GitHub, or that failed midway
            number, url = _open_issue(github, step, _with_window(where, github, step))
            store.update_announcement(step_before, issue=number)
            lines.append(f"opened the issue of an announced step: {url}")
        elif _moved(github.bodies.get(step_before.issue), step):
            body = words.issue_body(step, _with_window(where, github, step), step_before)
            github.client.edit_issue(step_before.issue, title=words.title(step), body=body)
            lines.append(f"still worse, issue #{step_before.issue} updated: {words.line(step)}")
        else:
            lines.append(f"still worse, issue #{step_before.issue} unchanged: {words.line(step)}")
    by_key = {h.key: h for h in histories}
    for recovery in found.recovered:
        history = by_key.get(recovery.announced.key)
        label = history.label if history is not None else recovery.announced.name
        if request.dry_run:
            lines.append(f"would close ({recovery.why}): {label}")
            continue
        if github is not None and recovery.announced.issue is not None:
            comment = words.recovery_comment(recovery, history, where)
            github.client.close_issue(recovery.announced.issue, comment)
        _remember_recovery(store, recovery, now)
        url = f"#{recovery.announced.issue}" if recovery.announced.issue else ""
        lines.append(f"{recovery.why}: {label} {url}".rstrip())
        told.back.append((recovery, history))
        issue = where.issue_url_of(recovery.announced.issue)
        failed += _post(generic, partial(words.generic_recovery, recovery, replace(where, issue_url=issue)), lines)
    if refused is not None:
        raise _explained(refused, lines)
    return AlertOutcome(tuple(lines), len(found.new), len(found.ongoing), len(found.recovered), failed)


def _explained(exc: DeliveryError, lines: list[str]) -> DeliveryError:
    """GitHub's refusal, after what was done, with what the token lacks when it is a permission."""
    done = "".join(f"\n  {line}" for line in lines)
    hint = (
        ": the token may not write issues; give the job `permissions: issues: write` (docs/alerts.md)"
        if exc.read_only
        else ""
    )
    return DeliveryError(f"{exc}{hint}{done}", read_only=exc.read_only)


def _moved(body: str | None, step: Regression) -> bool:
    """Whether the step's size moved by more than half its allowance since its issue last said it: an issue is
    not edited on every run (a suite with many open steps would spend the token's requests on it)."""
    said = words.marked_ratio(body) if body is not None else None
    if said is None or said <= 0:
        return True
    return abs(math.log(step.ratio / said)) > math.log1p(step.allowance / 2)


def _remember_recovery(store: Store, recovery: Recovery, now: datetime) -> None:
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


def _open_issue(github: _GitHub, step: Regression, where: words.Where) -> tuple[int, str]:
    """One issue per step: created, then settled against a job that created one at the same moment."""
    for label in github.labels:
        if label not in github.labelled:
            github.client.ensure_label(label, LABEL_COLOR, LABEL_DESCRIPTION)
            github.labelled.add(label)
    claim = words.announced(step)

    def mine(issue: IssueInfo) -> bool:
        found = words.read_marker(issue.body)
        return found is not None and (found.key, found.first_bad) == (claim.key, claim.first_bad)

    def existing() -> IssueInfo | None:
        return next((i for i in _issues(github) if mine(i)), None)

    found = existing()
    if found is None:
        found = github.client.create_issue(
            words.title(step), words.issue_body(step, where), list(github.labels), existing
        )
    ours = [i for i in _issues(github) if mine(i)]
    keep = min(ours, key=lambda i: i.number) if ours else found
    for duplicate in ours:
        if duplicate.number != keep.number:
            github.client.close_issue(
                duplicate.number, f"Duplicate of #{keep.number} (two alert jobs ran at once).", reason="not_planned"
            )
    return keep.number, keep.url


def _post(hooks: tuple[Hook, ...], body: Callable[[], str], lines: list[str]) -> int:
    """``body`` (rendered once) posted to each hook; failed deliveries, counted (each a warning line)."""
    from perfgate.deliver import webhook

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
            lines.append(f"warning: webhook {delivery.host}: {delivery.detail}; the other deliveries went on")
    return failed
