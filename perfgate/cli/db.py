"""`perfgate db`: the history database's schema."""

from __future__ import annotations

import click

from perfgate.cli.options import db_option, open_store


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
    store = open_store(db_url)
    before, after = store.upgrade()
    if before == after:
        click.echo(f"{store.display_url}: already at revision {after}")
    else:
        click.echo(f"{store.display_url}: upgraded from {before or 'an empty database'} to revision {after}")


@db_group.command("current")
@db_option
def current(db_url: str | None) -> None:
    """Show the schema revision of the database, and whether it is current.

    \b
    Example:
      perfgate db current
    """
    store = open_store(db_url)
    revision = store.current_revision()
    from perfgate.store.migration import head_revision

    head = head_revision()
    state = (
        "current"
        if revision == head
        else "empty: run 'perfgate db upgrade'"
        if revision is None
        else f"this perfgate expects {head}: run 'perfgate db upgrade'"
    )
    click.echo(f"{store.display_url}: revision {revision or '(none)'} ({state})")
