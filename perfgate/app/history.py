"""The stored history itself: a series' recent runs, pruning old samples, export and import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from perfgate import exchange
from perfgate.app.branches import require_recorded_branch
from perfgate.app.output import write_output
from perfgate.app.workspace import Workspace
from perfgate.errors import InputError, UsageError
from perfgate.gate.report import FAILING, Report
from perfgate.history.series import History
from perfgate.model import Pruned, Run
from perfgate.suggest import did_you_mean

if TYPE_CHECKING:
    from perfgate.store import Store


@dataclass(frozen=True)
class HistoryRequest:
    workspace: Workspace
    name: str
    branch: str
    metric: str | None  # the only one, or "time", when None
    limit: int
    suite: str | None = None  # the config's when None


def series_history(request: HistoryRequest) -> History | None:
    """The newest runs' statistics of one series; an unknown name or an ambiguous metric is an error."""
    suite = request.suite or request.workspace.config().suite
    store = request.workspace.store()
    store.ensure_schema()
    name, metric = request.name, request.metric
    metrics = store.metrics_of(suite, name)
    if not metrics:
        hint = did_you_mean(name, store.series_names(suite))
        raise InputError(name, f"no series of this name is recorded in suite {suite!r}.{hint}")
    if metric is None:
        if len(metrics) > 1 and "time" not in metrics:
            raise UsageError(f"{name!r} has several metrics ({', '.join(metrics)}); choose one with --metric")
        metric = "time" if "time" in metrics else metrics[0]
    elif metric not in metrics:
        raise InputError(name, f"no metric {metric!r}; recorded metrics: {', '.join(metrics)}")
    require_recorded_branch(store, request.branch, [suite])
    return store.series_history(suite, request.branch, name, metric, request.limit)


def sparklines(store: Store, report: Report, suite: str, branch: str) -> tuple[tuple[str, str, tuple[float, ...]], ...]:
    """The recent medians on ``branch`` of each failing series, oldest first: the PR comment's sparklines."""
    return tuple(
        (c.name, c.metric, tuple(recent_medians(store, suite, branch, c.name, c.metric)))
        for c in report.comparisons
        if c.verdict in FAILING
    )


def recent_medians(store: Store, suite: str, branch: str, name: str, metric: str) -> list[float]:
    """The medians of the series' latest 20 runs on ``branch``, oldest first."""
    history = store.series_history(suite, branch, name, metric, 20)
    points = history.points if history is not None else ()
    return [p.summary.median for p in points if p.summary.median is not None]


@dataclass(frozen=True)
class PruneRequest:
    workspace: Workspace
    keep_days: int | None  # exactly one of keep_days and keep_runs
    keep_runs: int | None
    suite: str | None = None  # every suite when None


@dataclass(frozen=True)
class PruneOutcome:
    pruned: Pruned
    database: str


def prune(request: PruneRequest) -> PruneOutcome:
    """Drop raw samples of runs older than ``keep_days`` or beyond the newest ``keep_runs`` per branch."""
    store = request.workspace.store()
    if (request.keep_days is None) == (request.keep_runs is None):
        raise UsageError("give one of --keep-days or --keep-runs")
    store.ensure_schema()
    older_than = request.workspace.now - timedelta(days=request.keep_days) if request.keep_days is not None else None
    return PruneOutcome(
        store.prune(older_than=older_than, keep_runs=request.keep_runs, suite=request.suite), store.display_url
    )


@dataclass(frozen=True)
class ExportRequest:
    workspace: Workspace
    out: TextIO  # where the lines go when output is None (standard output)
    output: Path | None = None  # written atomically, once every run is out
    since: datetime | None = None
    suite: str | None = None  # every suite when None


@dataclass(frozen=True)
class Exported:
    runs: int
    database: str


def export(request: ExportRequest) -> Exported:
    """Write every run (oldest first) as one JSON line, to the file or the stream."""
    store = request.workspace.store()
    if request.output is None:
        return Exported(export_runs(store, request.out, since=request.since, suite=request.suite), store.display_url)
    buffer = StringIO()
    count = export_runs(store, buffer, since=request.since, suite=request.suite)
    write_output(request.output, buffer.getvalue())
    return Exported(count, store.display_url)


def export_runs(store: Store, out: TextIO, *, since: datetime | None = None, suite: str | None = None) -> int:
    """Write every run (oldest first) as one JSON line; returns how many."""
    store.ensure_schema()
    count = 0
    for run in store.iter_runs(since=since, suite=suite):
        out.write(exchange.dump(run) + "\n")
        count += 1
    return count


@dataclass(frozen=True)
class ImportRequest:
    workspace: Workspace
    files: tuple[str, ...]  # '-' reads stdin
    stdin: TextIO | None = None


@dataclass(frozen=True)
class Imported:
    source: str
    added: int
    skipped: int


@dataclass(frozen=True)
class ImportOutcome:
    files: tuple[Imported, ...]
    database: str


def import_files(request: ImportRequest) -> ImportOutcome:
    """Import export files into the request's database."""
    store = request.workspace.store()
    done = import_runs(store, request.files, request.workspace.now, request.stdin)
    return ImportOutcome(tuple(done), store.display_url)


def import_runs(store: Store, paths: Sequence[str], now: datetime, stdin: TextIO | None = None) -> list[Imported]:
    """Import export files; each file is read and checked whole, then stored in one transaction."""
    parsed = [(path, _read_export(path, stdin)) for path in paths]
    store.ensure_schema()
    outcome = []
    for path, runs in parsed:
        stored = store.save_runs(runs, now)
        added = sum(1 for s in stored if s.created)
        outcome.append(Imported(path, added, len(stored) - added))
    return outcome


def _read_export(path: str, stdin: TextIO | None) -> list[Run]:
    handle = stdin if path == "-" else _open_text(path)
    if handle is None:
        raise UsageError("'-' (standard input) is not available here")
    with handle:
        runs = [exchange.load(line, path, number) for number, line in enumerate(handle, 1) if line.strip()]
    return runs


def _open_text(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror}") from None
