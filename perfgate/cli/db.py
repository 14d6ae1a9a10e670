"""`perfgate db`: the history database's schema."""

from __future__ import annotations

import click

from perfgate.cli.options import db_option, workspace


@click.group("db")
def db_group() -> None:
    """Manage the history database's schema."""


@db_group.command("upgrade")
@db_option
def upgrade(db_url: str | None) -> None:
    """Create or upgrade the schema to this perfgate's version.

    \b
    Example:
      perfgate db upgrade --db postgresql://ci@db.example.com/perf
    """
    from perfgate.app.schema import upgrade_schema

    done = upgrade_schema(workspace(db_url=db_url))
    if done.before == done.after:
        click.echo(f"{done.database}: already at revision {done.after}")
    else:
        click.echo(f"{done.database}: upgraded from {done.before or 'an empty database'} to revision {done.after}")


@db_group.command("current")
@db_option
def current(db_url: str | None) -> None:
    """Show the schema revision of the database, and whether it is current.

    \b
    Example:
      perfgate db current
    """
    from perfgate.app.schema import schema_state

    found = schema_state(workspace(db_url=db_url))
    state = (
        "current"
        if found.revision == found.head
        else "empty: run 'perfgate db upgrade'"
        if found.revision is None
        else f"newer than this perfgate, which knows up to {found.head}: upgrade perfgate"
        if not found.known
        else f"this perfgate expects {found.head}: run 'perfgate db upgrade'"
    )
    click.echo(f"{found.database}: revision {found.revision or '(none)'} ({state})")
