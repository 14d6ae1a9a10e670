"""Migrations tested like code, on SQLite and Postgres: one head, up from empty, models match, down and up."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from perfgate.store import Store
from perfgate.store.migration import alembic_config, downgrade, head_revision, upgrade
from perfgate.store.schema import Base


def test_there_is_exactly_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_upgrade_from_empty_creates_the_tables(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    assert {"runs", "series", "alembic_version"} <= set(inspect(store.engine).get_table_names())
    assert store.current_revision() == head_revision()


def test_models_match_migrations(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    downgrade(store.engine, "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    upgrade(store.engine)
    assert {"runs", "series"} <= set(inspect(store.engine).get_table_names())
