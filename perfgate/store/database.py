"""The Store: opens the history database, keeps its schema current, saves and loads runs."""

from __future__ import annotations

import fcntl
import itertools
import json
import operator
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Result,
    Select,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import Session

from perfgate import url_secrets
from perfgate.errors import StoreError
from perfgate.history.alerts import Announced
from perfgate.history.series import History, Point
from perfgate.model import (
    DeletedRuns,
    Environment,
    GateDecision,
    Pruned,
    Run,
    RunHeader,
    RunListing,
    RunSelection,
    SampleKind,
    Series,
    SeriesColumns,
    SeriesDecision,
)
from perfgate.store import bulk, packed, timeouts, version
from perfgate.store.bulk import StoredRun, Writer
from perfgate.store.rows import RUN_COLUMNS, check_run, columns_from, run_from, series_from, series_query
from perfgate.store.schema import (
    AlertRow,
    DecidedSeriesRow,
    GateDecisionRow,
    RunRow,
    RunSamplesRow,
    SeriesKeyRow,
    SeriesRow,
)

DEFAULT_PATH = Path(".perfgate") / "history.db"


def default_url(directory: Path) -> str:
    """The embedded default: a SQLite file under the project's ``.perfgate/``."""
    return f"sqlite:///{directory / DEFAULT_PATH}"


# A row of Store.run_medians: run id, name, metric, unit, direction, median, and the tool's interval of it.
MedianRow = tuple[int, str, str, str, str, float | None, float | None, float | None]


def _normalise_url(url: str) -> str:
    # Users write postgresql:// as psql does; perfgate talks to Postgres through psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _selected(selection: RunSelection) -> list[ColumnElement[bool]]:
    """The selection's filters as SQL conditions (its ids are the caller's)."""
    conditions: list[ColumnElement[bool]] = []
    if selection.suite is not None:
        conditions.append(RunRow.suite == selection.suite)
    if selection.branch is not None:
        conditions.append(RunRow.branch == selection.branch)
    if selection.commit is not None:
        conditions.append(RunRow.commit.startswith(selection.commit, autoescape=True))
    if selection.since is not None:
        conditions.append(RunRow.recorded_at >= selection.since)
    if selection.until is not None:
        conditions.append(RunRow.recorded_at < selection.until)
    return conditions


def _listing_query() -> Select[*tuple[Any, ...]]:
    """A run's columns, newest first (its number of series comes from ``_listings``)."""
    return select(
        RunRow.id,
        RunRow.suite,
        RunRow.branch,
        RunRow.commit,
        RunRow.recorded_at,
        RunRow.source_format,
        RunRow.idempotency_key,
        RunRow.environment,
        RunRow.pr_number,
        RunRow.merge_base,
    ).order_by(RunRow.recorded_at.desc(), RunRow.id.desc())


def _listings(session: Session, query: Select[*tuple[Any, ...]]) -> list[RunListing]:
    """The runs a listing query finds, each with its number of series.

    The series are counted afterwards, for the runs found only: counted in the query, SQLite counted the series
    of every run it sorted, not just of the 20 it kept (80 ms instead of 2 on 10,000 runs x 200 series)."""
    rows = session.execute(query).all()
    ids = [r.id for r in rows]
    series: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        counted = select(SeriesRow.run_id, func.count()).where(SeriesRow.run_id.in_(ids[start : start + 500]))
        series.update((run_id, n) for run_id, n in session.execute(counted.group_by(SeriesRow.run_id)))
    return [
        RunListing(
            id=r.id,
            suite=r.suite,
            branch=r.branch,
            commit=r.commit,
            recorded_at=r.recorded_at,
            source_format=r.source_format,
            series=series.get(r.id, 0),
            idempotency_key=r.idempotency_key,
            environment=Environment(**json.loads(r.environment)),
            pr_number=r.pr_number,
            merge_base=r.merge_base,
        )
        for r in rows
    ]


def history_query(suite: str, branch: str, name: str, metric: str, limit: int) -> Select[Any]:
    """One series' statistics in the newest ``limit`` runs of a branch, newest first: the branch's runs walked
    down its (suite, branch, recorded_at) index, each asked for the series' row by the unique (run_id, key_id)."""
    key = select(SeriesKeyRow.id).where(SeriesKeyRow.name == name, SeriesKeyRow.metric == metric)
    return (
        series_query()  # a history table needs statistics, not every sample: only whether they are kept
        .add_columns(RunRow.commit, RunRow.recorded_at, RunRow.pr_number, _has_samples().label("packed"))
        .join(RunRow, SeriesRow.run_id == RunRow.id)
        .where(RunRow.suite == suite, RunRow.branch == branch, SeriesRow.key_id == key.scalar_subquery())
        .order_by(RunRow.recorded_at.desc(), RunRow.id.desc())
        .limit(limit)
    )


def metrics_query(suite: str, name: str) -> Select[Any]:
    """The metrics of a series name recorded in a suite. Each key of that name looks for one row of a run of
    the suite, through the (key_id, run_id) index, and stops at the first: a scalar subquery with LIMIT 1, which
    neither database turns into a join over the series' whole history (Postgres made EXISTS a hash join over
    every run). Joined and made distinct instead, the query read the series' row in every run of its history
    (4.5 ms instead of 0.3 at 10,000 runs on SQLite: benchmarks/store_scale.py)."""
    first = (
        select(SeriesRow.id)
        .join(RunRow, SeriesRow.run_id == RunRow.id)
        .where(SeriesRow.key_id == SeriesKeyRow.id, RunRow.suite == suite)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(SeriesKeyRow.metric).where(SeriesKeyRow.name == name, first.is_not(None)).order_by(SeriesKeyRow.metric)
    )


def _rowcount(result: Result[Any]) -> int:
    return int(getattr(result, "rowcount", 0))


SUPPORTED_BACKENDS = ("sqlite", "postgresql")  # the migrations and the tests run on these two


class Store:
    """One database of run history. Each public method is one transaction."""

    def __init__(self, url: str) -> None:
        self.url = _normalise_url(url)
        if (char := url_secrets.unencoded(self.url)) is not None:  # parsers would disagree on its password
            raise StoreError(url_secrets.refusal("database URL", url, char))
        try:
            parsed = make_url(self.url)
            _ = parsed.port  # a port that is not a number fails here, not deep inside the driver
        except (ArgumentError, ValueError):
            raise StoreError(
                f"cannot read the database URL {url_secrets.mask(url)!r}: expected sqlite:///PATH or "
                "postgresql://USER@HOST[:PORT]/DATABASE"
            ) from None
        self.display_url = url_secrets.mask(parsed.render_as_string(hide_password=True))
        if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
            raise StoreError(
                f"perfgate keeps its history in SQLite or Postgres, not {parsed.get_backend_name()} "
                f"({self.display_url}): expected sqlite:///PATH or postgresql://USER@HOST[:PORT]/DATABASE"
            )
        # What the driver read as host and database: its messages quote them, never a piece of the password.
        self._parsed = tuple(str(p) for p in (parsed.host, parsed.database) if p)
        # A SQLite file is created on first write, never by merely looking.
        self._sqlite_file = _sqlite_path(parsed.database) if parsed.get_backend_name() == "sqlite" else None
        self._limits: timeouts.TimeLimits | None = None
        connect_args: dict[str, str] = {}
        if parsed.get_backend_name() == "postgresql":  # no limit on Postgres would mean waiting forever
            parsed, self._limits = timeouts.split(parsed, self.display_url)
            connect_args = timeouts.connect_args(self._limits, parsed)
        try:
            self.engine: Engine = create_engine(parsed, connect_args=connect_args)
        except (ArgumentError, TypeError, ValueError) as exc:  # an unknown or malformed query option
            raise StoreError(f"cannot use the database URL {self.display_url}: {self._scrub(str(exc))}") from None
        except NoSuchModuleError:
            raise StoreError(f"no database driver for {self.display_url}") from None
        except ModuleNotFoundError as exc:
            raise StoreError(
                f"the driver for {self.display_url} is not installed ({exc.name}); "
                "for Postgres, install psycopg 3: pip install 'psycopg[binary]' (or, from perfgate's checkout, "
                "pip install '.[postgres]')"
            ) from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    def _scrub(self, message: str) -> str:
        """A driver's message made printable: no piece of the password, however the driver parsed the URL."""
        return url_secrets.scrub(message, self.url, self._parsed)

    @property
    def absent(self) -> bool:
        """A SQLite file that does not exist yet: reading it finds nothing, and must not create it."""
        return self._sqlite_file is not None and not self._sqlite_file.exists()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()

    # --- schema -----------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        if self._sqlite_file is not None and not self._sqlite_file.exists():
            return None
        with self._reachable():
            return version.current_revision(self.engine)

    def upgrade(self) -> tuple[str | None, str]:
        """Bring the schema to the head revision; returns (before, after)."""
        from perfgate.store import migration

        before = self.current_revision()
        self._refuse_newer(before)
        with self._schema_lock(), self._reachable():
            migration.upgrade(self.engine)
        return before, migration.head_revision()

    def ensure_schema(self) -> None:
        """Create the schema in an empty database; upgrade SQLite; ask before upgrading a shared server."""
        current = self.current_revision()
        if current == version.HEAD:  # the usual case, told without importing Alembic
            return
        from perfgate.store import migration

        head = migration.head_revision()
        self._refuse_newer(current)
        if current is None or self.is_sqlite:
            with self._schema_lock(), self._reachable():
                migration.upgrade(self.engine)  # a no-op when a parallel job got there first
            return
        raise StoreError(
            f"the database {self.display_url} has schema revision {current}, older than this perfgate's "
            f"{head}; upgrade it with: perfgate db upgrade --db '{self.display_url}'"
        )

    def _refuse_newer(self, current: str | None) -> None:
        from perfgate.store import migration

        if current is not None and current not in migration.known_revisions():
            raise StoreError(
                f"the database {self.display_url} has schema revision {current}, which this perfgate "
                f"does not know (it knows up to {migration.head_revision()}): a newer perfgate wrote it; "
                "upgrade perfgate"
            )

    @contextmanager
    def _schema_lock(self) -> Iterator[None]:
        """Serialise schema changes of one SQLite file across processes (Postgres locks in migration.upgrade).

        The lock is taken on the file's directory, so no lock file is ever left behind."""
        if self._sqlite_file is None:
            yield
            return
        folder = self._sqlite_file.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle = os.open(folder, os.O_RDONLY)
        except OSError as exc:
            raise StoreError(f"cannot create the database {self.display_url}: {exc.strerror}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)  # closing releases the lock

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise  # save_runs retries a race with a concurrent writer
        except DBAPIError as exc:  # unreachable, refused, not a database, corrupt, a bad connection option
            if self._limits is not None and (limit := timeouts.which(exc.orig)) is not None:
                raise StoreError(timeouts.message(limit, self._limits, self.display_url)) from None
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"cannot use the database {self.display_url}: {self._scrub(reason)}") from None
        except version.UnreadableVersion as exc:  # e.g. two rows in alembic_version
            raise StoreError(
                f"the database {self.display_url} has a schema version table perfgate cannot read ({exc}); "
                "repair it, or start a new database and 'perfgate import' an export of the old one"
            ) from None

    # --- runs -------------------------------------------------------------------------------

    def save_run(self, run: Run, now: datetime) -> StoredRun:
        """Store a run and its series in one transaction; a run with a known key is not stored again."""
        return self.save_runs([run], now)[0]

    def save_runs(self, runs: Sequence[Run], now: datetime) -> list[StoredRun]:
        """Store several runs in one transaction (all or none); runs whose key is known are skipped."""
        for run in runs:
            check_run(run)
        for attempt in range(2):
            try:
                with self.writing(now) as writer:
                    return [writer.save(run) for run in runs]
            except IntegrityError:
                if attempt:  # a concurrent writer stored one of these runs; the retry skips it
                    raise
        raise AssertionError("unreachable")

    @contextmanager
    def writing(self, now: datetime, *, create: bool = False) -> Iterator[Writer]:
        """One transaction that stores runs as they come (an import streams its file through it): all or none.

        ``create`` makes the schema of an empty database inside that transaction, so a refused file leaves
        nothing behind; otherwise the schema must be current (``ensure_schema``). Its rows refer only to runs and
        series keys the writer stores or reads in that transaction, so SQLite does not check those references."""
        current = self.current_revision()
        empty = create and current is None
        if not empty and current != version.HEAD:  # current: read once, as ensure_schema would first
            self.ensure_schema()
        lock = self._schema_lock() if empty else nullcontext()
        with (
            lock,
            self._reachable(),
            version.transaction(self.engine, check_references=not create) as connection,
            bulk.page_cache(connection),
        ):
            if empty:
                from perfgate.store import migration

                migration.upgrade_on(connection)
            with bulk.history_index_after(connection, later=empty):
                writer = Writer(connection, now)
                yield writer
                writer.close()

    def iter_runs(
        self, *, since: datetime | None = None, suite: str | None = None, batch: int = 50, samples: bool = True
    ) -> Iterator[Run]:
        """Every run (oldest first), with series, one run in memory at a time (and ``batch`` runs' headers).

        ``samples=False`` leaves the samples out (their encoded bytes are in ``iter_encoded``)."""
        for header, rows, blobs in self._iter(since=since, suite=suite, batch=batch, samples=samples):
            yield run_from(header, [series_from(r, b) for r, b in zip(rows, blobs, strict=True)])

    def iter_encoded(
        self, *, since: datetime | None = None, suite: str | None = None, batch: int = 50
    ) -> Iterator[tuple[Run, SeriesColumns]]:
        """Every run (oldest first), without its series, and the series as columns with each one's samples as
        stored: for export, which writes them as they are."""
        for header, rows, blobs in self._iter(since=since, suite=suite, batch=batch, samples=True):
            yield run_from(header, ()), columns_from(rows, blobs)

    def _iter(
        self, *, since: datetime | None, suite: str | None, batch: int, samples: bool
    ) -> Iterator[tuple[Sequence[Any], list[Sequence[Any]], list[bytes | None]]]:
        """Each run's header, its rows of ``series_query`` and their samples as stored (all None unless
        ``samples``)."""
        last_id = 0
        while True:
            query = select(*RUN_COLUMNS).where(RunRow.id > last_id).order_by(RunRow.id).limit(batch)
            if since is not None:
                query = query.where(RunRow.recorded_at >= since)
            if suite is not None:
                query = query.where(RunRow.suite == suite)
            with self._reachable(), self.engine.connect() as connection, self.engine.connect() as values:
                headers = connection.execute(query).all()
                if not headers:
                    return
                ids = [h[0] for h in headers]
                of_runs = series_query().where(SeriesRow.run_id.in_(ids)).order_by(SeriesRow.run_id, SeriesRow.id)
                rows = itertools.chain.from_iterable(bulk.batches(connection, of_runs, 2_000))
                grouped = itertools.groupby(rows, key=operator.itemgetter(0))
                pending = next(grouped, None)
                for header in headers:
                    run_rows: list[Sequence[Any]] = []
                    if pending is not None and pending[0] == header[0]:
                        run_rows = list(pending[1])
                        pending = next(grouped, None)
                    # One run's samples at a time, on the second connection while the stream holds the first (a
                    # load test's run can hold millions); a run deleted meanwhile has no rows, and none are read.
                    data = _packs(values, [header[0]]).get(header[0]) if run_rows and samples else None
                    yield header, run_rows, packed.unpack(data, len(run_rows), header[0])
            last_id = ids[-1]

    def latest_runs(self, suite: str, branch: str, limit: int) -> list[Run]:
        """The newest ``limit`` runs of a suite on a branch, newest first, with their series."""
        return self.load_runs([h.id for h in self.run_headers(suite, branch, limit=limit)])

    def run_headers(
        self,
        suite: str,
        branch: str,
        *,
        commits: Sequence[str] | None = None,
        commit_prefix: str | None = None,
        before: datetime | None = None,
        since: datetime | None = None,
        limit: int = 1000,
    ) -> list[RunHeader]:
        """Runs of a suite on a branch without their series, newest first: candidates for a baseline.

        ``commits`` keeps runs of those exact commits, ``commit_prefix`` runs whose commit starts with it,
        ``before`` runs recorded at or before that time, ``since`` runs recorded at or after it.
        """
        query = (
            select(RunRow.id, RunRow.commit, RunRow.recorded_at, RunRow.environment)
            .where(RunRow.suite == suite, RunRow.branch == branch)
            .order_by(RunRow.recorded_at.desc(), RunRow.id.desc())
            .limit(limit)
        )
        if commit_prefix is not None:
            query = query.where(RunRow.commit.startswith(commit_prefix, autoescape=True))
        if before is not None:
            query = query.where(RunRow.recorded_at <= before)
        if since is not None:
            query = query.where(RunRow.recorded_at >= since)
        chunks = [list(commits[i : i + 500]) for i in range(0, len(commits), 500)] if commits is not None else [None]
        rows: list[Any] = []
        with self._reachable(), Session(self.engine) as session:
            for chunk in chunks:
                chunk_query = query if chunk is None else query.where(RunRow.commit.in_(chunk))
                rows.extend(session.execute(chunk_query).all())
        rows.sort(key=lambda r: (r.recorded_at, r.id), reverse=True)
        return [
            RunHeader(r.id, r.commit, r.recorded_at, Environment(**json.loads(r.environment))) for r in rows[:limit]
        ]

    def load_runs(self, run_ids: Sequence[int], *, samples: bool = True) -> list[Run]:
        """Runs with their series, in the order of ``run_ids``; ``samples=False`` loads statistics only."""
        if not run_ids:
            return []
        headers: dict[int, Any] = {}
        series: dict[int, list[Series]] = {}
        with self._reachable(), self.engine.connect() as connection:
            for chunk in _chunks(run_ids):
                headers.update((h[0], h) for h in connection.execute(select(*RUN_COLUMNS).where(RunRow.id.in_(chunk))))
                query = series_query().where(SeriesRow.run_id.in_(chunk)).order_by(SeriesRow.id)
                rows: dict[int, list[Any]] = {}
                for row in connection.execute(query):
                    rows.setdefault(row[0], []).append(row)
                packs = _packs(connection, chunk) if samples else {}
                for run_id, run_rows in rows.items():
                    blobs = packed.unpack(packs.get(run_id), len(run_rows), run_id)
                    series[run_id] = [series_from(r, b) for r, b in zip(run_rows, blobs, strict=True)]
        return [run_from(headers[i], series.get(i, ())) for i in run_ids if i in headers]

    def statistics(self, run_ids: Sequence[int]) -> list[tuple[int, int | None, Series]]:
        """(run id, its PR number, a series without samples) of every series of these runs, in no set order.

        Columns only, no ORM objects: a site over 1,000 runs of 500 series reads half a million rows."""
        query = series_query().add_columns(RunRow.pr_number).join(RunRow, SeriesRow.run_id == RunRow.id)
        found: list[tuple[int, int | None, Series]] = []
        with self._reachable(), self.engine.connect() as connection:
            for chunk in _chunks(run_ids):
                for r in connection.execute(query.where(SeriesRow.run_id.in_(chunk))):
                    found.append((r[0], r[-1], series_from(r)))
        return found

    def run_medians(self, run_ids: Sequence[int]) -> list[MedianRow]:
        """(run id, name, metric, unit, direction, median, median_low, median_high) of every series of these runs,
        in no set order: what the suite's noise model reads (30 runs of 1,500 series is 45,000 rows: tuples, no
        object per row)."""
        query = select(
            SeriesRow.run_id, SeriesKeyRow.name, SeriesKeyRow.metric, SeriesRow.unit, SeriesRow.direction
        ).add_columns(SeriesRow.median, SeriesRow.median_low, SeriesRow.median_high)
        query = query.join(SeriesKeyRow, SeriesKeyRow.id == SeriesRow.key_id)
        found: list[MedianRow] = []
        with self._reachable(), self.engine.connect() as connection:
            for chunk in _chunks(run_ids):
                found.extend(tuple(r) for r in connection.execute(query.where(SeriesRow.run_id.in_(chunk))))
        return found

    def series_history(self, suite: str, branch: str, name: str, metric: str, limit: int) -> History | None:
        """The newest ``limit`` runs of one series (its points oldest first); None when it has none."""
        query = history_query(suite, branch, name, metric, limit)
        with self._reachable(), self.engine.connect() as connection:
            rows = list(reversed(connection.execute(query).all()))
        if not rows:
            return None
        points = []
        for r in rows:
            series = series_from(r)
            kept = bool(r.packed) and series.kind is not SampleKind.SUMMARY_ONLY  # a summary-only series has none
            points.append(Point(r.commit, r.recorded_at, series.summary, r.pr_number, r[0], kept))
        last = series_from(rows[-1])
        return History(suite, name, metric, last.unit, last.direction, last.kind, tuple(points))

    def series_names(self, suite: str) -> Sequence[str]:
        """Every series name recorded in a suite (for "did you mean")."""
        with self._reachable(), Session(self.engine) as session:
            return session.scalars(
                select(SeriesKeyRow.name)
                .join(SeriesRow, SeriesRow.key_id == SeriesKeyRow.id)
                .join(RunRow, SeriesRow.run_id == RunRow.id)
                .where(RunRow.suite == suite)
                .distinct()
            ).all()

    def metrics_of(self, suite: str, name: str) -> Sequence[str]:
        """The metrics recorded of a series name in a suite."""
        query = metrics_query(suite, name)
        with self._reachable(), self.engine.connect() as connection:
            return connection.scalars(query).all()

    def prune(
        self, *, older_than: datetime | None, keep_runs: int | None, suite: str | None, vacuum: bool = False
    ) -> Pruned:
        """Drop raw samples of old runs, keeping every summary; one transaction, in batches of 500 runs.

        A run's samples are one row of run_samples: deleting it frees that value's pages and leaves the series
        rows as they are. ``vacuum`` then gives the space back to the file system (SQLite rewrites the whole
        file, which takes longer than the pruning; without it the space is reused by the runs stored next)."""
        query = select(RunRow.id, RunRow.suite, RunRow.branch, RunRow.recorded_at).order_by(
            RunRow.recorded_at.desc(), RunRow.id.desc()
        )
        if suite is not None:
            query = query.where(RunRow.suite == suite)
        with self._reachable(), version.transaction(self.engine) as connection, _freed_unwritten(connection):
            seen: dict[tuple[str, str], int] = {}
            doomed = []
            for row in connection.execute(query):
                rank = seen[(row.suite, row.branch)] = seen.get((row.suite, row.branch), 0) + 1
                too_old = older_than is not None and row.recorded_at < older_than
                too_many = keep_runs is not None and rank > keep_runs
                if too_old or too_many:
                    doomed.append(row.id)
            doomed.sort()  # neighbouring rows: each batch touches as few pages as it can
            runs = series = freed = 0
            for chunk in _chunks(doomed):
                held = RunSamplesRow.run_id.in_(chunk)
                stats = connection.execute(
                    select(
                        func.count(), func.sum(RunSamplesRow.series), func.sum(func.length(RunSamplesRow.data))
                    ).where(held)
                ).one()
                if stats[0]:
                    runs, series, freed = runs + stats[0], series + int(stats[1]), freed + int(stats[2])
                    connection.execute(delete(RunSamplesRow).where(held))
        if vacuum and freed:
            with self._reachable(), self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM" if self.is_sqlite else "VACUUM run_samples")
        return Pruned(runs, series, freed)

    # --- fixing history by hand: `perfgate runs list` and `delete` ---------------------------------------------

    def run_listings(self, selection: RunSelection, *, limit: int | None = None) -> tuple[list[RunListing], int]:
        """The runs a selection names, newest first, at most ``limit`` of them; and how many it names in all."""
        if self.absent:
            return [], 0
        conditions = _selected(selection)
        with self._reachable(), Session(self.engine) as session:
            total = session.scalar(select(func.count()).select_from(RunRow).where(*conditions)) or 0
            return _listings(session, _listing_query().where(*conditions).limit(limit)), total

    def delete_runs(self, selection: RunSelection, *, dry_run: bool = False) -> DeletedRuns:
        """Delete the runs a selection names, with their series and nothing else, in one transaction.

        All or nothing: a named id with no run, or a named run the filters exclude, deletes nothing (the outcome
        says which); so does ``dry_run``, which answers what would go. An empty selection is refused here too,
        so no caller can delete every run by leaving the selection out."""
        if selection.empty:
            raise ValueError("an empty selection would delete every run")
        if self.absent:
            return DeletedRuns((), absent=tuple(dict.fromkeys(selection.ids)))
        with self._reachable(), Session(self.engine) as session, session.begin():
            # FOR UPDATE (Postgres): a concurrent delete of the same runs waits for this one, so counts stay true.
            query = _listing_query().with_for_update(of=RunRow)
            if selection.ids:
                named = _listings(session, query.where(RunRow.id.in_(selection.ids)))
                kept = set(
                    session.scalars(select(RunRow.id).where(RunRow.id.in_(selection.ids), *_selected(selection)))
                )
                found = {r.id for r in named}
                absent = tuple(i for i in dict.fromkeys(selection.ids) if i not in found)
                runs = [r for r in named if r.id in kept]
                unmatched = tuple(r for r in named if r.id not in kept)
                if absent or unmatched:
                    return DeletedRuns(tuple(runs), absent, unmatched)
            else:
                runs = _listings(session, query.where(*_selected(selection)))
            if dry_run or not runs:
                return DeletedRuns(tuple(runs))
            ids = [r.id for r in runs]
            series = gone = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                # The series first, explicitly: the foreign key's ON DELETE CASCADE would too, but only where
                # foreign keys are enforced (SQLite enforces them only when a connection asks, as perfgate's do).
                session.execute(delete(RunSamplesRow).where(RunSamplesRow.run_id.in_(chunk)))
                series += _rowcount(session.execute(delete(SeriesRow).where(SeriesRow.run_id.in_(chunk))))
                gone += _rowcount(session.execute(delete(RunRow).where(RunRow.id.in_(chunk))))
            outcome = DeletedRuns(tuple(runs), done=True)
            if (gone, series) != (len(runs), outcome.series):  # another writer got there between reading and deleting
                raise StoreError(
                    f"the runs in {self.display_url} changed while they were being deleted (another perfgate "
                    "deleting at the same time?); nothing was deleted: list them again and retry"
                )
            return outcome

    def save_gate_decision(self, decision: GateDecision) -> int:
        """Keep what the gate decided for a pull request; returns its id."""
        row = GateDecisionRow(
            suite=decision.suite,
            pr_number=decision.pr_number,
            head_commit=decision.head_commit,
            base_commit=decision.base_commit,
            recorded_at=decision.recorded_at,
            verdict=decision.verdict,
            series_count=decision.series,
            run_url=decision.run_url,
            decided=[
                DecidedSeriesRow(position=i, name=d.name, metric=d.metric, verdict=d.verdict, reason=d.reason)
                for i, d in enumerate(decision.decided)
            ],
        )
        self.ensure_schema()
        with self._reachable(), Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            return row.id

    def gate_decisions(self, suite: str, *, since: datetime, until: datetime) -> list[GateDecision]:
        """The gate's decisions for a suite recorded in [since, until], oldest first."""
        query = (
            select(GateDecisionRow)
            .where(
                GateDecisionRow.suite == suite,
                GateDecisionRow.recorded_at >= since,
                GateDecisionRow.recorded_at <= until,
            )
            .order_by(GateDecisionRow.recorded_at, GateDecisionRow.id)
        )
        with self._reachable(), Session(self.engine) as session:
            return [
                GateDecision(
                    suite=r.suite,
                    head_commit=r.head_commit,
                    recorded_at=r.recorded_at,
                    verdict=r.verdict,
                    series=r.series_count,
                    decided=tuple(SeriesDecision(d.name, d.metric, d.verdict, d.reason) for d in r.decided),
                    pr_number=r.pr_number,
                    base_commit=r.base_commit,
                    run_url=r.run_url,
                )
                for r in session.scalars(query)
            ]

    # --- alerts: the steps `perfgate alert` announced ------------------------------------------

    def announcements(self, suite: str | None = None) -> list[Announced]:
        """Every step announced (open and recovered), oldest first."""
        if self.current_revision() is None:
            return []
        self.ensure_schema()
        query = select(AlertRow).order_by(AlertRow.id)
        if suite is not None:
            query = query.where(AlertRow.suite == suite)
        with self._reachable(), Session(self.engine) as session:
            return [
                Announced(r.suite, r.name, r.metric, r.first_bad, r.before, r.recovered_at is not None, r.issue_number)
                for r in session.scalars(query)
            ]

    def announce(self, step: Announced, *, last_good: str, after: float, now: datetime) -> bool:
        """Remember a step as announced; False when it already was (by this job or another one at the same time)."""
        self.ensure_schema()
        row = AlertRow(
            suite=step.suite,
            name=step.name,
            metric=step.metric,
            first_bad=step.first_bad,
            last_good=last_good,
            before=step.before,
            after=after,
            announced_at=now,
            issue_number=step.issue,
        )
        try:
            with self._reachable(), Session(self.engine) as session, session.begin():
                session.add(row)
        except IntegrityError:
            return False
        return True

    def update_announcement(
        self, step: Announced, *, issue: int | None = None, recovered_at: datetime | None = None
    ) -> None:
        """Note the step's issue, or that the series recovered."""
        values: dict[str, Any] = {}
        if issue is not None:
            values["issue_number"] = issue
        if recovered_at is not None:
            values["recovered_at"] = recovered_at
        if not values:
            return
        where = (
            AlertRow.suite == step.suite,
            AlertRow.name == step.name,
            AlertRow.metric == step.metric,
            AlertRow.first_bad == step.first_bad,
        )
        with self._reachable(), Session(self.engine) as session, session.begin():
            session.execute(update(AlertRow).where(*where).values(**values))

    def count_runs(self, suite: str | None = None) -> int:
        with self._reachable(), Session(self.engine) as session:
            query = select(func.count()).select_from(RunRow)
            if suite is not None:
                query = query.where(RunRow.suite == suite)
            return session.scalar(query) or 0

    def suites(self) -> Sequence[str]:
        with self._reachable(), Session(self.engine) as session:
            return session.scalars(select(RunRow.suite).distinct().order_by(RunRow.suite)).all()

    def branches(self) -> Sequence[tuple[str, str, int]]:
        """(suite, branch, number of runs) of everything recorded: for errors that say what exists."""
        if self.absent:
            return []
        with self._reachable(), Session(self.engine) as session:
            query = select(RunRow.suite, RunRow.branch, func.count()).group_by(RunRow.suite, RunRow.branch)
            return [(suite, branch, count) for suite, branch, count in session.execute(query.order_by(RunRow.suite))]


def _sqlite_path(database: str | None) -> Path | None:
    """The file of a SQLite URL's database, also for the file: URI form; None for an in-memory one."""
    if not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        path = database[len("file:") :].split("?", 1)[0]
        return None if path in ("", ":memory:") else Path(path)
    return Path(database)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # parallel CI jobs wait for the writer instead of failing
    cursor.close()


@contextmanager
def _freed_unwritten(connection: Connection) -> Iterator[None]:
    """SQLite's secure_delete at FAST for this connection while it prunes: Debian's and other builds turn it on,
    which zero-fills every freed page, so deleting a run's samples wrote (and journalled) all of their pages:
    about as long as copying the file. FAST leaves freed pages as they are unless zeroing costs no extra write.
    The samples are benchmark timings, nothing a deleted page must keep from a reader of the file."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA secure_delete").scalar()
    connection.exec_driver_sql("PRAGMA secure_delete=FAST")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA secure_delete={int(before or 0)}")


def _packs(connection: Connection, run_ids: Sequence[int]) -> dict[int, bytes]:
    """The packed samples of those of these runs that have them (perfgate/store/packed.py)."""
    found: dict[int, bytes] = {}
    for chunk in _chunks(run_ids):
        query = select(RunSamplesRow.run_id, RunSamplesRow.data).where(RunSamplesRow.run_id.in_(chunk))
        found.update((r[0], bytes(r[1])) for r in connection.execute(query))
    return found


def _has_samples() -> Any:
    """Whether a series row's run still holds its samples: one primary-key probe of run_samples."""
    return select(RunSamplesRow.run_id).where(RunSamplesRow.run_id == SeriesRow.run_id).exists()


def _chunks(run_ids: Sequence[int], size: int = 500) -> Iterator[list[int]]:
    """Run ids in lists of ``size``: an IN list each query's parameters stay within (SQLite's and Postgres')."""
    for start in range(0, len(run_ids), size):
        yield list(run_ids[start : start + size])
