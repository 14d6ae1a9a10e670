"""Alembic environment: perfgate passes the connection in; there is no alembic.ini."""

from __future__ import annotations

from alembic import context

from perfgate.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("perfgate migrations run through 'perfgate db upgrade', which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs need batch mode
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
