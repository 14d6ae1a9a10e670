"""`perfgate run`: the working tree against a commit in one job, interleaved rounds judged as pairs."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfgate.cli.group import EXIT_FAIL
from perfgate.cli.options import (
    config_option,
    format_option,
    max_regression_option,
    output_option,
    rounds_option,
    run_results_option,
    setup_option,
    workspace,
)
from perfgate.cli.terminal import show_report
from perfgate.render import OUTPUT_FORMATS

if TYPE_CHECKING:
    from perfgate.harness import Step

EXIT_INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C


@click.command("run", context_settings={"allow_interspersed_args": False})
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
@rounds_option
@setup_option
@run_results_option
@max_regression_option("The regression allowed before the gate fails (δ).")
@click.option(
    "--output-format",
    type=click.Choice(sorted(OUTPUT_FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
@output_option("Write the report to this file (the text table still goes to stdout).")
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
    from perfgate.app.config import Overrides
    from perfgate.app.output import write_output
    from perfgate.app.run import RunRequest, run_job
    from perfgate.render import render

    place = workspace(config_path, None)
    request = RunRequest(
        command, base, against, rounds, setup, results, format_name, Overrides(max_regression=max_regression)
    )
    try:
        with _round_progress(rounds) as draw:
            report = run_job(
                request, place.config(), cwd=place.workdir, env=dict(os.environ), today=place.now.date(), progress=draw
            )
    except KeyboardInterrupt:  # click would say "Aborted!" and exit 1, as if the gate had failed
        click.echo("perfgate: interrupted; the base's worktree was removed", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if output is not None:
        write_output(output, render(report, output_format))
    show_report(ctx, report, output_format="text" if output is not None else output_format, quiet=False)
    if report.failed:
        sys.exit(EXIT_FAIL)


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
