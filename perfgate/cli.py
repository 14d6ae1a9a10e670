"""The command line: thin click commands. Each parses its options, calls one app function, and maps
perfgate's errors to exit codes: 0 pass, 1 gate failed, 2 usage error, 3 bad input, config or environment,
4 internal error (a bug in perfgate: never mistaken for a failed gate).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from perfgate import __version__, limits, progress
from perfgate.choices import COMMENT_POLICIES, DEFAULT_ROUNDS, DEFAULT_SUITE, FAIL_ON
from perfgate.errors import PerfgateError, UsageError
from perfgate.render import OUTPUT_FORMATS
from perfgate.units import format_value, parse_size

if TYPE_CHECKING:
    from perfgate.gate.report import Report
    from perfgate.harness import Step
    from perfgate.store import Store

# Every command imports what it needs when it runs: `perfgate --version` and `--help` must not pay for
# SQLAlchemy, PyGithub or SciPy (tests/test_layers.py checks the import graph).

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FAIL = 1
EXIT_INTERNAL = 4
DEBUG_ENV = "PERFGATE_DEBUG"


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_url",
        envvar="PERFGATE_DATABASE_URL",
        metavar="URL",
        help="History database: a SQLAlchemy URL such as sqlite:///path.db or postgresql://user@host/db. "
        "[env: PERFGATE_DATABASE_URL; default: .perfgate/history.db in the current directory]",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "format_name",
        metavar="NAME",
        help="Read the results as this format instead of detecting it (see 'perfgate formats').",
    )(func)


def suite_option(func: F) -> F:
    return click.option(
        "--suite",
        help=f"The suite the runs belong to: one history per suite. [default: from the config, else {DEFAULT_SUITE!r}]",
    )(func)


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Configuration file. [default: perfgate.toml, or [tool.perfgate] in pyproject.toml, "
        "in this directory or the nearest parent]",
    )(func)


def links_options(func: F) -> F:
    """--repository and --server-url: where commits and pull requests are linked (the digest, the site)."""
    func = click.option(
        "--server-url",
        envvar="GITHUB_SERVER_URL",
        default="https://github.com",
        show_default=True,
        metavar="URL",
        help="The GitHub server, for GitHub Enterprise. [env: GITHUB_SERVER_URL]",
    )(func)
    return click.option(
        "--repository",
        envvar="GITHUB_REPOSITORY",
        metavar="OWNER/NAME",
        help="The GitHub repository, for links to commits and pull requests. [env: GITHUB_REPOSITORY]",
    )(func)


def _open_store(db_url: str | None) -> Store:
    from perfgate.store import Store, default_url

    return Store(db_url or default_url(Path.cwd()))


class PerfgateGroup(click.Group):
    """Turns perfgate's errors into one line on stderr and the documented exit code; anything unexpected
    into one line that says "internal error" and exit code 4, so that a crash never reads as a failed gate."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PerfgateError as exc:
            click.echo(f"perfgate: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if _debugging(ctx):
                import traceback

                traceback.print_exc()
            click.echo(f"perfgate: {internal_error_line(ctx, exc)}", err=True)
            ctx.exit(EXIT_INTERNAL)


def internal_error_line(ctx: click.Context, exc: BaseException) -> str:
    """One line: what perfgate was doing, the words "internal error", and how to see the traceback."""
    command = f"perfgate {ctx.invoked_subcommand or ''}".strip()
    doing = "; ".join(getattr(exc, "__notes__", ())) or f"running '{command}'"
    summary = f"{type(exc).__name__}: {str(exc)[:200]}".replace("\n", " ")
    return (
        f"internal error while {doing} ({summary}). This is a bug in perfgate, not a result of the gate; "
        f"rerun with --debug (or {DEBUG_ENV}=1) for the traceback, and please report it"
    )


def _painter(ctx: click.Context) -> Callable[[str, Any], str] | None:
    """Colours for verdicts on a terminal: red fails, yellow warns, green improves or passes; None for none
    (--color never, NO_COLOR, or not a terminal with --color auto)."""
    from perfgate.gate.report import FAILING, WARNING, Verdict

    choice = ctx.find_root().meta.get("perfgate.color") or "auto"
    if choice == "never" or (choice == "auto" and not _colour_terminal()):
        return None

    def paint(text: str, verdict: Any) -> str:
        if verdict in FAILING:
            return click.style(text, fg="red", bold=True)
        if verdict in WARNING:
            return click.style(text, fg="yellow")
        if verdict is Verdict.IMPROVEMENT or (verdict is None and text.startswith("PASS")):
            return click.style(text, fg="green")
        return text

    return paint


def _colour_terminal() -> bool:
    # https://no-color.org: any non-empty NO_COLOR turns colour off; so does a dumb terminal or a pipe.
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


PROGRESS_AFTER_ENV = "PERFGATE_PROGRESS_AFTER"


class _TerminalProgress:
    """A progress bar on stderr for a file whose reading takes longer than a couple of seconds: bytes read,
    rate and time left. Quick reads print nothing, so ordinary runs stay as quiet as they were."""

    def __init__(self, after: float) -> None:
        self._after = after
        self._bar: Any = None
        self._label, self._total, self._started, self._shown = "", 0, 0.0, 0
        self._created = time.monotonic()

    def start(self, label: str, total: int | None) -> None:
        self.finish()
        self._label, self._total, self._started, self._shown = label, total or 0, time.monotonic(), 0

    def advance(self, done: int) -> None:
        if self._bar is None:
            if time.monotonic() - self._started < self._after or not self._total:
                return
            label = self._label if len(self._label) <= 40 else "…" + self._label[-39:]
            self._bar = click.progressbar(
                length=self._total, label=f"reading {label}", file=sys.stderr, item_show_func=self._rate
            )
            self._bar.__enter__()
        self._bar.update(done - self._shown, done)
        self._shown = done

    def _rate(self, done: int | None) -> str:
        if not done:
            return ""
        seconds = max(time.monotonic() - self._started, 1e-9)
        return f"{done / 1e6:,.0f} of {self._total / 1e6:,.0f} MB, {done / 1e6 / seconds:,.0f} MB/s"

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def files(self, done: int, total: int) -> None:
        """A line counting the files read, once reading them has taken a couple of seconds."""
        if time.monotonic() - self._created < self._after:
            return
        click.echo(f"\rread {done} of {total} files", file=sys.stderr, nl=done == total)


@contextlib.contextmanager
def _progress_on_terminal(quiet: bool) -> Iterator[None]:
    """Progress for long reads while the command runs, when a person watches stderr (not -q, not a log)."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    try:
        after = float(os.environ.get(PROGRESS_AFTER_ENV, "2"))
    except ValueError:
        raise UsageError(f"{PROGRESS_AFTER_ENV} must be a number of seconds") from None
    sink = _TerminalProgress(after)
    token = progress.sink.set(sink)
    try:
        yield
    finally:
        sink.finish()
        progress.sink.reset(token)


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("perfgate.debug")) or os.environ.get(DEBUG_ENV, "") not in ("", "0")


@click.group(cls=PerfgateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfgate")
@click.option("--debug", is_flag=True, help=f"Print the traceback of an internal error. [env: {DEBUG_ENV}=1]")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour verdicts in the terminal report. auto: when stdout is a terminal and NO_COLOR is not set.",
)
@click.option(
    "--max-input-size",
    envvar="PERFGATE_MAX_INPUT_SIZE",
    metavar="SIZE",
    help="Read input files up to this size, decompressed, e.g. 2GiB. [env: PERFGATE_MAX_INPUT_SIZE; "
    "default: 512MiB for files read whole (JSON), 64GiB for streamed ones (k6 NDJSON, JMeter, Gatling)]",
)
@click.pass_context
def main(ctx: click.Context, debug: bool, color: str, max_input_size: str | None) -> None:
    """perfgate: a CI regression gate for benchmarks and load tests.

    Compare a change's results with the main branch's, with statistics that know CI runners are
    noisy, and fail like a test fails when something got slower.

    \b
    Quick start:
      perfgate compare base.json head.json
      perfgate ingest results.json --branch main --commit "$GITHUB_SHA"
      perfgate compare results.json --against main

    Exit codes: 0 pass, 1 the gate failed, 2 usage error, 3 bad input, config or environment
    (or nothing to compare with), 4 internal error (a bug in perfgate; --debug shows the traceback).
    """
    ctx.meta["perfgate.debug"] = debug
    ctx.meta["perfgate.color"] = color
    if max_input_size is not None:
        limits.input_limits.set(limits.InputLimits.of_size(parse_size(max_input_size, key="--max-input-size")))


@main.command()
@click.argument("files", nargs=-1)
@click.option(
    "--base",
    "base",
    multiple=True,
    metavar="PATH|GLOB",
    help="Baseline results; repeat or use a quoted glob for several runs (pooled).",
)
@click.option(
    "--head",
    "head",
    multiple=True,
    metavar="PATH|GLOB",
    help="Candidate results; repeat or use a quoted glob for several runs (pooled).",
)
@click.option(
    "--paired",
    is_flag=True,
    help="With --base and --head: the files are rounds run interleaved in one job, the k-th base file beside the "
    "k-th head file (a glob's matches in sorted order); each round's head/base ratio is one pair of the test.",
)
@click.option(
    "--against", metavar="BRANCH", help="Compare with the latest runs of BRANCH stored in the history database."
)
@click.option(
    "--base-commit",
    metavar="SHA",
    help="With --against: the pull request's merge-base; the baseline is the runs at it and its nearest "
    "ancestors. [default: git merge-base HEAD BRANCH, when git can tell]",
)
@click.option(
    "--baseline-runs",
    type=click.IntRange(1),
    help="With --against: how many of the latest runs to pool as the baseline. [default: from the config, else 5]",
)
@click.option(
    "--max-regression",
    metavar="PERCENT",
    help="The regression allowed before the gate fails (δ); a slowdown must be shown to exceed it. "
    "[default: from the config, else 5%]",
)
@click.option(
    "--fdr",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="False discovery rate q across all series (Benjamini-Hochberg). [default: from the config, else 0.05]",
)
@click.option(
    "--min-samples",
    type=click.IntRange(2),
    help="Fewer samples than this on either side gives 'insufficient-data'. [default: from the config, else 5]",
)
@click.option(
    "--output-format",
    type=click.Choice(sorted(OUTPUT_FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (the text table still goes to stdout).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only what fails (the failing rows and the verdict line).")
@format_option
@suite_option
@config_option
@db_option
@click.pass_context
def compare(
    ctx: click.Context,
    files: tuple[str, ...],
    base: tuple[str, ...],
    head: tuple[str, ...],
    paired: bool,
    against: str | None,
    base_commit: str | None,
    baseline_runs: int | None,
    max_regression: str | None,
    fdr: float | None,
    min_samples: int | None,
    output_format: str,
    output: Path | None,
    format_name: str | None,
    suite: str | None,
    config_path: Path | None,
    db_url: str | None,
    quiet: bool,
) -> None:
    """Compare benchmark results and fail when something regressed or broke a budget.

    \b
    Three ways to give the baseline:
      perfgate compare base.json head.json
      perfgate compare --base 'runs/main-*.json' --head 'runs/pr-*.json'
      perfgate compare head.json --against main
    Rounds of base and head run interleaved in one job, judged as pairs:
      perfgate compare --paired --base 'rounds/base-*.json' --head 'rounds/head-*.json'
    A file given as - is read from standard input: cargo bench ... | perfgate compare base.txt -

    Budgets and waivers come from perfgate.toml. Exits 1 when a series is shown to be worse by more than
    the allowed regression, or a budget is exceeded.
    """
    from perfgate import app
    from perfgate.render import render, text

    cfg = app.load_config(config_path, Path.cwd())
    settings = app.resolve_settings(cfg, app.Overrides(max_regression, fdr, min_samples))
    policy = app.make_policy(cfg, datetime.now(UTC).date())
    with _progress_on_terminal(quiet):
        if paired and (against or files or not (base and head)):
            raise UsageError("--paired compares rounds given as --base PATH|GLOB and --head PATH|GLOB, and no others")
        if against:
            if base:
                raise UsageError("give either --against or --base, not both")
            report = app.compare_with_history(
                _open_store(db_url),
                [*files, *head],
                suite=suite or cfg.suite,
                branch=against,
                settings=settings,
                policy=policy,
                baseline_runs=baseline_runs or cfg.baseline_runs,
                base_commit=base_commit,
                repository=Path.cwd(),
                format_name=format_name,
                stdin=sys.stdin.buffer,
            )
        elif base or head:
            if files or not (base and head):
                raise UsageError("with --base and --head, give both and no other file arguments")
            compare_files = app.compare_paired if paired else app.compare_files
            report = compare_files(base, head, settings, policy, format_name, sys.stdin.buffer)
        elif len(files) == 2:
            report = app.compare_files(files[:1], files[1:], settings, policy, format_name, sys.stdin.buffer)
        else:
            raise UsageError("give BASE HEAD, or --base and --head, or HEAD --against BRANCH")
    if output is not None:
        app.write_output(output, render(report, output_format))
    if output is not None or output_format == "text":
        paint = _painter(ctx)
        shown = text.render(report, paint=paint or text.unpainted, only_failing=quiet)
        click.echo(shown, nl=False, color=True if paint else None)
    else:
        click.echo(render(report, output_format), nl=False)
    if report.failed:
        sys.exit(EXIT_FAIL)


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--branch", required=True, help="The branch the results were measured on.")
@click.option("--commit", metavar="SHA", help="The commit measured (default: the one the file names, if any).")
@click.option("--pr", "pr_number", type=click.IntRange(1), metavar="N", help="The pull request number.")
@click.option("--merge-base", metavar="SHA", help="The pull request's merge-base commit on the main branch.")
@click.option(
    "--key",
    metavar="TEXT",
    help="Idempotency key, e.g. CI run id and attempt (default: a hash of the suite and file content).",
)
@format_option
@suite_option
@config_option
@db_option
def ingest(
    files: tuple[str, ...],
    branch: str,
    commit: str | None,
    pr_number: int | None,
    merge_base: str | None,
    key: str | None,
    format_name: str | None,
    suite: str | None,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Record results files as runs in the history database.

    \b
    Example:
      perfgate ingest results.json --branch main --commit "$GITHUB_SHA"

    Each file is one run. Ingesting the same results again stores nothing new.
    """
    from perfgate import app

    suite = suite or app.load_config(config_path, Path.cwd()).suite
    info = app.RunInfo(suite=suite, branch=branch, commit=commit, pr_number=pr_number, merge_base=merge_base, key=key)
    store = _open_store(db_url)
    with _progress_on_terminal(quiet=False):
        ingested = list(app.ingest(store, files, info, format_name=format_name, now=datetime.now(UTC)))
    for done in ingested:
        if done.created:
            click.echo(
                f"{done.source}: stored run {done.run_id} ({done.series} series, "
                f"{branch}@{done.commit[:12]}, suite {suite!r}) in {store.display_url}"
            )
        else:
            click.echo(
                f"{done.source}: already stored as run {done.run_id} (commit {done.commit[:12]}); nothing written"
            )


@main.group("config")
def config_group() -> None:
    """Check the configuration (perfgate.toml or [tool.perfgate] in pyproject.toml)."""


@config_group.command("check")
@click.option(
    "--results",
    multiple=True,
    metavar="PATH|GLOB",
    help="Show which budget and waiver apply to each series of these results.",
)
@format_option
@config_option
def config_check(results: tuple[str, ...], format_name: str | None, config_path: Path | None) -> None:
    """Validate the configuration and show the settings, budgets and waivers it resolves to.

    \b
    Example:
      perfgate config check --results head.json

    Exits 3 with the file, key and line of the first problem.
    """
    from perfgate import app
    from perfgate.render.config_text import render_config

    cfg = app.load_config(config_path, Path.cwd())
    click.echo(
        render_config(
            cfg,
            app.budget_terms(cfg),
            app.resolve(cfg, results, format_name) if results else None,
            datetime.now(UTC).date(),
        )
    )


@main.command("gate")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--mode",
    type=click.Choice(["auto", "record", "compare"]),
    default="auto",
    show_default=True,
    help="auto: record on a push to the main branch, compare otherwise.",
)
@click.option(
    "--comment",
    type=click.Choice(list(COMMENT_POLICIES)),
    default="on-change",
    show_default=True,
    help="When to post the PR comment (an existing one is always kept up to date).",
)
@click.option(
    "--fail-on",
    type=click.Choice(list(FAIL_ON)),
    default="regression",
    show_default=True,
    help="regression: a regression or an exceeded budget fails the job; budget: only budgets; never.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to write perfgate-report.json and perfgate-junit.xml.",
)
@click.option("--baseline-runs", type=click.IntRange(1), help="How many main-branch runs form the baseline.")
@click.option(
    "--max-regression", metavar="PERCENT", help="The regression allowed (δ). [default: from the config, else 5%]"
)
@format_option
@suite_option
@config_option
@db_option
def gate_command(
    files: tuple[str, ...],
    mode: str,
    comment: str,
    fail_on: str,
    output_dir: Path,
    baseline_runs: int | None,
    max_regression: str | None,
    format_name: str | None,
    suite: str | None,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Run the gate inside GitHub Actions (what the perfgate Action runs).

    \b
    Example (a workflow step):
      perfgate gate bench.json --comment on-regression

    Reads the event from GITHUB_EVENT_PATH. On a push to the main branch it records the run; on a pull
    request it compares with main, writes the job summary, step outputs, perfgate-report.json and
    perfgate-junit.xml, posts or updates the PR comment and a check on the head commit (with
    GITHUB_TOKEN), and exits 1 when the gate fails.
    """
    from perfgate import action, app
    from perfgate.github_env import read_context

    ctx = read_context(os.environ)
    cfg = app.load_config(config_path, Path.cwd())
    options = action.GateOptions(
        mode=mode,
        comment=comment,
        fail_on=fail_on,
        output_dir=output_dir,
        format_name=format_name,
        suite=suite,
        baseline_runs=baseline_runs,
        overrides=app.Overrides(max_regression=max_regression),
    )
    try:
        outcome = action.gate(_open_store(db_url), files, ctx, cfg, options, now=datetime.now(UTC), workdir=Path.cwd())
    except Exception as exc:  # the job summary says the gate did not run; the exit code says why
        action.not_run(ctx, str(exc) if isinstance(exc, PerfgateError) else f"internal error ({type(exc).__name__})")
        raise
    for line in outcome.lines:
        click.echo(line.rstrip("\n"))
    sys.exit(outcome.exit_code)


@main.command("publish")
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--comment", type=click.Choice(list(COMMENT_POLICIES)), default="on-change", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(list(FAIL_ON)),
    default="regression",
    show_default=True,
    help="Decides the check's conclusion.",
)
def publish_command(report: Path, comment: str, fail_on: str) -> None:
    """Post a report made by another workflow: the trusted half of the fork setup.

    \b
    Example (on: workflow_run, after downloading the perfgate-report artifact):
      perfgate publish perfgate-report.json

    The report is validated and re-rendered from its data; the pull request is found from the workflow
    run's head commit, and nothing is posted when the PR has moved on to a newer commit.
    """
    from perfgate import action
    from perfgate.github_env import read_context

    outcome = action.publish(report, read_context(os.environ), comment=comment, fail_on=fail_on)
    for line in outcome.lines:
        click.echo(line)


@main.command("history")
@click.argument("name")
@click.option("--branch", default="main", show_default=True, help="The branch whose runs to show.")
@click.option("--metric", help="The metric, when the series has several. [default: time]")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="How many of the latest runs.")
@suite_option
@config_option
@db_option
def history_command(
    name: str,
    branch: str,
    metric: str | None,
    limit: int,
    suite: str | None,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Show a series' recent runs: commit, date, median, p95, n, and a sparkline.

    \b
    Example:
      perfgate history test_tokenize --limit 30
    """
    from perfgate import app
    from perfgate.render.history_text import render_history

    suite = suite or app.load_config(config_path, Path.cwd()).suite
    points = app.history(_open_store(db_url), name, suite=suite, branch=branch, metric=metric, limit=limit)
    click.echo(render_history(name, branch, points), nl=False)


@main.command("digest")
@click.option(
    "--days", default=7, show_default=True, type=click.IntRange(1), help="The period: this many days up to --until."
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="End of the period, UTC (a day means its midnight). [default: now]",
)
@click.option("--suite", "suites", multiple=True, help="Only this suite (repeatable). [default: every suite]")
@click.option("--to", "recipients", multiple=True, metavar="ADDRESS", help="Send to this address (repeatable).")
@click.option(
    "--from",
    "sender",
    default="perfgate <perfgate@localhost>",
    show_default=True,
    envvar="PERFGATE_MAIL_FROM",
    metavar="ADDRESS",
    help="The sender. [env: PERFGATE_MAIL_FROM]",
)
@click.option(
    "--smtp-url",
    envvar="PERFGATE_SMTP_URL",
    metavar="URL",
    help="smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS). The password is "
    "never printed. [env: PERFGATE_SMTP_URL]",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the digest instead of sending it: FILE.html (charts saved beside it) or FILE.eml (the whole mail).",
)
@click.option("--dry-run", is_flag=True, help="Build the digest and print its text part; send nothing.")
@click.option("--skip-empty", is_flag=True, help="Send (or write) nothing when the period has nothing to report.")
@links_options
@config_option
@db_option
def digest_command(
    days: int,
    until: datetime | None,
    suites: tuple[str, ...],
    recipients: tuple[str, ...],
    sender: str,
    smtp_url: str | None,
    output: Path | None,
    dry_run: bool,
    skip_empty: bool,
    repository: str | None,
    server_url: str,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Mail the weekly trend digest: change points on main, creeping drift, budgets near their limit,
    series too noisy to gate, and pull requests the gate blocked or let through with a waiver.

    \b
    Examples:
      perfgate digest --to team@example.com --smtp-url "$PERFGATE_SMTP_URL"
      perfgate digest --days 14 --output digest.html
      perfgate digest --dry-run --skip-empty
    """
    from perfgate import app

    cfg = app.load_config(config_path, Path.cwd())
    now = until.replace(tzinfo=UTC) if until else datetime.now(UTC)
    request = app.DigestRequest(
        days=days, suites=suites, repository=repository, server=server_url.rstrip("/"), site_url=cfg.site_url
    )
    found = app.build_digest(_open_store(db_url), cfg, request, now=now)
    mail = app.Mail(recipients, sender, smtp_url, output, dry_run, skip_empty)
    outcome = app.send_digest(found, mail, request, now=now)
    if dry_run and outcome.rendered is not None:
        click.echo(f"Subject: {outcome.rendered.subject}\n")
        click.echo(outcome.rendered.text, nl=False)
    for line in outcome.lines:
        click.echo(line, err=True)


@main.command("site")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--days",
    default=90,
    show_default=True,
    type=click.IntRange(1),
    help="How much of main's history each chart shows, in days up to --until.",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="The site's 'now', UTC: the week's findings end here. [default: now]",
)
@click.option("--suite", "suites", multiple=True, help="Only this suite (repeatable). [default: every suite]")
@click.option("--branch", help="The branch whose runs are shown. [default: main_branch from the config, else main]")
@click.option(
    "--from-export",
    "exports",
    multiple=True,
    metavar="FILE",
    help="Read history from a 'perfgate export' file (a data branch's runs.jsonl) instead of --db (repeatable).",
)
@links_options
@config_option
@db_option
def site_command(
    out: Path,
    days: int,
    until: datetime | None,
    suites: tuple[str, ...],
    branch: str | None,
    exports: tuple[str, ...],
    repository: str | None,
    server_url: str,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Build the history site in OUT: a static dashboard for GitHub Pages or any web server, which also
    works opened from disk. The index has the week's findings and every series of main; each series has a
    page with an interactive chart (runs, change points, budget lines, the gate's pull-request decisions)
    and a table of the same data.

    \b
    Examples:
      perfgate site public/ --repository acme/shop
      perfgate site public/ --from-export runs.jsonl --days 180
    """
    import tempfile

    from perfgate import app

    cfg = app.load_config(config_path, Path.cwd())
    now = until.replace(tzinfo=UTC) if until else datetime.now(UTC)
    request = app.SiteRequest(out, days, suites, repository, server_url.rstrip("/"), branch)
    with tempfile.TemporaryDirectory(prefix="perfgate-site-") as scratch:
        if exports:
            if db_url:
                raise UsageError("give --db or --from-export, not both")
            store = _open_store(f"sqlite:///{Path(scratch) / 'history.db'}")
            app.import_runs(store, exports, now)
        else:
            store = _open_store(db_url)
        try:
            outcome = app.build_site(store, cfg, request, now=now)
        finally:
            store.close()
    click.echo(
        f"wrote {out}: {outcome.series} series in {len(outcome.suites)} suite(s), "
        f"{outcome.pages} pages ({format_value(outcome.bytes, 'B')} besides the assets)",
        err=True,
    )


@main.command("export")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only runs recorded on or after this day (UTC)."
)
@click.option("--suite", help="Only this suite. [default: every suite]")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@db_option
def export_command(since: datetime | None, suite: str | None, output: Path | None, db_url: str | None) -> None:
    """Write stored runs, samples included, as JSON Lines (one run a line).

    \b
    Examples:
      perfgate export > runs.jsonl
      perfgate export --since 2026-01-01 --db sqlite:///old.db | perfgate import - --db "$PERFGATE_DATABASE_URL"
    """
    from perfgate import app

    store = _open_store(db_url)
    since_utc = since.replace(tzinfo=UTC) if since else None
    if output is None:
        count = app.export(store, sys.stdout, since=since_utc, suite=suite)
    else:
        buffer = io.StringIO()
        count = app.export(store, buffer, since=since_utc, suite=suite)
        app.write_output(output, buffer.getvalue())
    click.echo(f"exported {count} run{'s' if count != 1 else ''} from {store.display_url}", err=True)


@main.command("import")
@click.argument("files", nargs=-1, required=True)
@db_option
def import_command(files: tuple[str, ...], db_url: str | None) -> None:
    """Read runs written by 'perfgate export' ('-' reads stdin).

    \b
    Example:
      perfgate import runs.jsonl --db postgresql://ci@db.example.com/perf

    Each file is checked whole, then stored in one transaction; runs already stored are skipped, so
    importing twice changes nothing. A malformed line is an error that names it, and nothing of its file is stored.
    """
    from perfgate import app

    store = _open_store(db_url)
    for done in app.import_runs(store, files, datetime.now(UTC)):
        click.echo(
            f"{done.source}: {done.added} run(s) imported, {done.skipped} already stored, into {store.display_url}"
        )


@main.command("prune")
@click.option("--keep-days", type=click.IntRange(0), help="Keep raw samples of runs recorded in the last N days.")
@click.option(
    "--keep-runs", type=click.IntRange(0), help="Keep raw samples of the newest N runs of each suite and branch."
)
@click.option("--suite", help="Only this suite. [default: every suite]")
@db_option
def prune_command(keep_days: int | None, keep_runs: int | None, suite: str | None, db_url: str | None) -> None:
    """Drop raw samples of old runs, keeping their summaries, so history stays small for years.

    \b
    Example:
      perfgate prune --keep-days 90

    Pruned runs still show in history and still serve as summary-only baselines.
    """
    from perfgate import app

    store = _open_store(db_url)
    done = app.prune(store, keep_days=keep_days, keep_runs=keep_runs, suite=suite, now=datetime.now(UTC))
    click.echo(
        f"dropped the samples of {done.series} series in {done.runs} run(s), {done.bytes / 1e6:.2f} MB, "
        f"from {store.display_url}; summaries kept"
    )


@main.command("formats")
def list_formats() -> None:
    """List the input formats perfgate reads, and what each yields.

    Formats are detected from the file's content; --format NAME overrides.
    """
    from perfgate import formats

    for fmt in formats.all_formats():
        click.echo(f"{fmt.name}\n    {fmt.description}\n    yields: {fmt.yields}")


@main.group()
def db() -> None:
    """Manage the history database's schema."""


@db.command()
@db_option
def upgrade(db_url: str | None) -> None:
    """Create or upgrade the schema to this perfgate's version.

    \b
    Example:
      perfgate db upgrade --db postgresql://ci@db.example.com/perf
    """
    store = _open_store(db_url)
    before, after = store.upgrade()
    if before == after:
        click.echo(f"{store.display_url}: already at revision {after}")
    else:
        click.echo(f"{store.display_url}: upgraded from {before or 'an empty database'} to revision {after}")


@db.command()
@db_option
def current(db_url: str | None) -> None:
    """Show the schema revision of the database, and whether it is current.

    \b
    Example:
      perfgate db current
    """
    store = _open_store(db_url)
    revision = store.current_revision()
    from perfgate.store.migration import head_revision

    head = head_revision()
    state = (
        "current"
        if revision == head
        else "empty: run 'perfgate db upgrade'"
        if revision is None
        else f"this perfgate expects {head}: run 'perfgate db upgrade'"
    )
    click.echo(f"{store.display_url}: revision {revision or '(none)'} ({state})")


# --- perfgate run ---------------------------------------------------------------------------

EXIT_INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C


@main.command("run", context_settings={"allow_interspersed_args": False})
@click.argument("command", nargs=-1, required=True, metavar="-- COMMAND [ARG...]")
@click.option(
    "--base",
    metavar="REF",
    help="The commit to compare with (a branch, tag or commit). [default: the merge-base of HEAD with the main "
    "branch (main_branch in the config, else main); on the main branch itself, HEAD~1]",
)
@click.option(
    "--against",
    metavar="BRANCH",
    help="The main branch whose merge-base with HEAD is the base. [default: main_branch from the config, else main]",
)
@click.option(
    "--rounds",
    type=int,
    default=DEFAULT_ROUNDS,
    show_default=True,
    metavar="N",
    help="Rounds per side, after one warm-up round per side that is discarded. Cost: COMMAND runs N + 1 times in "
    "each tree, plus one set-up each (a 20 s COMMAND, 10 rounds: 7 min 20 s). What they buy: the paired test's smallest p is 2^-N (every round worse), and "
    "across m benchmarks a lone regression must reach q/m: 10 rounds reach 1/1024, enough for up to 51 benchmarks "
    "at q = 0.05 (8 rounds: 12; 6: 3). Use an even N: each two rounds cancel a drift linear in time. At least 3.",
)
@click.option(
    "--setup",
    metavar="CMD",
    help="A shell command run once in each tree before the rounds (a build, a venv), with PERFGATE_SIDE=base|head.",
)
@click.option(
    "--results",
    metavar="PATH",
    help="The results file COMMAND writes, relative to the tree (each side writes its own). [default: its "
    "standard output]",
)
@click.option(
    "--max-regression",
    metavar="PERCENT",
    help="The regression allowed before the gate fails (δ). [default: from the config, else 5%]",
)
@click.option(
    "--output-format",
    type=click.Choice(sorted(OUTPUT_FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (the text table still goes to stdout).",
)
@format_option
@config_option
@click.pass_context
def run_command(
    ctx: click.Context,
    command: tuple[str, ...],
    base: str | None,
    against: str | None,
    rounds: int,
    setup: str | None,
    results: str | None,
    max_regression: str | None,
    output_format: str,
    output: Path | None,
    format_name: str | None,
    config_path: Path | None,
) -> None:
    """Benchmark the working tree against a commit in one job, in interleaved rounds, and judge the rounds as pairs.

    \b
    Examples:
      perfgate run --results h.json -- hyperfine -N --export-json h.json 'mytool input'
      perfgate run --setup 'python -m venv .venv && .venv/bin/pip install -e .' \\
          --results bench.json -- .venv/bin/pytest --benchmark-json=bench.json
      perfgate run --base v1.2 -- go test -run '^$' -bench . -count 5

    The base is checked out as a temporary git worktree, removed afterwards (also on failure and Ctrl-C); your
    tree is not touched. Round r runs COMMAND in both trees, in an order that cancels drift; round r's head/base
    ratio is one pair. Exits 0 pass, 1 the gate failed, 3 a set-up or round failed (the side, the round and the
    end of what it printed are named), 130 on Ctrl-C.
    """
    from perfgate import app

    cfg = app.load_config(config_path, Path.cwd())
    overrides = app.Overrides(max_regression=max_regression)
    request = app.RunRequest(command, base, against, rounds, setup, results, format_name, overrides)
    today = datetime.now(UTC).date()
    try:
        with _round_progress(rounds) as draw:
            report = app.run_job(request, cfg, cwd=Path.cwd(), env=dict(os.environ), today=today, progress=draw)
    except KeyboardInterrupt:  # click would say "Aborted!" and exit 1, as if the gate had failed
        click.echo("perfgate: interrupted; the base's worktree was removed", err=True)
        sys.exit(EXIT_INTERRUPTED)
    _show_report(ctx, report, output_format, output)


@contextlib.contextmanager
def _round_progress(rounds: int) -> Iterator[Callable[[Step], None] | None]:
    """One line on stderr, rewritten as each step starts — which side, which round of N, the time left — when a
    person watches it; nothing in a log."""
    if not sys.stderr.isatty():
        yield None
        return
    drawn = False

    def draw(step: Step) -> None:
        nonlocal drawn
        what = f"{step.what} of {rounds}" if step.round else step.what
        left = f", about {_duration(step.seconds_left)} left" if step.seconds_left is not None else ""
        click.echo(f"\r\x1b[K{what} (step {step.done + 1} of {step.total}{left})", file=sys.stderr, nl=False)
        drawn = True

    try:
        yield draw
    finally:
        if drawn:
            click.echo("\r\x1b[K", file=sys.stderr, nl=False)


def _duration(seconds: float) -> str:
    """``45 s``, ``3 min 20 s``, ``1 h 5 min``."""
    whole = max(1, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def _show_report(ctx: click.Context, report: Report, output_format: str, output: Path | None) -> None:
    """The report on stdout (and in ``output``), as compare shows it; exit 1 when the gate failed."""
    from perfgate import app
    from perfgate.render import render, text

    if output is not None:
        app.write_output(output, render(report, output_format))
    if output is not None or output_format == "text":
        paint = _painter(ctx)
        click.echo(text.render(report, paint=paint or text.unpainted), nl=False, color=True if paint else None)
    else:
        click.echo(render(report, output_format), nl=False)
    if report.failed:
        sys.exit(EXIT_FAIL)
