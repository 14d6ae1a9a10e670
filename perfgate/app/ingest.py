"""`perfgate ingest`, and the Action on the main branch: results files stored as runs of history."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from perfgate import storable
from perfgate.app.reading import expand, read_all
from perfgate.app.workspace import Workspace
from perfgate.errors import InputError, UsageError
from perfgate.model import ParsedResults, Run

if TYPE_CHECKING:
    from perfgate.store import Store


@dataclass(frozen=True)
class RunInfo:
    """What the caller knows about the run that the results file may not say."""

    suite: str
    branch: str
    commit: str | None = None
    pr_number: int | None = None
    merge_base: str | None = None
    key: str | None = None  # idempotency key, e.g. CI run id and attempt


@dataclass(frozen=True)
class Ingested:
    source: str
    run_id: int
    created: bool
    commit: str
    series: int


@dataclass(frozen=True)
class IngestRequest:
    workspace: Workspace
    files: tuple[str, ...]  # paths or globs
    branch: str
    commit: str | None = None
    pr_number: int | None = None
    merge_base: str | None = None
    key: str | None = None
    suite: str | None = None  # the config's when None
    format_name: str | None = None  # detected when None


@dataclass(frozen=True)
class IngestOutcome:
    runs: tuple[Ingested, ...]
    suite: str
    database: str  # where the runs are, as shown to a person (no password)


def ingest(request: IngestRequest) -> IngestOutcome:
    """Store each results file of the request as one run of its suite."""
    suite = request.suite or request.workspace.config().suite
    info = RunInfo(suite, request.branch, request.commit, request.pr_number, request.merge_base, request.key)
    store = request.workspace.store()
    runs = ingest_files(store, request.files, info, format_name=request.format_name, now=request.workspace.now)
    return IngestOutcome(tuple(runs), suite, store.display_url)


def ingest_files(
    store: Store, patterns: Sequence[str], info: RunInfo, *, format_name: str | None, now: datetime
) -> list[Ingested]:
    """Store each results file as one run. All files are read first; each run is one transaction."""
    parsed = read_all(expand(patterns), format_name)
    if info.key and len(parsed) > 1:
        raise UsageError("--key names one run; give one results file with it")
    return store_results(store, [(results, info) for results in parsed], now=now)


def store_results(store: Store, results: Sequence[tuple[ParsedResults, RunInfo]], *, now: datetime) -> list[Ingested]:
    """Store already-read results files, each as the run its RunInfo describes; all are checked first."""
    runs = [_run(parsed, info, now) for parsed, info in results]
    store.ensure_schema()
    outcome = []
    for (parsed, _), run in zip(results, runs, strict=True):
        stored = store.save_run(run, now)
        outcome.append(Ingested(parsed.source, stored.run_id, stored.created, stored.existing_commit, len(run.series)))
    return outcome


def _run(results: ParsedResults, info: RunInfo, now: datetime) -> Run:
    commit = info.commit or results.commit
    if not commit:
        raise UsageError(f"{results.source}: the file names no commit; give --commit SHA")
    if not (info.key or results.sha256):
        raise RuntimeError(f"{results.source} was read for comparing only (no sha256); it cannot be stored")
    # The same file under the same suite is the same run, whatever else the caller says about it.
    key = info.key or "sha256:" + hashlib.sha256(f"{info.suite}\0{results.sha256}".encode()).hexdigest()
    run = Run(
        suite=info.suite,
        branch=info.branch,
        commit=commit,
        pr_number=info.pr_number,
        merge_base=info.merge_base,
        recorded_at=results.recorded_at or now,
        source_format=results.format,
        idempotency_key=key,
        series=results.series,
        environment=results.environment,
    )
    # The check `perfgate import` and the store make too: the file is named, and nothing of the batch is written.
    if problem := storable.run_problem(run):
        raise InputError(results.source, problem.message)
    return run
