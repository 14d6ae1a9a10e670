"""The stored history: `perfgate history`, `export`, `import` and `prune`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from perfgate.cli.options import (
    DEFAULTS,
    config_option,
    db_option,
    moment,
    output_option,
    suite_filter_option,
    suite_option,
    workspace,
)
from perfgate.cli.terminal import say


@click.command("history")
@click.argument("name")
@click.option("--branch", default=DEFAULTS.main_branch, show_default=True, help="The branch whose runs to show.")
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
    from perfgate.app.history import HistoryRequest, series_history
    from perfgate.render.history_text import render_history

    points = series_history(HistoryRequest(workspace(config_path, db_url), name, branch, metric, limit, suite))
    say(render_history(name, branch, points))


@click.command("export")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only runs recorded on or after this day (UTC)."
)
@suite_filter_option
@output_option("Write here instead of stdout.")
@db_option
def export_command(since: datetime | None, suite: str | None, output: Path | None, db_url: str | None) -> None:
    """Write stored runs, samples included, as JSON Lines (one run a line).

    \b
    Examples:
      perfgate export > runs.jsonl
      perfgate export --since 2026-01-01 --db sqlite:///old.db | perfgate import - --db "$PERFGATE_DATABASE_URL"
    """
    from perfgate.app.history import ExportRequest, export

    done = export(ExportRequest(workspace(db_url=db_url), sys.stdout, output, since=moment(since), suite=suite))
    click.echo(f"exported {done.runs} run{'s' if done.runs != 1 else ''} from {done.database}", err=True)


@click.command("import")
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
    from perfgate.app.history import ImportRequest, import_files

    done = import_files(ImportRequest(workspace(db_url=db_url), files, sys.stdin))
    for file in done.files:
        say(f"{file.source}: {file.added} run(s) imported, {file.skipped} already stored, into {done.database}")


@click.command("prune")
@click.option("--keep-days", type=click.IntRange(0), help="Keep raw samples of runs recorded in the last N days.")
@click.option(
    "--keep-runs", type=click.IntRange(0), help="Keep raw samples of the newest N runs of each suite and branch."
)
@suite_filter_option
@db_option
def prune_command(keep_days: int | None, keep_runs: int | None, suite: str | None, db_url: str | None) -> None:
    """Drop raw samples of old runs, keeping their summaries, so history stays small for years.

    \b
    Example:
      perfgate prune --keep-days 90

    Pruned runs still show in history and still serve as summary-only baselines.
    """
    from perfgate.app.history import PruneRequest, prune

    done = prune(PruneRequest(workspace(db_url=db_url), keep_days, keep_runs, suite))
    click.echo(
        f"dropped the samples of {done.pruned.series} series in {done.pruned.runs} run(s), "
        f"{done.pruned.bytes / 1e6:.2f} MB, from {done.database}; summaries kept"
    )
