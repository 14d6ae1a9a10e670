"""The schema version, read without Alembic: importing it took about 0.1 s of CPU of every command's start,
though only a schema change needs it (perfgate.store.migration, imported then)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, inspect, text

HEAD = "0007"  # the newest script in migrations/versions; tests/store/test_migrations.py keeps the two in step
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
def transaction(engine: Engine, *, check_references: bool = True) -> Iterator[Connection]:
    """One transaction for a whole schema change, DDL included: it happens completely or not at all.

    Python's sqlite3 begins a transaction only before INSERT, UPDATE or DELETE, so each CREATE TABLE would
    commit on its own and a failure part-way would leave tables behind; here SQLite is told where the
    transaction begins (its DDL is transactional once it is inside one).

    ``check_references=False`` turns SQLite's foreign key checks off for this transaction (the setting is the
    connection's, and is ignored inside a transaction: it is set before and restored after): for an import,
    whose rows refer only to runs and keys it has just stored or read under the write lock. Two lookups fewer
    for each of a million series rows (509 runs x 2,000 series: 12.2 s of CPU became 11.6 s)."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        dbapi = connection.connection.dbapi_connection
        implicit = dbapi.isolation_level  # type: ignore[union-attr]
        dbapi.isolation_level = None  # type: ignore[union-attr]  # no transactions but the one begun here
        # On the driver's connection: SQLAlchemy's would begin its transaction at the first statement.
        checked = not check_references and dbapi.execute("PRAGMA foreign_keys").fetchone()[0]  # type: ignore[union-attr]
        try:
            if checked:
                dbapi.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            with connection.begin():
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not at the first DDL
                yield connection
        finally:
            if checked:  # after the commit or the rollback: outside a transaction, where it is heard
                dbapi.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
            dbapi.isolation_level = implicit  # type: ignore[union-attr]
