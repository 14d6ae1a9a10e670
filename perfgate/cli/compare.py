"""`perfgate compare`: the candidate's results against a baseline of files or of stored history."""

from __future__ import annotations

import sys
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
    output_option,
    suite_option,
    workspace,
)
from perfgate.cli.terminal import progress_on_terminal, show_report
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
    from perfgate.app.compare import CompareRequest, compare
    from perfgate.app.config import Overrides

    request = CompareRequest(
        workspace(config_path, db_url),
        files=files,
        base=base,
        head=head,
        against=against,
        base_commit=base_commit,
        overrides=Overrides(
            suite=suite, max_regression=max_regression, fdr=fdr, min_samples=min_samples, baseline_runs=baseline_runs
        ),
        format_name=format_name,
        output=output,
        output_format=output_format,
        stdin=sys.stdin.buffer,
        paired=paired,
    )
    with progress_on_terminal(quiet):
        report = compare(request)
    show_report(ctx, report, output_format="text" if output is not None else output_format, quiet=quiet)
    if report.failed:
        sys.exit(EXIT_FAIL)
