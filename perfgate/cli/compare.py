"""`perfgate compare`: the candidate's results against a baseline of files or of stored history."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from perfgate.cli.group import EXIT_FAIL
from perfgate.cli.options import (
    DEFAULTS,
    baseline_runs_option,
    config_option,
    db_option,
    format_option,
    max_regression_option,
    open_store,
    output_option,
    suite_option,
)
from perfgate.cli.terminal import painter, progress_on_terminal
from perfgate.errors import UsageError
from perfgate.render import OUTPUT_FORMATS


@click.command("compare")
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
    "--against", metavar="BRANCH", help="Compare with the latest runs of BRANCH stored in the history database."
)
@click.option(
    "--base-commit",
    metavar="SHA",
    help="With --against: the pull request's merge-base; the baseline is the runs at it and its nearest "
    "ancestors. [default: git merge-base HEAD BRANCH, when git can tell]",
)
@baseline_runs_option(
    "With --against: how many of the latest runs to pool as the baseline. "
    f"[default: from the config, else {DEFAULTS.baseline_runs}]"
)
@max_regression_option("The regression allowed before the gate fails (δ); a slowdown must be shown to exceed it.")
@click.option(
    "--fdr",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="False discovery rate q across all series (Benjamini-Hochberg). "
    f"[default: from the config, else {DEFAULTS.fdr:g}]",
)
@click.option(
    "--min-samples",
    type=click.IntRange(2),
    help="Fewer samples than this on either side gives 'insufficient-data'. "
    f"[default: from the config, else {DEFAULTS.min_samples}]",
)
@click.option(
    "--output-format",
    type=click.Choice(sorted(OUTPUT_FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
@output_option("Write the report to this file (the text table still goes to stdout).")
@click.option("-q", "--quiet", is_flag=True, help="Print only what fails (the failing rows and the verdict line).")
@format_option
@suite_option
@config_option
@db_option
@click.pass_context
def compare_command(
    ctx: click.Context,
    files: tuple[str, ...],
    base: tuple[str, ...],
    head: tuple[str, ...],
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
    A file given as - is read from standard input: cargo bench ... | perfgate compare base.txt -

    Budgets and waivers come from perfgate.toml. Exits 1 when a series is shown to be worse by more than
    the allowed regression, or a budget is exceeded.
    """
    from perfgate import app
    from perfgate.render import render, text

    cfg = app.load_config(config_path, Path.cwd())
    settings = app.resolve_settings(cfg, app.Overrides(max_regression, fdr, min_samples))
    policy = app.make_policy(cfg, datetime.now(UTC).date())
    with progress_on_terminal(quiet):
        if against:
            if base:
                raise UsageError("give either --against or --base, not both")
            report = app.compare_with_history(
                open_store(db_url),
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
            report = app.compare_files(base, head, settings, policy, format_name, sys.stdin.buffer)
        elif len(files) == 2:
            report = app.compare_files(files[:1], files[1:], settings, policy, format_name, sys.stdin.buffer)
        else:
            raise UsageError("give BASE HEAD, or --base and --head, or HEAD --against BRANCH")
    if output is not None:
        app.write_output(output, render(report, output_format))
    if output is not None or output_format == "text":
        paint = painter(ctx)
        shown = text.render(report, paint=paint or text.unpainted, only_failing=quiet)
        click.echo(shown, nl=False, color=True if paint else None)
    else:
        click.echo(render(report, output_format), nl=False)
    if report.failed:
        sys.exit(EXIT_FAIL)
