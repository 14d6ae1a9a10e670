"""Fixing the history by hand: `perfgate runs list` and `perfgate runs delete`, for a run recorded by mistake
(a wrong --branch, a broken runner) that would otherwise sit in every baseline and chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from perfgate.app.branches import require_recorded_branch, require_recorded_suite
from perfgate.app.workspace import Workspace
from perfgate.errors import ConfigError, UsageError
from perfgate.model import DeletedRuns, RunListing, RunSelection

if TYPE_CHECKING:
    from perfgate.store import Store


@dataclass(frozen=True)
class ListRunsRequest:
    workspace: Workspace
    selection: RunSelection = field(default_factory=RunSelection)  # filters only; every run when empty
    limit: int = 20


@dataclass(frozen=True)
class RunList:
    runs: tuple[RunListing, ...]  # newest first, at most the request's limit
    total: int  # how many runs the selection names, beyond the limit too
    recorded: int  # how many runs the whole history holds: 0 is an empty history, not an unmatched selection
    database: str


def list_runs(request: ListRunsRequest) -> RunList:
    """The newest runs a selection names. Reading never creates a database; a --suite or --branch that names
    nothing recorded is an error that lists what is."""
    selection = request.selection
    if selection.ids:
        raise ValueError("runs list selects by filters, not ids")
    _check(selection)
    store = request.workspace.store()
    if store.current_revision() is None:
        return RunList((), 0, 0, store.display_url)
    store.ensure_schema()
    _require_recorded(store, selection)
    runs, total = store.run_listings(selection, limit=request.limit)
    return RunList(tuple(runs), total, total or store.count_runs(), store.display_url)


@dataclass(frozen=True)
class DeleteRunsRequest:
    workspace: Workspace
    selection: RunSelection  # never empty: the command refuses to delete every run
    dry_run: bool = False


@dataclass(frozen=True)
class DeleteOutcome:
    deleted: DeletedRuns  # done is False on a dry run
    database: str


def delete_runs(request: DeleteRunsRequest) -> DeleteOutcome:
    """Delete the selected runs and their series, nothing else, in one transaction; or, on a dry run, say which.

    Every named id must be a run that passes the filters, and a selection must name at least one run; otherwise
    nothing is deleted and the error says why (exit 3)."""
    selection = request.selection
    if selection.empty:
        raise UsageError(
            "name the runs to delete: their ids (see 'perfgate runs list'), or a selection such as "
            "--branch B --commit SHA; perfgate never deletes every run"
        )
    _check(selection)
    store = request.workspace.store()
    if store.current_revision() is None:
        raise ConfigError(f"no runs are recorded in {store.display_url}; nothing deleted")
    store.ensure_schema()
    _require_recorded(store, selection)
    deleted = store.delete_runs(selection, dry_run=request.dry_run)
    if deleted.absent:
        ids = ", ".join(map(str, deleted.absent))
        raise ConfigError(
            f"no {'run' if len(deleted.absent) == 1 else 'runs'} {ids} in {store.display_url}; nothing deleted "
            "(see 'perfgate runs list')"
        )
    if deleted.unmatched:
        which = "; ".join(
            f"run {r.id} is of suite {r.suite!r} on branch {r.branch!r}, commit {r.commit[:12]}"
            for r in deleted.unmatched
        )
        raise ConfigError(f"{which}: not {describe(selection)}; nothing deleted")
    if not deleted.runs:
        raise ConfigError(f"no runs {describe(selection)} in {store.display_url}; nothing deleted")
    return DeleteOutcome(deleted, store.display_url)


def describe(selection: RunSelection) -> str:
    """The selection's filters in words, as an error quotes them: 'of suite 'api' on branch 'mian''."""
    words = []
    if selection.suite is not None:
        words.append(f"of suite {selection.suite!r}")
    if selection.branch is not None:
        words.append(f"on branch {selection.branch!r}")
    if selection.commit is not None:
        words.append(f"at a commit starting {selection.commit!r}")
    if selection.since is not None:
        words.append(f"recorded from {selection.since:%Y-%m-%d %H:%M} UTC")
    if selection.until is not None:
        words.append(f"recorded before {selection.until:%Y-%m-%d %H:%M} UTC")
    return " ".join(words) or "at all"


def _check(selection: RunSelection) -> None:
    for option, value in (("--suite", selection.suite), ("--branch", selection.branch)):
        if value is not None and not value.strip():
            raise UsageError(f"{option} is empty: give a {option[2:]} name")
    if selection.commit is not None and not selection.commit.strip():
        raise UsageError("--commit is empty: give a commit, or its first characters")
    if selection.since is not None and selection.until is not None and selection.since >= selection.until:
        raise UsageError(
            f"--since {selection.since:%Y-%m-%d %H:%M} is not before --until {selection.until:%Y-%m-%d %H:%M}: "
            "no run can be recorded in that period"
        )


def _require_recorded(store: Store, selection: RunSelection) -> None:
    """A --suite or --branch with no runs is a typo far more often than a question: say what is recorded."""
    if selection.suite is not None:
        require_recorded_suite(store, selection.suite)
    if selection.branch is not None:
        suites = [selection.suite] if selection.suite is not None else list(store.suites())
        require_recorded_branch(store, selection.branch, suites)
