"""`perfgate gate` and `perfgate publish`: what the GitHub Action runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from perfgate.choices import GATE_MODES
from perfgate.cli.options import (
    baseline_runs_option,
    comment_option,
    config_option,
    db_option,
    fail_on_option,
    format_option,
    max_regression_option,
    rounds_option,
    run_results_option,
    setup_option,
    suite_option,
    workspace,
)
from perfgate.cli.terminal import say


@click.command("gate")
@click.argument("files", nargs=-1, metavar="FILES... | -- COMMAND [ARG...]")
@click.option(
    "--mode",
    type=click.Choice(list(GATE_MODES)),
    default="auto",
    show_default=True,
    help="auto: record on a push to the main branch, compare otherwise. ab: run COMMAND on base and head here, "
    "in interleaved rounds (as perfgate run), judged as pairs; on a push to main, against HEAD~1, and the head's "
    "rounds are recorded.",
)
@comment_option("When to post the PR comment (an existing one is always kept up to date).")
@fail_on_option("regression: a regression or an exceeded budget fails the job; budget: only budgets; never.")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to write perfgate-report.json and perfgate-junit.xml.",
)
@baseline_runs_option("How many main-branch runs form the baseline.")
@max_regression_option("The regression allowed (δ).")
@rounds_option
@setup_option
@run_results_option
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
    rounds: int,
    setup: str | None,
    results: str | None,
    format_name: str | None,
    suite: str | None,
    config_path: Path | None,
    db_url: str | None,
) -> None:
    """Run the gate inside GitHub Actions (what the perfgate Action runs).

    \b
    Examples (workflow steps):
      perfgate gate bench.json --comment on-regression
      perfgate gate --mode ab --rounds 10 --results bench.json -- 'pytest --benchmark-json=bench.json'

    Reads the event from GITHUB_EVENT_PATH. On a push to the main branch it records the run; on a pull
    request it compares with main, writes the job summary, step outputs, perfgate-report.json and
    perfgate-junit.xml, posts or updates the PR comment and a check on the head commit (with
    GITHUB_TOKEN), and exits 1 when the gate fails. With --mode ab the positional arguments are the
    benchmark COMMAND instead of results files; it runs without the job's token and database URL in its
    environment.
    """
    from perfgate.app.ab import ABRequest
    from perfgate.app.action import GateRequest, gate
    from perfgate.app.config import Overrides
    from perfgate.errors import UsageError

    if mode == "ab":
        if not files:
            raise UsageError("--mode ab needs the benchmark command after --")
        ab: ABRequest | None = ABRequest(files, rounds, setup, results)
        files = ()
    elif setup is not None or results is not None:
        raise UsageError("--setup and --results are for --mode ab (results files are the arguments otherwise)")
    elif not files:
        raise UsageError("give the results files to gate")
    else:
        ab = None

    request = GateRequest(
        workspace(config_path, db_url),
        environ=dict(os.environ),
        files=files,
        mode=mode,
        comment=comment,
        fail_on=fail_on,
        output_dir=output_dir,
        format_name=format_name,
        overrides=Overrides(suite=suite, max_regression=max_regression, baseline_runs=baseline_runs),
        ab=ab,
    )
    outcome = gate(request)
    for line in outcome.lines:
        say(line.rstrip("\n"))
    sys.exit(outcome.exit_code)


@click.command("publish")
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@comment_option("When to post the PR comment (an existing one is always kept up to date).")
@fail_on_option("Decides the check's conclusion.")
def publish_command(report: Path, comment: str, fail_on: str) -> None:
    """Post a report made by another workflow: the trusted half of the fork setup.

    \b
    Example (on: workflow_run, after downloading the perfgate-report artifact):
      perfgate publish perfgate-report.json

    The report is validated and re-rendered from its data; the pull request is found from the workflow
    run's head commit, and nothing is posted when the PR has moved on to a newer commit.
    """
    from perfgate.app.publish import PublishRequest, publish

    outcome = publish(PublishRequest(dict(os.environ), report, comment, fail_on))
    for line in outcome.lines:
        say(line)
