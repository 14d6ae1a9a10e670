"""A ``--branch`` (or ``--suite``) that names nothing recorded is an error that lists what is, not an empty result."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import TYPE_CHECKING

from perfgate.errors import ConfigError

if TYPE_CHECKING:
    from perfgate.store import Store


def require_recorded_branch(store: Store, branch: str, suites: Collection[str]) -> None:
    """ConfigError (exit 3) unless ``branch`` has runs of one of ``suites``; an empty history is left to the
    command's own message (there is nothing to list)."""
    recorded = sorted({b for s, b, _ in store.branches() if s in suites})
    if not recorded or branch in recorded:
        return
    guess = difflib.get_close_matches(branch, recorded, n=1)
    hint = f" Did you mean {guess[0]!r}?" if guess else ""
    raise ConfigError(
        f"--branch {branch}: no runs of this branch are recorded (recorded branches: {', '.join(recorded)}).{hint}"
    )


def require_recorded_suite(store: Store, suite: str) -> None:
    """ConfigError (exit 3) unless ``suite`` has runs, naming the recorded suites; an empty history passes."""
    recorded = sorted({s for s, _, _ in store.branches()})
    if not recorded or suite in recorded:
        return
    guess = difflib.get_close_matches(suite, recorded, n=1)
    hint = f" Did you mean {guess[0]!r}?" if guess else ""
    raise ConfigError(
        f"--suite {suite}: no runs of this suite are recorded (recorded suites: {', '.join(recorded)}).{hint}"
    )
