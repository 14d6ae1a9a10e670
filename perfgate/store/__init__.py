"""History storage: SQLite by default, Postgres for teams; schema managed by Alembic."""

from perfgate.store.bulk import StoredRun
from perfgate.store.database import Store, default_url

__all__ = ["Store", "StoredRun", "default_url"]
