"""The Store: opens the history database, keeps its schema current, saves and loads runs."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, selectinload

from perfgate.errors import StoreError
from perfgate.model import Direction, Environment, Run, RunHeader, SampleKind, Series, Summary
from perfgate.store import codec, migration
from perfgate.store.schema import RunRow, SeriesRow

DEFAULT_PATH = Path(".perfgate") / "history.db"


def default_url(directory: Path) -> str:
    """The embedded default: a SQLite file under the project's ``.perfgate/``."""
    return f"sqlite:///{directory / DEFAULT_PATH}"


def _normalise_url(url: str) -> str:
    # Users write postgresql:// as psql does; perfgate talks to Postgres through psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class StoredRun:
    """The outcome of saving: the run's id, and whether it was new or already there."""

    run_id: int
    created: bool
    existing_commit: str


class Store:
    """One database of run history. Each public method is one transaction."""

    def __init__(self, url: str) -> None:
        self.url = _normalise_url(url)
        try:
            parsed = make_url(self.url)
        except ArgumentError:
            raise StoreError(f"cannot read the database URL {url!r}") from None
        self.display_url = parsed.render_as_string(hide_password=True)
        # A SQLite file is created on first write, never by merely looking.
        self._sqlite_file = (
            Path(parsed.database)
            if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
            else None
        )
        try:
            self.engine: Engine = create_engine(self.url)
        except NoSuchModuleError:
            raise StoreError(f"no database driver for {self.display_url}") from None
        except ModuleNotFoundError as exc:
            raise StoreError(
                f"the driver for {self.display_url} is not installed ({exc.name}); "
                "for Postgres: pip install 'perfgate[postgres]'"
            ) from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

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
            return migration.current_revision(self.engine)

    def upgrade(self) -> tuple[str | None, str]:
        """Bring the schema to the head revision; returns (before, after)."""
        before = self.current_revision()
        self._refuse_newer(before)
        self._create_file()
        with self._reachable():
            migration.upgrade(self.engine)
        return before, migration.head_revision()

    def ensure_schema(self) -> None:
        """Create the schema in an empty database; upgrade SQLite; ask before upgrading a shared server."""
        current = self.current_revision()
        head = migration.head_revision()
        if current == head:
            return
        self._refuse_newer(current)
        if current is None or self.is_sqlite:
            self._create_file()
            with self._reachable():
                migration.upgrade(self.engine)
            return
        raise StoreError(
            f"the database {self.display_url} has schema revision {current}, older than this perfgate's "
            f"{head}; upgrade it with: perfgate db upgrade --db '{self.display_url}'"
        )

    def _refuse_newer(self, current: str | None) -> None:
        if current is not None and current not in migration.known_revisions():
            raise StoreError(
                f"the database {self.display_url} has schema revision {current}, which this perfgate "
                f"does not know (it knows up to {migration.head_revision()}): a newer perfgate wrote it; "
                "upgrade perfgate"
            )

    def _create_file(self) -> None:
        if self._sqlite_file is not None:
            self._sqlite_file.parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"cannot use the database {self.display_url}: {reason}") from None

    # --- runs -------------------------------------------------------------------------------

    def save_run(self, run: Run, now: datetime) -> StoredRun:
        """Store a run and its series in one transaction; a run with a known key is not stored again."""
        with self._reachable():
            existing = self._find_key(run.idempotency_key)
            if existing is not None:
                return existing
            row = _run_row(run, now)
            try:
                with Session(self.engine) as session, session.begin():
                    session.add(row)
                    session.flush()
                    run_id = row.id
            except IntegrityError:
                # Another job stored the same run between our lookup and our insert.
                found = self._find_key(run.idempotency_key)
                if found is None:
                    raise
                return found
        return StoredRun(run_id, created=True, existing_commit=run.commit)

    def _find_key(self, key: str) -> StoredRun | None:
        with Session(self.engine) as session:
            hit = session.execute(select(RunRow.id, RunRow.commit).where(RunRow.idempotency_key == key)).first()
        return StoredRun(hit.id, created=False, existing_commit=hit.commit) if hit else None

    def latest_runs(self, suite: str, branch: str, limit: int) -> list[Run]:
        """The newest ``limit`` runs of a suite on a branch, newest first, with their series."""
        with self._reachable(), Session(self.engine) as session:
            rows = session.scalars(
                select(RunRow)
                .where(RunRow.suite == suite, RunRow.branch == branch)
                .order_by(RunRow.recorded_at.desc(), RunRow.id.desc())
                .limit(limit)
                .options(selectinload(RunRow.series))
            ).all()
            return [_run(row) for row in rows]

    def run_headers(self, suite: str, branch: str, limit: int = 1000) -> list[RunHeader]:
        """The newest runs of a suite on a branch, without their series: candidates for a baseline."""
        with self._reachable(), Session(self.engine) as session:
            rows = session.execute(
                select(RunRow.id, RunRow.commit, RunRow.recorded_at, RunRow.environment)
                .where(RunRow.suite == suite, RunRow.branch == branch)
                .order_by(RunRow.recorded_at.desc(), RunRow.id.desc())
                .limit(limit)
            ).all()
        return [RunHeader(r.id, r.commit, r.recorded_at, Environment(**json.loads(r.environment))) for r in rows]

    def load_runs(self, run_ids: Sequence[int]) -> list[Run]:
        """Runs with their series, in the order of ``run_ids``."""
        if not run_ids:
            return []
        with self._reachable(), Session(self.engine) as session:
            rows = session.scalars(
                select(RunRow).where(RunRow.id.in_(run_ids)).options(selectinload(RunRow.series))
            ).all()
            by_id = {row.id: _run(row) for row in rows}
        return [by_id[i] for i in run_ids if i in by_id]

    def count_runs(self, suite: str | None = None) -> int:
        with self._reachable(), Session(self.engine) as session:
            query = select(func.count()).select_from(RunRow)
            if suite is not None:
                query = query.where(RunRow.suite == suite)
            return session.scalar(query) or 0

    def suites(self) -> Sequence[str]:
        with self._reachable(), Session(self.engine) as session:
            return session.scalars(select(RunRow.suite).distinct().order_by(RunRow.suite)).all()


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # parallel CI jobs wait for the writer instead of failing
    cursor.close()


def _run_row(run: Run, now: datetime) -> RunRow:
    return RunRow(
        suite=run.suite,
        branch=run.branch,
        commit=run.commit,
        pr_number=run.pr_number,
        merge_base=run.merge_base,
        recorded_at=run.recorded_at,
        ingested_at=now,
        source_format=run.source_format,
        environment=json.dumps(dict(run.environment.as_pairs()), sort_keys=True),
        idempotency_key=run.idempotency_key,
        series=[_series_row(s) for s in run.series],
    )


def _series_row(series: Series) -> SeriesRow:
    s = series.summary
    return SeriesRow(
        name=series.name,
        metric=series.metric,
        unit=series.unit,
        direction=series.direction.value,
        kind=series.kind.value,
        count=s.count,
        mean=s.mean,
        stddev=s.stddev,
        min=s.min,
        median=s.median,
        p90=s.p90,
        p95=s.p95,
        p99=s.p99,
        max=s.max,
        errors=s.errors,
        sample_count=int(series.samples.size),
        samples=codec.encode(series.samples),
    )


def _run(row: RunRow) -> Run:
    return Run(
        id=row.id,
        suite=row.suite,
        branch=row.branch,
        commit=row.commit,
        pr_number=row.pr_number,
        merge_base=row.merge_base,
        recorded_at=row.recorded_at,
        source_format=row.source_format,
        idempotency_key=row.idempotency_key,
        environment=Environment(**json.loads(row.environment)),
        series=tuple(_series(s) for s in row.series),
    )


def _series(row: SeriesRow) -> Series:
    summary = Summary(
        count=row.count,
        mean=row.mean,
        stddev=row.stddev,
        min=row.min,
        median=row.median,
        p90=row.p90,
        p95=row.p95,
        p99=row.p99,
        max=row.max,
        errors=row.errors,
    )
    return Series(
        row.name,
        row.metric,
        row.unit,
        Direction(row.direction),
        SampleKind(row.kind),
        summary,
        codec.decode(row.samples),
    )
