"""The GitHub Action's job, `perfgate gate`: on a push to the main branch it records the run; on a pull
request it compares with main, writes the reports, and tells GitHub (a comment and a check).

The verdict comes from the results alone; GitHub is only told about it. When GitHub cannot be told (a
read-only token on a fork's pull request, an outage after retries), the job summary says so and the exit
code is still the gate's. Whatever happens, the job summary and the step outputs say it, written in one
place (``_tell_the_job``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from perfgate import harness, vcs
from perfgate.app import ab, acceptance, decisions
from perfgate.app.compare import compare_with_history
from perfgate.app.config import Overrides, gate_settings, make_policy
from perfgate.app.history import sparklines
from perfgate.app.ingest import RunInfo, store_results
from perfgate.app.output import write_output
from perfgate.app.posting import PublisherFactory, plan, post
from perfgate.app.reading import expand, read_all
from perfgate.app.run import RunRequest, run_job
from perfgate.app.workspace import Workspace
from perfgate.choices import COMMENT_POLICIES, FAIL_ON, GATE_MODES
from perfgate.config import Config
from perfgate.deliver.github import CHECK_NAME, GitHubPublisher
from perfgate.errors import ConfigError, NoBaseline, PerfgateError, StoreError, UsageError
from perfgate.gate.report import FAILING, WARNING, Report, Verdict
from perfgate.gate.rules import Acceptance
from perfgate.github_env import GitHubContext, append_summary, read_context, write_outputs
from perfgate.model import Origin, ParsedResults
from perfgate.render import action_markdown, json_report, junit, markdown, text
from perfgate.site_address import series_url

if TYPE_CHECKING:
    from perfgate.store import Store

REPORT_FILE = "perfgate-report.json"
JUNIT_FILE = "perfgate-junit.xml"


@dataclass(frozen=True)
class GateRequest:
    workspace: Workspace
    environ: Mapping[str, str]  # the job's environment: GITHUB_EVENT_PATH, GITHUB_TOKEN, …
    files: tuple[str, ...]
    mode: str  # one of GATE_MODES
    comment: str  # one of COMMENT_POLICIES
    fail_on: str  # one of FAIL_ON
    output_dir: Path  # where the JSON and JUnit reports go
    format_name: str | None = None
    overrides: Overrides = field(default_factory=Overrides)
    ab: ab.ABRequest | None = None  # mode ab: what the rounds run (files is empty then)


@dataclass(frozen=True)
class StepOutputs:
    """The step outputs action.yml declares, by the names it declares them."""

    verdict: str  # pass, neutral, fail, recorded, no-baseline, or error
    regressions: int = 0  # series that failed the gate
    report: str = ""  # the JSON report's path, when one was written
    junit: str = ""
    recorded: bool = False  # this job's run was stored as history (record, or mode ab on a push to main)


@dataclass(frozen=True)
class GateOutcome:
    exit_code: int
    lines: tuple[str, ...]  # for the job log
    summary: str  # Markdown for the job summary
    outputs: StepOutputs
    report: Report | None = None


def gate(request: GateRequest, publisher: PublisherFactory = GitHubPublisher) -> GateOutcome:
    """Record the run (main branch) or compare it and tell GitHub (pull requests); when the gate cannot run,
    the job summary and the step outputs say so and the error goes on to the command line."""
    ctx = read_context(request.environ)
    cfg = request.workspace.config()
    try:
        outcome = _gate(request, ctx, cfg, publisher)
    except Exception as exc:  # the job summary says the gate did not run; the exit code says why
        why = str(exc) if isinstance(exc, PerfgateError) else f"internal error ({type(exc).__name__})"
        _tell_the_job(ctx, action_markdown.not_run(why), StepOutputs("error"))
        raise
    _tell_the_job(ctx, outcome.summary, outcome.outputs)
    return outcome


def _tell_the_job(ctx: GitHubContext, summary: str, outputs: StepOutputs) -> None:
    """The one place that writes the job summary and the step outputs."""
    append_summary(ctx.summary_path, summary)
    values = asdict(outputs).items()
    write_outputs(ctx.output_path, {name: str(v).lower() if isinstance(v, bool) else str(v) for name, v in values})


def _gate(request: GateRequest, ctx: GitHubContext, cfg: Config, publisher: PublisherFactory) -> GateOutcome:
    store = request.workspace.store()
    cfg = request.overrides.applied_to(cfg)
    if request.comment not in COMMENT_POLICIES or request.fail_on not in FAIL_ON:
        raise UsageError(f"comment must be one of {COMMENT_POLICIES}, fail-on one of {FAIL_ON}")
    main = main_branch(cfg, ctx)
    if request.mode == "ab":
        return _ab(request, ctx, cfg, store, main, publisher)
    results = read_all(expand(request.files), request.format_name)
    if choose_mode(request.mode, ctx, main) == "record":
        return _record(store, results, ctx, RunInfo(cfg.suite, ctx.branch or main, ctx.sha), request.workspace.now)
    base_commit = vcs.merge_base(request.workspace.workdir, main) or ctx.base_sha
    accepted, heard = acceptance.find(ctx, cfg.accept_label, publisher)
    try:
        report = compare_with_history(
            store,
            results,
            suite=cfg.suite,
            branch=main,
            settings=gate_settings(cfg),
            policy=make_policy(cfg, request.workspace.now.date(), accepted),
            baseline_runs=cfg.baseline_runs,
            base_commit=base_commit,
            repository=request.workspace.workdir,
        )
    except NoBaseline as exc:
        return _nothing_compared(exc.problem, exc.fix, ctx, request.comment, cfg.suite, publisher)
    except StoreError as exc:
        if not (ctx.is_fork or ctx.actor_is_bot):
            raise
        return _nothing_compared(*_no_secrets(exc), ctx, request.comment, cfg.suite, publisher)
    report = _for_the_pull_request(report, store, ctx, cfg, main, accepted)
    kept = decisions.keep(store, report, cfg.suite, base_commit, request.workspace.now)
    outcome = _publish_report(report, ctx, request, publisher, check_name(cfg.suite), heard)
    return replace(outcome, lines=(*outcome.lines, *kept))


def choose_mode(mode: str, ctx: GitHubContext, main: str) -> str:
    """record or compare: auto records a push to the main branch and compares everything else."""
    if mode == "auto":
        return "record" if ctx.event == "push" and ctx.branch == main else "compare"
    if mode not in GATE_MODES:
        raise UsageError(f"mode must be one of {', '.join(GATE_MODES)}, not {mode!r}")
    return mode


def main_branch(cfg: Config, ctx: GitHubContext) -> str:
    """The branch whose pushes are recorded: the config's, else the repository's default (master, trunk, …)."""
    if cfg.main_branch_given or not ctx.default_branch:
        return cfg.main_branch
    return ctx.default_branch


def check_name(suite: str) -> str:
    """One check per suite, so a matrix of suites shows checks a reviewer can tell apart."""
    return CHECK_NAME if suite == Config().suite else f"{CHECK_NAME} ({suite})"


def exit_code(report: Report, fail_on: str) -> int:
    """What fails the job: regression (a regression or an exceeded budget), budget (only budgets), never. A
    warn-only series (mode = "warn") never does."""
    if fail_on == "never":
        return 0
    if fail_on == "budget":
        return 1 if report.count(Verdict.BUDGET_EXCEEDED, failing=True) else 0
    return 1 if report.failed else 0


def _no_secrets(exc: StoreError) -> tuple[str, str]:
    """A fork's or Dependabot's pull request has no secrets: not failed for what it cannot change."""
    why = (
        "this pull request's job cannot reach the history database (pull requests from forks and Dependabot "
        f"get no secrets): {exc}"
    )
    return why, "The trusted publish workflow in docs/github-action.md (Forks) compares such pull requests."


def _for_the_pull_request(
    report: Report, store: Store | None, ctx: GitHubContext, cfg: Config, main: str, accepted: Acceptance | None
) -> Report:
    """The report with where it comes from, the accept label, the failing series' sparklines (with a store) and
    their history pages."""
    return replace(
        report,
        accepted=accepted,
        origin=Origin(ctx.repository, ctx.pr_number, ctx.sha, ctx.run_url),
        history=sparklines(store, report, cfg.suite, main) if store is not None else (),
        site_url=cfg.site_url,
        pages=_site_pages(report, cfg.suite, cfg.site_url),
    )


def _site_pages(report: Report, suite: str, site_url: str | None) -> tuple[tuple[str, str, str], ...]:
    """Links from the comment's failing, warning and label-waived rows to their history pages (site_url in
    perfgate.toml)."""
    if site_url is None:
        return ()
    shown = FAILING | WARNING
    return tuple(
        (c.name, c.metric, series_url(site_url, suite, c.name, c.metric))
        for c in report.comparisons
        if c.verdict in shown or c.waived_by == "label"
    )


def _nothing_compared(
    why: str, fix: str, ctx: GitHubContext, comment: str, suite: str, publisher: PublisherFactory
) -> GateOutcome:
    """No baseline to compare with: a neutral check and a comment that say so and how to fix it, never a green pass."""
    hint = (
        "With the Action: main-branch runs are recorded by pushes to the default branch (mode: auto); check the "
        "history input (cache, branch or postgres), that the workflow runs on push, and the suite name."
    )
    fix = f"{fix}\n\n{hint}"
    body = action_markdown.nothing_compared(why, fix)
    posting = plan(
        None, body, ctx, comment, fails=False, pr_number=ctx.pr_number, check_name=check_name(suite), guard_head=True
    )
    notices = post(posting, ctx, publisher)
    summary = action_markdown.with_notices(action_markdown.without_marker(body), notices)
    lines = (f"perfgate: nothing was compared: {why}", *fix.split("\n\n"), *notices)
    return GateOutcome(0, lines, summary, StepOutputs("no-baseline"))


def _record(
    store: Store, results: Sequence[ParsedResults], ctx: GitHubContext, run: RunInfo, now: datetime
) -> GateOutcome:
    """A main-branch job: each results file is a run, keyed by the job's run id and attempt."""
    runs = [(parsed, replace(run, key=f"{ctx.idempotency_prefix}:{i}")) for i, parsed in enumerate(results)]
    lines = tuple(
        f"{done.source}: {'stored as run' if done.created else 'already stored as run'} {done.run_id} "
        f"({done.series} series, {run.branch}@{ctx.sha[:12]})"
        for done in store_results(store, runs, now=now)
    )
    return GateOutcome(0, lines, action_markdown.recorded(lines), StepOutputs("recorded", recorded=True))


def _ab(
    request: GateRequest, ctx: GitHubContext, cfg: Config, store: Store, main: str, publisher: PublisherFactory
) -> GateOutcome:
    """Mode ab: base and head benchmarked here in interleaved rounds and judged as pairs, reported as compare mode
    reports; on a push to main the base is the previous commit and the head's rounds are recorded as one run."""
    if request.ab is None:
        raise UsageError("mode ab needs the benchmark command (the Action's run input)")
    if ctx.event == "pull_request_target" and ctx.is_fork:
        raise ConfigError(
            "mode ab runs the pull request's code, and on pull_request_target a fork's code would run with a write "
            "token and the repository's secrets: run it on pull_request (docs/github-action.md, Forks)"
        )
    cwd = request.workspace.workdir
    recording = ctx.event == "push" and ctx.branch == main
    ab.keep_working_files_out(cwd)
    chosen = ab.choose_base(cwd, ctx, main, request.environ, recording=recording)
    head_rounds: list[ParsedResults] = []

    def heard(ran: harness.Round, parsed: ParsedResults) -> None:
        if ran.side == "head" and ran.index != harness.WARM_UP:
            head_rounds.append(parsed)

    job = request.ab
    run = RunRequest(
        job.command,
        base=chosen.commit if chosen else None,
        main_branch=None if chosen else main,
        rounds=job.rounds,
        setup=job.setup,
        results=job.results,
        format_name=request.format_name,
        base_why=chosen.why if chosen else None,
    )
    now = request.workspace.now
    env = ab.benchmark_environment(request.environ)
    accepted, said = acceptance.find(ctx, cfg.accept_label, publisher)
    report = run_job(run, cfg, cwd=cwd, env=env, today=now.date(), heard=heard, accepted=accepted)
    recorded: GateOutcome | None = None
    if recording:
        info = RunInfo(cfg.suite, ctx.branch or main, ctx.sha)
        recorded = _record(store, [ab.pooled(head_rounds)], ctx, info, now)
    kept: list[str] = []
    try:
        report = _for_the_pull_request(report, store, ctx, cfg, main, accepted)
    except StoreError:  # no history here (yet, or none reachable): the pairs need none, the comment no sparklines
        report = _for_the_pull_request(report, None, ctx, cfg, main, accepted)
    else:
        if ctx.pr_number is not None:
            kept = decisions.keep(store, report, cfg.suite, chosen.commit if chosen else None, now)
    outcome = _publish_report(report, ctx, request, publisher, check_name(cfg.suite), said)
    if recorded is None:
        return replace(outcome, lines=(*outcome.lines, *kept))
    return replace(
        outcome,
        lines=(*outcome.lines, *recorded.lines),
        summary=outcome.summary + "\n" + recorded.summary,
        outputs=replace(outcome.outputs, recorded=True),
    )


def _publish_report(
    report: Report,
    ctx: GitHubContext,
    request: GateRequest,
    publisher: PublisherFactory,
    check: str,
    heard: Sequence[str] = (),
) -> GateOutcome:
    """Files first (they never fail the job), then GitHub. ``heard``: notices of asking GitHub for the labels."""
    request.output_dir.mkdir(parents=True, exist_ok=True)
    report_path, junit_path = request.output_dir / REPORT_FILE, request.output_dir / JUNIT_FILE
    write_output(report_path, json_report.render(report))
    write_output(junit_path, junit.render(report))
    code = exit_code(report, request.fail_on)
    body = markdown.render(report)
    posting = plan(
        report, body, ctx, request.comment, fails=bool(code), pr_number=ctx.pr_number, check_name=check, guard_head=True
    )
    notices = [*heard, *post(posting, ctx, publisher)]
    failing = sum(1 for c in report.comparisons if c.fails)
    outputs = StepOutputs(report.verdict, failing, str(report_path), str(junit_path))
    return GateOutcome(
        code, (text.render(report), *notices), action_markdown.with_notices(body, notices), outputs, report
    )
