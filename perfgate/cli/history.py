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
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--suite",
    help="Another tool's history: import it into this suite (one set of it; see --only). "
    "[default: one suite per set, named as the tool names it]",
)
@click.option("--branch", help="Another tool's history: the branch its runs were on. [default: the config's main]")
@click.option(
    "--only",
    multiple=True,
    metavar="SET",
    help="Another tool's history: import only this set (a data.js entry name, asv's MACHINE/ENVIRONMENT); repeatable.",
)
@db_option
def import_command(
    paths: tuple[str, ...], suite: str | None, branch: str | None, only: tuple[str, ...], db_url: str | None
) -> None:
    """Read runs written by 'perfgate export' ('-' reads stdin), or another tool's whole history.

    \b
    Examples:
      perfgate import runs.jsonl --db postgresql://ci@db.example.com/perf
      perfgate import gh-pages/dev/bench/data.js          # github-action-benchmark
      perfgate import .asv/results --suite default        # asv, API version 1 or 2
      perfgate import perf.json                           # Bencher's perf query (its REST API's JSON)

    What PATH is, is read from it: a perfgate export (JSON Lines), github-action-benchmark's data.js (or its
    JSON data file), an asv results directory, or Bencher's perf query. Another tool's runs become runs of the
    main branch with their own commits and dates, one suite per set (a data.js entry; asv's machine/environment;
    Bencher's testbed) unless --suite; of Bencher's, which records branches, those of that branch.
    Each PATH is checked whole, then stored in one transaction; runs already stored are skipped, so importing
    twice changes nothing. A malformed file is an error that names it and the line or key, and nothing of it
    is stored.
    """
    from perfgate.app.history import ImportRequest, import_files
    from perfgate.units import count

    done = import_files(ImportRequest(workspace(db_url=db_url), paths, sys.stdin, suite, branch, only))
    for file in done.files:
        stored = f"{count(file.added, 'run')} imported, {file.skipped} already stored, into {done.database}"
        say(f"{file.source}: {stored}{_suites(file.kind, file.suites)}")


def _suites(kind: str, suites: tuple[str, ...]) -> str:
    """Where another tool's history went: ' (asv results; suite 'x')'; nothing for a perfgate export."""
    if not suites:
        return ""
    return f" ({kind}; suite{'s' if len(suites) > 1 else ''} {', '.join(repr(n) for n in suites)})"


@click.command("prune")
@click.option("--keep-days", type=click.IntRange(0), help="Keep raw samples of runs recorded in the last N days.")
@click.option(
    "--keep-runs", type=click.IntRange(0), help="Keep raw samples of the newest N runs of each suite and branch."
)
@suite_filter_option
@click.option(
    "--vacuum",
    is_flag=True,
    help="Then give the freed space back to the file system (VACUUM: SQLite rewrites the whole file, which takes "
    "longer than pruning). Without it the space is reused by the runs stored next.",
)
@db_option
def prune_command(
    keep_days: int | None, keep_runs: int | None, suite: str | None, vacuum: bool, db_url: str | None
) -> None:
    """Drop raw samples of old runs, keeping their summaries, so history stays small for years.

    \b
    Examples:
      perfgate prune --keep-days 90
      perfgate prune --keep-runs 500 --vacuum

    Pruned runs still show in history and still serve as summary-only baselines.
    """
    from perfgate.app.history import PruneRequest, prune

    done = prune(PruneRequest(workspace(db_url=db_url), keep_days, keep_runs, suite, vacuum))
    space = "given back to the file system" if vacuum else "free for the next runs (--vacuum gives it back)"
    click.echo(
        f"dropped the samples of {done.pruned.series} series in {done.pruned.runs} run(s), "
        f"{done.pruned.bytes / 1e6:.2f} MB, from {done.database}; summaries kept; the space is {space}"
    )
