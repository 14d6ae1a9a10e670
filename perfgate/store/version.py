"""The schema version, read without Alembic: importing it (and reading its scripts) took a fifth of a second of
every command, though only a schema change needs it (perfgate.store.migration, imported then)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, inspect, text

HEAD = "0005"  # the newest script in migrations/versions; tests/store/test_migrations.py keeps the two in step
VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps


class UnreadableVersion(Exception):
    """The version table holds no single revision (e.g. two rows): Alembic's CommandError, or this module's."""


def current_revision(engine: Engine) -> str | None:
    """The database's revision, None when it has no schema; read as Alembic reads it (one row, or none)."""
    with engine.connect() as connection:
        return revision_on(connection)


def revision_on(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(found) > 1:
        raise UnreadableVersion(f"version table {VERSION_TABLE!r} has more than one head present")
    return found[0] if found else None


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for a whole schema change, DDL included: it happens completely or not at all.

    Python's sqlite3 begins a transaction only before INSERT, UPDATE or DELETE, so each CREATE TABLE would
    commit on its own and a failure part-way would leave tables behind; here SQLite is told where the
    transaction begins (its DDL is transactional once it is inside one)."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        dbapi = connection.connection.dbapi_connection
        implicit = dbapi.isolation_level  # type: ignore[union-attr]
        dbapi.isolation_level = None  # type: ignore[union-attr]  # no transactions but the one begun here
        try:
            with connection.begin():
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not at the first DDL
                yield connection
        finally:
            dbapi.isolation_level = implicit  # type: ignore[union-attr]
