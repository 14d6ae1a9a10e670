"""`perfgate runs list` and `perfgate runs delete`: the stored runs, and removing one recorded by mistake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from perfgate.cli.options import db_option, moment, suite_filter_option, until_option, workspace
from perfgate.cli.terminal import say

if TYPE_CHECKING:
    from perfgate.model import RunSelection

F = TypeVar("F", bound=Callable[..., Any])
MOMENTS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M"]


def selection_options(func: F) -> F:
    """--suite, --branch, --commit, --since and --until: the filters both commands select runs by."""
    func = until_option("Only runs recorded before this moment, UTC (a day means its midnight).")(func)
    func = click.option(
        "--since", type=click.DateTime(formats=MOMENTS), help="Only runs recorded at or after this moment, UTC."
    )(func)
    func = click.option("--commit", metavar="SHA", help="Only runs of this commit, or of commits starting so.")(func)
    func = click.option("--branch", help="Only runs of this branch. [default: every branch]")(func)
    return suite_filter_option(func)


def _selection(
    ids: tuple[int, ...],
    suite: str | None,
    branch: str | None,
    commit: str | None,
    since: datetime | None,
    until: datetime | None,
) -> RunSelection:
    from perfgate.model import RunSelection

    return RunSelection(ids, suite, branch, commit, moment(since), moment(until))


@click.group("runs")
def runs_group() -> None:
    """List the stored runs, and delete one recorded by mistake (a wrong --branch, a broken runner).

    \b
    Examples:
      perfgate runs list --branch main --limit 5
      perfgate runs delete --branch mian --dry-run
    """


@runs_group.command("list")
@selection_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="Show at most N runs.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table, or JSON with every column (ids, full commits, idempotency keys, environments) for scripts.",
)
@db_option
def list_command(
    suite: str | None,
    branch: str | None,
    commit: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    output_format: str,
    db_url: str | None,
) -> None:
    """List stored runs, newest first: id, time, suite, branch, commit, pull request, format, series.

    \b
    Examples:
      perfgate runs list
      perfgate runs list --branch main --since 2026-11-01 --until 2026-11-08
      perfgate runs list --commit 3f2a9c1 --format json | jq '.runs[].id'

    A --suite or --branch with no recorded runs exits 3, naming the recorded ones.
    """
    from perfgate.app.runs import ListRunsRequest, list_runs
    from perfgate.render.runs import run_list_json, run_list_text

    selection = _selection((), suite, branch, commit, since, until)
    found = list_runs(ListRunsRequest(workspace(db_url=db_url), selection, limit))
    if output_format == "json":
        click.echo(run_list_json(found.runs, found.total), nl=False)
    else:
        say(run_list_text(found.runs, found.total, found.recorded, found.database).rstrip("\n"))


@runs_group.command("delete")
@click.argument("run_ids", metavar="[RUN_ID]...", nargs=-1, type=click.IntRange(1))
@selection_options
@click.option("--dry-run", is_flag=True, help="Show the runs that would be deleted; delete nothing.")
@db_option
def delete_command(
    run_ids: tuple[int, ...],
    suite: str | None,
    branch: str | None,
    commit: str | None,
    since: datetime | None,
    until: datetime | None,
    dry_run: bool,
    db_url: str | None,
) -> None:
    """Delete stored runs and their series, in one transaction: the runs named by id (see 'perfgate runs
    list'), or every run the filters select. Other runs and the gate's decisions stay as they are.

    \b
    Examples:
      perfgate runs delete 412
      perfgate runs delete --branch mian --dry-run
      perfgate runs delete --branch main --commit 3f2a9c1 --since 2026-11-20

    With ids and filters, each named run must also pass the filters: a guard against a mistyped id. Give
    ids or a filter: without either, perfgate refuses (exit 2) rather than delete every run. An id with no
    run, or a selection that matches none, exits 3 and deletes nothing.
    """
    from perfgate.app.runs import DeleteRunsRequest, delete_runs
    from perfgate.render.runs import deleted_line, runs_table

    selection = _selection(run_ids, suite, branch, commit, since, until)
    done = delete_runs(DeleteRunsRequest(workspace(db_url=db_url), selection, dry_run))
    say(runs_table(done.deleted.runs))
    say(deleted_line(done.deleted.runs, done.database, done=done.deleted.done))
