"""`perfgate db`: the history database's schema, created, upgraded, or reported on."""

from __future__ import annotations

from dataclasses import dataclass

from perfgate.app.workspace import Workspace


@dataclass(frozen=True)
class SchemaUpgrade:
    database: str
    before: str | None  # None: the database was empty
    after: str


@dataclass(frozen=True)
class SchemaState:
    database: str
    revision: str | None  # None: no schema yet
    head: str  # the revision this perfgate expects
    known: bool = True  # False: a newer perfgate wrote the schema, and only a newer perfgate can use it


def upgrade_schema(workspace: Workspace) -> SchemaUpgrade:
    """Create the schema, or upgrade it to this perfgate's revision."""
    store = workspace.store()
    before, after = store.upgrade()
    return SchemaUpgrade(store.display_url, before, after)


def schema_state(workspace: Workspace) -> SchemaState:
    """The database's schema revision and the one this perfgate expects."""
    from perfgate.store.migration import head_revision, known_revisions

    store = workspace.store()
    revision = store.current_revision()
    return SchemaState(store.display_url, revision, head_revision(), revision is None or revision in known_revisions())
