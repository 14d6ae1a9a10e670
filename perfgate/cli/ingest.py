"""`perfgate ingest`: results files stored as runs of history; `perfgate formats`: what it can read."""

from __future__ import annotations

from pathlib import Path

import click

from perfgate.cli.options import config_option, db_option, format_option, not_blank, suite_option, workspace
from perfgate.cli.terminal import progress_on_terminal, say


@click.command("ingest")
@click.argument("files", nargs=-1, required=True)
@click.option("--branch", required=True, callback=not_blank, help="The branch the results were measured on.")
@click.option(
    "--commit",
    metavar="SHA",
    callback=not_blank,
    help="The commit measured (default: the one the file names, if any).",
)
@click.option("--pr", "pr_number", type=click.IntRange(1), metavar="N", help="The pull request number.")
@click.option(
    "--merge-base", metavar="SHA", callback=not_blank, help="The pull request's merge-base commit on the main branch."
)
@click.option(
    "--key",
    metavar="TEXT",
    help="Idempotency key, e.g. CI run id and attempt (default: a hash of the suite and file content).",
)
@format_option
@suite_option
@config_option
@db_option
def ingest_command(
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
    from perfgate.app.ingest import IngestRequest, ingest

    request = IngestRequest(
        workspace(config_path, db_url), files, branch, commit, pr_number, merge_base, key, suite, format_name
    )
    with progress_on_terminal(quiet=False):
        done = ingest(request)
    for run in done.runs:
        if run.created:
            say(
                f"{run.source}: stored run {run.run_id} ({run.series} series, "
                f"{branch}@{run.commit[:12]}, suite {done.suite!r}) in {done.database}"
            )
        else:
            say(f"{run.source}: already stored as run {run.run_id} (commit {run.commit[:12]}); nothing written")


@click.command("formats")
def formats_command() -> None:
    """List the input formats perfgate reads, and what each yields.

    Formats are detected from the file's content; --format NAME overrides.
    """
    from perfgate import formats

    for fmt in formats.all_formats():
        click.echo(f"{fmt.name}\n    {fmt.description}\n    yields: {fmt.yields}")
