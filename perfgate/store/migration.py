"""Alembic, driven from code: the script directory ships inside the package (see resources.py)."""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from perfgate.resources import resource_dir


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


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


# Any constant will do: it names the lock all perfgate processes take while migrating one Postgres database.
_ADVISORY_LOCK = 0x70657266  # "perf"


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Parallel CI jobs may all find an empty database: one migrates, the others wait, then find it done.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})")
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
