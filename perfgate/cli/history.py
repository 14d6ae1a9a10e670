"""The stored history: `perfgate history`, `export`, `import` and `prune`."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from perfgate.cli.options import (
    DEFAULTS,
    config_option,
    db_option,
    open_store,
    output_option,
    suite_filter_option,
    suite_option,
)


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
    from perfgate import app
    from perfgate.render.history_text import render_history

    suite = suite or app.load_config(config_path, Path.cwd()).suite
    points = app.history(open_store(db_url), name, suite=suite, branch=branch, metric=metric, limit=limit)
    click.echo(render_history(name, branch, points), nl=False)


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
    from perfgate import app

    store = open_store(db_url)
    since_utc = since.replace(tzinfo=UTC) if since else None
    if output is None:
        count = app.export(store, sys.stdout, since=since_utc, suite=suite)
    else:
        buffer = io.StringIO()
        count = app.export(store, buffer, since=since_utc, suite=suite)
        app.write_output(output, buffer.getvalue())
    click.echo(f"exported {count} run{'s' if count != 1 else ''} from {store.display_url}", err=True)


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
    from perfgate import app

    store = open_store(db_url)
    for done in app.import_runs(store, files, datetime.now(UTC)):
        click.echo(
            f"{done.source}: {done.added} run(s) imported, {done.skipped} already stored, into {store.display_url}"
        )


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
    from perfgate import app

    store = open_store(db_url)
    done = app.prune(store, keep_days=keep_days, keep_runs=keep_runs, suite=suite, now=datetime.now(UTC))
    click.echo(
        f"dropped the samples of {done.series} series in {done.runs} run(s), {done.bytes / 1e6:.2f} MB, "
        f"from {store.display_url}; summaries kept"
    )
