"""A ``--branch`` (or ``--suite``) that names nothing recorded is an error that lists what is, not an empty result;
a command that reads the history says when there is none, rather than create an empty one."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from perfgate.errors import ConfigError, StoreError
from perfgate.suggest import did_you_mean

if TYPE_CHECKING:
    from perfgate.store import Store


def require_history(store: Store) -> None:
    """StoreError (exit 3) when the database has no perfgate schema yet (a SQLite file is not created)."""
    if store.current_revision() is None:
        raise StoreError(
            f"no history in {store.display_url} yet: record main-branch runs with 'perfgate gate' or "
            "'perfgate ingest FILE --branch main' first (or give --db)"
        )
    store.ensure_schema()


def require_recorded_branch(store: Store, branch: str, suites: Collection[str]) -> None:
    """ConfigError (exit 3) unless ``branch`` has runs of one of ``suites``; an empty history is left to the
    command's own message (there is nothing to list)."""
    recorded = sorted({b for s, b, _ in store.branches() if s in suites})
    if not recorded or branch in recorded:
        return
    hint = did_you_mean(branch, recorded)
    raise ConfigError(
        f"--branch {branch}: no runs of this branch are recorded (recorded branches: {', '.join(recorded)}).{hint}"
    )


def require_recorded_suite(store: Store, suite: str) -> None:
    """ConfigError (exit 3) unless ``suite`` has runs, naming the recorded suites; an empty history passes."""
    recorded = sorted({s for s, _, _ in store.branches()})
    if not recorded or suite in recorded:
        return
    hint = did_you_mean(suite, recorded)
    raise ConfigError(
        f"--suite {suite}: no runs of this suite are recorded (recorded suites: {', '.join(recorded)}).{hint}"
    )
