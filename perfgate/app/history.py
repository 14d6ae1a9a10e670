"""The stored history itself: a series' recent runs, pruning old samples, export and import."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from perfgate import exchange, storable
from perfgate.app.branches import require_history, require_recorded_branch
from perfgate.app.collector import collected_every
from perfgate.app.output import streamed_output
from perfgate.app.workspace import Workspace
from perfgate.errors import InputError, UsageError
from perfgate.formats import describe
from perfgate.formats.document import Document
from perfgate.formats.peers import PeerHistory, read_history
from perfgate.gate.report import FAILING, Report
from perfgate.history.series import History
from perfgate.model import Pruned, Run, SeriesColumns
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
    require_history(store)
    name, metric = request.name, request.metric
    metrics = store.metrics_of(suite, name)
    if not metrics:
        elsewhere = [other for other in store.suites() if other != suite and store.metrics_of(other, name)]
        if elsewhere:
            raise InputError(
                name,
                f"no series of this name is recorded in suite {suite!r}; it is in suite {elsewhere[0]!r}: "
                f"give --suite {elsewhere[0]}",
            )
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
    vacuum: bool = False  # give the freed space back to the file system (slow: SQLite rewrites the file)


@dataclass(frozen=True)
class PruneOutcome:
    pruned: Pruned
    database: str


def prune(request: PruneRequest) -> PruneOutcome:
    """Drop raw samples of runs older than ``keep_days`` or beyond the newest ``keep_runs`` per branch."""
    store = request.workspace.store()
    if (request.keep_days is None) == (request.keep_runs is None):
        raise UsageError("give one of --keep-days or --keep-runs")
    require_history(store)
    older_than = request.workspace.now - timedelta(days=request.keep_days) if request.keep_days is not None else None
    return PruneOutcome(
        store.prune(older_than=older_than, keep_runs=request.keep_runs, suite=request.suite, vacuum=request.vacuum),
        store.display_url,
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
    """Write every run (oldest first) as one JSON line, to the file or the stream, one run in memory at a time."""
    store = request.workspace.store()
    require_history(store)  # before the file is begun: a refused database leaves no file
    if request.output is None:
        return Exported(export_runs(store, request.out, since=request.since, suite=request.suite), store.display_url)
    with streamed_output(request.output) as out:
        count = export_runs(store, out, since=request.since, suite=request.suite)
    return Exported(count, store.display_url)


def export_runs(store: Store, out: TextIO, *, since: datetime | None = None, suite: str | None = None) -> int:
    """Write every run (oldest first) as one JSON line, its samples as stored; returns how many. The schema
    is the caller's to check (``export``)."""
    count = 0
    for run, columns in store.iter_encoded(since=since, suite=suite):
        out.write(exchange.dump_columns(run, columns) + "\n")
        count += 1
    return count


@dataclass(frozen=True)
class ImportRequest:
    workspace: Workspace
    files: tuple[str, ...]  # '-' reads stdin
    stdin: TextIO | None = None
    # For another tool's history (a data.js, an asv results directory); a perfgate export keeps its own.
    suite: str | None = None  # every run into this suite; else one suite per set of the history
    branch: str | None = None  # main's name (the config's) when None
    only: tuple[str, ...] = ()  # the sets to import (data.js entries, asv machine/environment); all when empty


@dataclass(frozen=True)
class Imported:
    source: str
    added: int
    skipped: int
    kind: str = "perfgate export"  # or "github-action-benchmark data.js", "asv results"
    suites: tuple[str, ...] = ()  # where a peer's history went, for the message


@dataclass(frozen=True)
class ImportOutcome:
    files: tuple[Imported, ...]
    database: str


def import_files(request: ImportRequest) -> ImportOutcome:
    """Import export files, or another tool's histories, into the request's database."""
    store = request.workspace.store()
    config = request.workspace.config
    peer = PeerOptions(request.suite, request.branch, request.only, default_branch=lambda: config().main_branch)
    done = import_runs(store, request.files, request.workspace.now, request.stdin, peer)
    return ImportOutcome(tuple(done), store.display_url)


@dataclass(frozen=True)
class PeerOptions:
    """How another tool's history becomes perfgate runs: which suite, which branch, which of its sets."""

    suite: str | None = None
    branch: str | None = None
    only: tuple[str, ...] = ()
    default_branch: Callable[[], str] | None = None  # read (the config) only when a peer's history needs it

    @property
    def given(self) -> bool:
        return self.suite is not None or self.branch is not None or bool(self.only)


_COLLECT_EVERY = 50  # runs between the import's garbage collections (perfgate.app.collector)


def import_runs(
    store: Store,
    paths: Sequence[str],
    now: datetime,
    stdin: TextIO | None = None,
    peer: PeerOptions = PeerOptions(),
) -> list[Imported]:
    """Import files in one transaction (all of them or nothing), streaming an export a run at a time: memory stays
    bounded whatever its size. A bad line anywhere stores nothing, not even the schema of a new database."""
    parsed = [_read_any(path, stdin, peer) for path in paths]  # what each is, and another tool's runs
    outcome = []
    with store.writing(now, create=True) as writer, collected_every(_COLLECT_EVERY) as tick:
        for path, kind, runs in parsed:
            added = skipped = 0
            for run, columns in runs:
                tick()
                if writer.save(run, columns).created:
                    added += 1
                else:
                    skipped += 1
            suites = tuple(dict.fromkeys(r.suite for r, _ in runs)) if kind != "perfgate export" else ()
            outcome.append(Imported(path, added, skipped, kind, suites))
    return outcome


Encoded = tuple[Run, SeriesColumns | None]  # a run, and its series as columns when read so (an export's)


def _read_any(path: str, stdin: TextIO | None, peer: PeerOptions) -> tuple[str, str, Iterable[Encoded]]:
    """A perfgate export, or a peer's history turned into runs; what it is, is read from the file."""
    history = None if path == "-" or _is_export(path) else read_history(path)
    if history is None:
        if peer.given:
            raise UsageError(
                f"{path}: a perfgate export keeps each run's suite and branch; --suite, --branch and --only "
                "are for another tool's history (a data.js, an asv results directory, Bencher's perf query)"
            )
        if path != "-" and not _is_export(path):
            raise InputError(
                path,
                f"expected a perfgate export (JSON Lines from 'perfgate export'), github-action-benchmark's data.js, "
                f"an asv results directory or Bencher's perf query (JSON); got {describe(Document.open(path))}. A results file of one run is "
                "stored with 'perfgate ingest'",
            )
        return path, "perfgate export", _read_export(path, stdin)
    return path, history.tool, [(run, None) for run in _peer_runs(history, peer)]


def _is_export(path: str) -> bool:
    """Whether the file reads as a perfgate export (checked whole later): its first line is one, or it is empty
    (what `perfgate export` writes for an empty database)."""
    if Path(path).is_dir():
        return False
    try:
        with _open_text(path) as handle:
            first = next((line for line in handle if line.strip()), None)
    except UnicodeDecodeError:  # compressed or binary: not an export, perhaps a gzipped data.js
        return False
    return first is None or (first.lstrip().startswith("{") and '"perfgate_export"' in first[:200])


def _peer_runs(history: PeerHistory, peer: PeerOptions) -> list[Run]:
    sets = history.sets
    unknown = [name for name in peer.only if name not in sets]
    if unknown:
        raise UsageError(f"{history.source}: no set {unknown[0]!r}; it holds {_listed(sets)}")
    chosen = [name for name in sets if not peer.only or name in peer.only]
    if peer.suite is not None and len(chosen) > 1:
        raise UsageError(
            f"{history.source} holds {len(chosen)} sets of benchmarks ({_listed(chosen)}); with --suite, pick one "
            "with --only NAME, or leave --suite out to import each into a suite of its name"
        )
    branch = peer.branch or (peer.default_branch() if peer.default_branch else "main")
    recorded = list(dict.fromkeys(r.branch for r in history.runs if r.branch is not None))
    if recorded and branch not in recorded:  # a tool that records branches (Bencher): import one of them
        raise UsageError(
            f"{history.source} holds runs of {_listed(recorded)}, none of branch {branch!r}: give --branch NAME"
        )
    runs = []
    for found in history.runs:
        if found.set_name not in chosen or (found.branch is not None and found.branch != branch):
            continue
        suite = peer.suite or found.set_name
        key = hashlib.sha256(f"{suite}\0{branch}\0{found.source_key}".encode()).hexdigest()
        run = Run(
            suite=suite,
            branch=branch,
            commit=found.commit,
            recorded_at=found.recorded_at,
            source_format=found.results.format,
            idempotency_key=f"import:{key}",
            series=found.results.series,
            environment=found.results.environment,
        )
        if not run.series:
            continue  # every benchmark of that run failed or was skipped: nothing to keep
        if problem := storable.run_problem(run):  # what ingest and the store would refuse, named in the file
            if found.where:
                raise InputError(found.results.source, problem.message, where=found.where)
            raise InputError(found.results.source, problem.message, where=problem.key)
        runs.append(run)
    return runs


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _read_export(path: str, stdin: TextIO | None) -> Iterator[Encoded]:
    """The export's runs as they are read, each checked as ingest checks a run (the file is opened now)."""
    handle = stdin if path == "-" else _open_text(path)
    if handle is None:
        raise UsageError("'-' (standard input) is not available here")
    return _lines(handle, path)


def _lines(handle: TextIO, path: str) -> Iterator[Encoded]:
    with handle:
        for number, line in enumerate(handle, 1):
            if line and not line.isspace():  # not strip(): that copied every line of a megabyte or more
                yield exchange.load_encoded(line, path, number)


def _open_text(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror}") from None
