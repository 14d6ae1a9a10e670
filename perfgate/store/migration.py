"""Alembic, driven from code: the script directory ships inside the package (see resources.py). Imported only to
change the schema; reading its version is perfgate.store.version's."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, func, inspect, select, table

from perfgate.errors import StoreError
from perfgate.resources import resource_dir
from perfgate.store import version
from perfgate.store.schema import Base
from perfgate.store.version import transaction


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.attributes["connection"] = connection
    return config


@functools.cache  # the scripts ship with perfgate: read them once per process, not at every schema check
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "migrations/ has no revisions"
    return head


@functools.cache
def known_revisions() -> frozenset[str]:
    return frozenset(rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions())


@contextmanager
def _readable() -> Iterator[None]:
    """Alembic's refusal of a version table it cannot read (e.g. two rows), as perfgate.store.version's."""
    try:
        yield
    except CommandError as exc:
        raise version.UnreadableVersion(str(exc)) from None


# Any constant will do: it names the lock all perfgate processes take while migrating one Postgres database.
_ADVISORY_LOCK = 0x70657266  # "perf"


def upgrade(engine: Engine, revision: str = "head") -> None:
    with transaction(engine) as connection:
        upgrade_on(connection, revision)


def upgrade_on(connection: Connection, revision: str = "head") -> None:
    """Upgrade inside the caller's transaction (an import creates the schema in the one that stores its runs,
    so a file refused half-way leaves nothing, not even the schema)."""
    if connection.dialect.name == "postgresql":
        # Parallel CI jobs may all find an empty database: one migrates, the others wait, then find it done.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})")
    with _readable():
        _drop_leftovers(connection)
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with transaction(engine) as connection, _readable():
        command.downgrade(alembic_config(connection), revision)


def _drop_leftovers(connection: Connection) -> None:
    """Tables of a schema creation an older perfgate left half-done (no version recorded) are dropped when
    empty: otherwise every later run would fail on 'table runs already exists'. Tables with rows are refused."""
    if version.revision_on(connection) is not None:
        return
    present = set(inspect(connection).get_table_names())
    leftovers = [t for t in reversed(Base.metadata.sorted_tables) if t.name in present]
    if not leftovers:
        return
    filled = [t.name for t in leftovers if connection.scalar(select(func.count()).select_from(table(t.name)))]
    if filled:
        raise StoreError(
            f"the database has perfgate's tables ({', '.join(filled)}, with rows) but no schema version: "
            "it was not created by 'perfgate db upgrade'; export its runs with an older perfgate, or use a new database"
        )
    for leftover in leftovers:  # children first
        leftover.drop(connection)
