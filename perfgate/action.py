"""The GitHub Action's use cases: `perfgate gate` (every job) and `perfgate publish` (the trusted
second workflow for pull requests from forks).

The verdict comes from the results alone; GitHub is only told about it. When GitHub cannot be told (a
read-only token on a fork's pull request, an outage after retries), the job summary says so and the
exit code is still the gate's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from perfgate import vcs
from perfgate.app.compare import compare_with_history
from perfgate.app.config import Overrides, gate_settings, make_policy
from perfgate.app.ingest import RunInfo, store_results
from perfgate.app.output import write_output
from perfgate.app.reading import expand, read_all
from perfgate.choices import COMMENT_POLICIES, FAIL_ON
from perfgate.config import Config
from perfgate.deliver.github import CHECK_NAME, GitHubPublisher, GitHubTarget
from perfgate.errors import DeliveryError, InputError, NoBaseline, StoreError, UsageError
from perfgate.gate import FAILING, WARNING, Report, Settings, Verdict
from perfgate.github_env import GitHubContext, append_summary, write_outputs
from perfgate.model import GateDecision, Origin, ParsedResults
from perfgate.render import json_report, junit, markdown, text
from perfgate.site_address import series_url
from perfgate.store import Store

REPORT_FILE = "perfgate-report.json"
JUNIT_FILE = "perfgate-junit.xml"
FORK_HELP = (
    "perfgate could not comment: this job's token is read-only (a pull request from a fork). "
    "The report is in the job summary and the perfgate-report artifact; to get the PR comment, add the "
    "trusted publish workflow described in docs/github-action.md (Forks)."
)
PublisherFactory = Callable[[GitHubTarget], GitHubPublisher]


@dataclass(frozen=True)
class GateOptions:
    mode: str = "auto"  # auto | record | compare
    comment: str = "on-change"
    fail_on: str = "regression"
    output_dir: Path = Path(".")
    format_name: str | None = None
    overrides: Overrides = field(default_factory=Overrides)


@dataclass
class GateOutcome:
    exit_code: int
    report: Report | None = None
    lines: list[str] = field(default_factory=list)


def gate(
    store: Store,
    patterns: Sequence[str],
    ctx: GitHubContext,
    cfg: Config,
    options: GateOptions,
    *,
    now: datetime,
    workdir: Path,
    publisher: PublisherFactory = GitHubPublisher,
) -> GateOutcome:
    """Record the run (main branch) or compare it and tell GitHub (pull requests)."""
    cfg = options.overrides.applied_to(cfg)
    if options.comment not in COMMENT_POLICIES or options.fail_on not in FAIL_ON:
        raise UsageError(f"comment must be one of {COMMENT_POLICIES}, fail-on one of {FAIL_ON}")
    suite = cfg.suite
    results = read_all(expand(patterns), options.format_name)
    main = main_branch(cfg, ctx)
    mode = options.mode
    if mode == "auto":
        mode = "record" if ctx.event == "push" and ctx.branch == main else "compare"
    if mode == "record":
        return _record(store, results, ctx, RunInfo(suite, ctx.branch or main, ctx.sha), now)
    if mode != "compare":
        raise UsageError(f"mode must be auto, record or compare, not {options.mode!r}")
    base_commit = vcs.merge_base(workdir, main) or ctx.base_sha
    try:
        report = compare_with_history(
            store,
            results,
            suite=suite,
            branch=main,
            settings=gate_settings(cfg),
            policy=make_policy(cfg, now.date()),
            baseline_runs=cfg.baseline_runs,
            base_commit=base_commit,
            repository=workdir,
        )
    except NoBaseline as exc:
        return _nothing_compared(exc.problem, exc.fix, ctx, options, suite, publisher)
    except StoreError as exc:
        if not (ctx.is_fork or ctx.actor_is_bot):
            raise
        # A fork's or Dependabot's pull request has no secrets: not failed for what it cannot change.
        why = (
            "this pull request's job cannot reach the history database (pull requests from forks and Dependabot "
            f"get no secrets): {exc}"
        )
        fix = "The trusted publish workflow in docs/github-action.md (Forks) compares such pull requests."
        return _nothing_compared(why, fix, ctx, options, suite, publisher)
    history = tuple(
        (c.name, c.metric, tuple(reversed(_medians(store, suite, main, c.name, c.metric))))
        for c in report.comparisons
        if c.verdict in FAILING
    )
    report = replace(
        report,
        origin=Origin(ctx.repository, ctx.pr_number, ctx.sha, ctx.run_url),
        history=history,
        site_url=cfg.site_url,
        pages=_site_pages(report, suite, cfg.site_url),
    )
    kept = _keep_decision(store, report, suite, base_commit, now)
    outcome = _publish_outputs(report, ctx, options, publisher, check_name(suite))
    outcome.lines += kept
    return outcome


def _site_pages(report: Report, suite: str, site_url: str | None) -> tuple[tuple[str, str, str], ...]:
    """Links from the comment's failing and warning rows to their history pages (site_url in perfgate.toml)."""
    if site_url is None:
        return ()
    shown = FAILING | WARNING
    return tuple(
        (c.name, c.metric, series_url(site_url, suite, c.name, c.metric))
        for c in report.comparisons
        if c.verdict in shown
    )


def main_branch(cfg: Config, ctx: GitHubContext) -> str:
    """The branch whose pushes are recorded: the config's, else the repository's default (master, trunk, …)."""
    if cfg.main_branch_given or not ctx.default_branch:
        return cfg.main_branch
    return ctx.default_branch


def check_name(suite: str) -> str:
    """One check per suite, so a matrix of suites shows checks a reviewer can tell apart."""
    return CHECK_NAME if suite == Config().suite else f"{CHECK_NAME} ({suite})"


def _nothing_compared(
    why: str, fix: str, ctx: GitHubContext, options: GateOptions, suite: str, publisher: PublisherFactory
) -> GateOutcome:
    """No baseline to compare with: a neutral check and a comment that say so and how to fix it, never a green pass."""
    fix += (
        " With the Action: main-branch runs are recorded by pushes to the default branch (mode: auto); check the "
        "history input (cache, branch or postgres), that the workflow runs on push, and the suite name."
    )
    body = (
        f"{markdown.MARKER}\n### :grey_question: perfgate: nothing was compared\n\n"
        f"{markdown.escape_text(why)}\n\n{markdown.escape_text(fix)}\n"
    )
    empty = Report(
        baseline=(),
        candidate=(),
        comparisons=(),
        settings=Settings(),
        origin=Origin(ctx.repository, ctx.pr_number, ctx.sha, ctx.run_url),
    )
    notices = deliver(
        empty,
        body,
        ctx,
        options.comment if options.comment != "on-change" else "always",
        0,
        publisher_factory=publisher,
        check_name=check_name(suite),
        guard_head=True,
        conclusion="neutral",
    )
    append_summary(ctx.summary_path, body.split("\n", 1)[1] + "".join(f"\n> [!NOTE]\n> {n}\n" for n in notices))
    write_outputs(ctx.output_path, {"verdict": "no-baseline", "regressions": "0", "report": "", "junit": ""})
    return GateOutcome(0, None, [f"perfgate: nothing was compared: {why}", fix, *notices])


def not_run(ctx: GitHubContext, why: str) -> None:
    """Tell the job summary and the step outputs that the gate could not run (so no red X reads as a regression)."""
    append_summary(
        ctx.summary_path,
        f"### perfgate could not run\n\n{markdown.escape_text(why)}\n\n"
        "Nothing was compared: this is not a verdict on the change. The job log has the details.\n",
    )
    write_outputs(ctx.output_path, {"verdict": "error", "regressions": "0", "report": "", "junit": ""})


def _keep_decision(store: Store, report: Report, suite: str, base_commit: str | None, now: datetime) -> list[str]:
    """Store the decision for the weekly digest; a store that cannot take it costs a notice, not the gate."""
    origin = report.origin or Origin()
    decided = GateDecision(
        suite=suite,
        head_commit=origin.head_sha or "",
        recorded_at=now,
        verdict=report.verdict,
        series=len(report.comparisons),
        failing=tuple(f"{c.name}: {c.reason}" for c in report.comparisons if c.verdict in FAILING),
        waived=tuple(f"{c.name}: {c.reason}" for c in report.comparisons if c.verdict is Verdict.WAIVED),
        pr_number=origin.pr_number,
        base_commit=base_commit,
        run_url=origin.run_url,
    )
    try:
        store.save_gate_decision(decided)
    except StoreError as exc:
        return [f"the gate's decision was not kept for the weekly digest: {exc}"]
    return []


def _medians(store: Store, suite: str, branch: str, name: str, metric: str) -> list[float]:
    points = store.series_history(suite, branch, name, metric, 20)
    return [p.summary.median for p in points if p.summary.median is not None]


def _record(
    store: Store, results: Sequence[ParsedResults], ctx: GitHubContext, run: RunInfo, now: datetime
) -> GateOutcome:
    outcome = GateOutcome(0)
    runs = [(parsed, replace(run, key=f"{ctx.idempotency_prefix}:{i}")) for i, parsed in enumerate(results)]
    for done in store_results(store, runs, now=now):
        state = "stored as run" if done.created else "already stored as run"
        outcome.lines.append(
            f"{done.source}: {state} {done.run_id} ({done.series} series, {run.branch}@{ctx.sha[:12]})"
        )
    append_summary(ctx.summary_path, "### perfgate\n\n" + "\n".join(f"- {line}" for line in outcome.lines) + "\n")
    write_outputs(ctx.output_path, {"verdict": "recorded", "regressions": "0", "report": "", "junit": ""})
    return outcome


def _exit_code(report: Report, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    if fail_on == "budget":
        return 1 if report.count(Verdict.BUDGET_EXCEEDED) else 0
    return 1 if report.failed else 0


def _publish_outputs(
    report: Report, ctx: GitHubContext, options: GateOptions, publisher: PublisherFactory, check: str = CHECK_NAME
) -> GateOutcome:
    """Files and step outputs first (they never fail the job), then GitHub."""
    options.output_dir.mkdir(parents=True, exist_ok=True)
    report_path, junit_path = options.output_dir / REPORT_FILE, options.output_dir / JUNIT_FILE
    write_output(report_path, json_report.render(report))
    write_output(junit_path, junit.render(report))
    exit_code = _exit_code(report, options.fail_on)
    outcome = GateOutcome(exit_code, report, [text.render(report)])
    body = markdown.render(report)
    notices = deliver(
        report, body, ctx, options.comment, exit_code, publisher_factory=publisher, check_name=check, guard_head=True
    )
    outcome.lines += notices
    append_summary(ctx.summary_path, body + "".join(f"\n> [!NOTE]\n> {n}\n" for n in notices))
    write_outputs(
        ctx.output_path,
        {
            "verdict": report.verdict,
            "regressions": str(sum(1 for c in report.comparisons if c.verdict in FAILING)),
            "report": str(report_path),
            "junit": str(junit_path),
        },
    )
    return outcome


def deliver(
    report: Report,
    body: str,
    ctx: GitHubContext,
    comment: str,
    exit_code: int,
    *,
    publisher_factory: PublisherFactory,
    check_name: str = CHECK_NAME,
    guard_head: bool = False,
    conclusion: str | None = None,
) -> list[str]:
    """Post the PR comment and the check, each on its own (a failure of one never skips the other);
    returns notices for the job summary instead of raising. The verdict never depends on delivery."""
    if not ctx.token:
        return ["no GitHub token was given: no PR comment and no check (the job summary has the report)"]
    head_sha = report.origin.head_sha if report.origin and report.origin.head_sha else ctx.sha
    try:
        client = publisher_factory(GitHubTarget(ctx.api_url, ctx.repository, ctx.token))
    except DeliveryError as exc:
        return [f"{exc} — the verdict above stands; no PR comment and no check were posted"]
    notices: list[str] = []
    read_only = False
    try:
        pr_number = report.origin.pr_number if report.origin else ctx.pr_number
        changed = any(c.verdict is not Verdict.UNCHANGED for c in report.comparisons)
        create = {"always": True, "on-change": changed, "on-regression": report.failed, "never": False}[comment]
        if pr_number is not None and comment != "never":
            try:
                outcome = client.upsert_comment(
                    pr_number, body, markdown.MARKER, create=create, head_sha=head_sha if guard_head else None
                )
                if outcome.action == "stale":
                    notices.append(
                        f"PR #{pr_number} has moved on to a newer commit: its comment was left to the newer job"
                    )
                elif outcome.action != "skipped":
                    notices.append(f"PR comment {outcome.action}: {outcome.url}")
            except DeliveryError as exc:
                read_only = exc.read_only
                notices.append(
                    FORK_HELP if exc.read_only else f"{exc} — the verdict above stands; the PR comment is missing"
                )
        failing = sum(1 for c in report.comparisons if c.verdict in FAILING)
        title = (
            f"{failing} failing of {len(report.comparisons)} series"
            if failing
            else f"{len(report.comparisons)} series, no regression"
            if report.comparisons
            else "nothing was compared"
        )
        verdict = conclusion or ("failure" if exit_code else "success")
        try:
            kind = client.report_check(
                head_sha, conclusion=verdict, title=title, summary=body, details_url=ctx.run_url, name=check_name
            )
            notices.append(f"{kind} {check_name!r} on {head_sha[:12]}: {verdict}")
        except DeliveryError as exc:
            if not (exc.read_only and read_only):  # one fork notice is enough
                notices.append(
                    FORK_HELP if exc.read_only else f"{exc} — the verdict above stands; the check is missing"
                )
    finally:
        client.close()
    return notices


def publish(
    report_path: Path, ctx: GitHubContext, *, comment: str, fail_on: str, publisher: PublisherFactory = GitHubPublisher
) -> GateOutcome:
    """Post a report made by an untrusted job (a fork's pull request): validate, re-render, find the PR."""
    try:
        raw = report_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(report_path), f"cannot be read: {exc.strerror}") from None
    report = json_report.load(raw, str(report_path))  # re-rendered from data: nothing of the file is posted as is
    head_sha = ctx.sha  # the workflow_run's head: what the untrusted job ran on, per GitHub, not per the file
    if report.origin and report.origin.head_sha and report.origin.head_sha != head_sha:
        raise InputError(
            str(report_path), f"the report is for {report.origin.head_sha[:12]}, the workflow run for {head_sha[:12]}"
        )
    if not ctx.token:
        raise UsageError("perfgate publish needs a token (GITHUB_TOKEN) with pull-requests and checks write")
    client = publisher(GitHubTarget(ctx.api_url, ctx.repository, ctx.token))
    try:
        pulls = (
            [client.pull(ctx.pr_number)]
            if ctx.pr_number
            else [p for p in client.pulls_for_commit(head_sha) if p.state == "open"]
        )
    except DeliveryError as exc:
        raise InputError("workflow_run", f"cannot find the pull request of {head_sha[:12]}: {exc}") from None
    finally:
        client.close()
    outcome = GateOutcome(0, report)
    if not pulls:
        outcome.lines.append(f"no open pull request has head {head_sha[:12]}: nothing to post")
        return outcome
    pull = pulls[0]
    if pull.head_sha != head_sha:
        outcome.lines.append(
            f"PR #{pull.number} has moved on to {pull.head_sha[:12]}; this report (for {head_sha[:12]}) is stale: not posted"
        )
        return outcome
    # The run's link comes from the workflow_run event (GitHub's word), never from the untrusted file.
    report = replace(report, origin=Origin(ctx.repository, pull.number, head_sha, ctx.workflow_run_url))
    exit_code = _exit_code(report, fail_on)
    outcome.lines += deliver(report, markdown.render(report), ctx, comment, exit_code, publisher_factory=publisher)
    return outcome
