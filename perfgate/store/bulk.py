"""Many runs at once, in SQLAlchemy Core. Writing them in one transaction: series rows go in batches
(executemany on SQLite, binary COPY on Postgres: one statement planned once, instead of an INSERT of 19,000
parameters planned per run), and each series name is stored once, in series_keys. Reading them: rows streamed as
the driver's tuples (``batches``), with a bigger SQLite page cache while they are (``page_cache``)."""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, Float, Integer, Select, String, Text, and_, func, insert, literal, select, tuple_

from perfgate import codec, limits
from perfgate.model import Run, SeriesColumns
from perfgate.store import packed
from perfgate.store.rows import SERIES_INSERT, run_values
from perfgate.store.schema import RunRow, RunSamplesRow, SeriesKeyRow, SeriesRow

_BATCH = 10_000  # series rows held before they are written: a few MB, whatever the import's size
# SQLite's page cache while many runs are written (its default is 2 MB): each run adds a row to every key's
# stretch of the (key_id, run_id) index, and with 2 MB those pages were written out and read back for each
# run. 32 MB took an import of 509 runs x 2,000 series from 8.4 s to 6.6 s of inserting, and 2.1 s less in
# the kernel; its peak RSS from 109 to 141 MB.
_SQLITE_CACHE_KB = 32 * 1024
_SQLITE_INDEX_CACHE_KB = 8 * 1024  # for building an index afterwards: its sort takes as much again (RSS 140 MB)
_KEYS_AT_ONCE = 400  # (name, metric) pairs per lookup: 800 parameters, under SQLite's 999 of older builds

# Postgres' binary COPY: each value sent as its column's type, with no text to format and parse. Its rows cost a
# tenth of the CPU of text COPY's (2,000 rows of a run: 0.6 ms against 7 ms in psycopg). A new column type
# must be named here, or the Writer fails at once (KeyError) rather than send bytes of the wrong size.
_POSTGRES_TYPES = {Integer: "int4", Float: "float8", String: "varchar"}
_SERIES_TYPES = [_POSTGRES_TYPES[type(SeriesRow.__table__.c[name].type)] for name in SERIES_INSERT]
# psycopg packs an int4 with no range check (2**31 arrives as -2**31): the columns that take a caller's
# integers are checked before they are sent, as perfgate.storable checks them before a run is saved.
_CALLERS_INTEGERS = [
    i for i, name in enumerate(SERIES_INSERT) if _SERIES_TYPES[i] == "int4" and name not in ("run_id", "key_id")
]


@dataclass(frozen=True)
class StoredRun:
    """The outcome of saving: the run's id, and whether it was new or already there."""

    run_id: int
    created: bool
    existing_commit: str


@contextmanager
def page_cache(connection: Connection, pages: int | None = None) -> Iterator[None]:
    """A bigger SQLite page cache (``pages``, else _SQLITE_CACHE_KB) for a transaction that writes many runs or
    a read that streams them; as it was afterwards."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    size = f"{pages:d}" if pages is not None else f"-{_SQLITE_CACHE_KB}"  # negative: in kB
    connection.exec_driver_sql(f"PRAGMA cache_size={size}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def batches(connection: Connection, query: Select[Any], size: int) -> Iterator[Sequence[Sequence[Any]]]:
    """The query's rows, ``size`` at a time, never all in memory. On SQLite the driver's own cursor, which
    already streams, and its tuples as they come: SQLAlchemy's processing of each row was a third of the site's
    read of 2 million rows and a sixth of an export, and these columns need none. Elsewhere a server-side cursor."""
    if connection.dialect.name == "sqlite":
        cursor = connection.execute(query).cursor
        while batch := cursor.fetchmany(size):
            yield batch
        return
    yield from connection.execution_options(stream_results=True, yield_per=size).execute(query).partitions()


_HISTORY_INDEX = next(
    i for i in SeriesRow.metadata.tables["series"].indexes if [c.name for c in i.columns] == ["key_id", "run_id"]
)


@contextmanager
def history_index_after(connection: Connection, *, later: bool) -> Iterator[None]:
    """When ``later`` (a new database filled in one transaction: an import), the (key_id, run_id) index is
    built once its rows are in: one sort instead of an entry added to every key's stretch of it for each run
    (509 runs x 2,000 series: 1.7 s less). Inside the caller's transaction, so a failure leaves it as it was."""
    if not later:
        yield
        return
    _HISTORY_INDEX.drop(connection)
    yield
    if connection.dialect.name == "sqlite":  # page_cache restores its size afterwards
        connection.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_INDEX_CACHE_KB}")
    _HISTORY_INDEX.create(connection)


class Writer:
    """Saves runs on one connection inside the caller's transaction; ``close`` writes what is still held."""

    def __init__(self, connection: Connection, now: datetime) -> None:
        self.connection, self.now = connection, now
        self._keys: dict[tuple[str, str], int] = {}
        self._pending: list[tuple[Any, ...]] = []
        self._copy = connection.dialect.name == "postgresql"

    def save(self, run: Run, columns: SeriesColumns | None = None) -> StoredRun:
        """Store a run unless its key is known. ``columns`` are the run's series with their samples encoded when
        the caller has them so (an import keeps an export's bytes rather than encoding them again), in place of
        ``run.series``. The run must have passed ``check_run`` (or the same check of an import's reader:
        perfgate.storable)."""
        hit = self.connection.execute(
            select(RunRow.id, RunRow.commit).where(RunRow.idempotency_key == run.idempotency_key)
        ).first()
        if hit is not None:  # also a run stored earlier in this transaction: the same key twice in one import
            return StoredRun(hit.id, created=False, existing_commit=hit.commit)
        run_id = self.connection.execute(insert(RunRow).returning(RunRow.id), run_values(run, self.now)).scalar_one()
        if columns is None:
            columns = SeriesColumns.of(run.series, [codec.encode(s.samples) for s in run.series])
        pairs = list(zip(columns.names, columns.metrics, strict=True))
        keys = self._key_ids(pairs)
        # Rows built column-wise, without a Python step per series: in the order of SERIES_INSERT.
        self._pending.extend(
            zip(
                repeat(run_id),
                map(keys.__getitem__, pairs),
                columns.units,
                columns.directions,
                columns.kinds,
                *columns.summaries,
                strict=False,  # repeat() is endless; the others are the run's series
            )
        )
        # The run's samples in one value (perfgate/store/packed.py): prune deletes it and nothing else.
        if (data := packed.pack(columns.samples)) is not None:
            self.connection.execute(
                insert(RunSamplesRow), {"run_id": run_id, "series": packed.held(columns.samples), "data": data}
            )
        if len(self._pending) >= _BATCH:
            self.flush()
        return StoredRun(run_id, created=True, existing_commit=run.commit)

    def close(self) -> None:
        self.flush()

    def flush(self) -> None:
        rows, self._pending = self._pending, []
        if not rows:
            return
        # The driver's own cursor: the rows are plain values already, and SQLAlchemy's processing of each
        # parameter set took longer than the insert itself.
        cursor = self.connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self._copy:
                _check_integers(rows)
                with cursor.copy(f"COPY series ({', '.join(SERIES_INSERT)}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(_SERIES_TYPES)
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(SERIES_INSERT))
                cursor.executemany(f"INSERT INTO series ({', '.join(SERIES_INSERT)}) VALUES ({marks})", rows)
        finally:
            cursor.close()

    def _lookups(self, keys: list[tuple[str, str]]) -> Iterator[Any]:
        """The queries that find these keys' ids."""
        if not keys:
            return
        if self._copy:
            yield _postgres_lookup(keys)
            return
        for start in range(0, len(keys), _KEYS_AT_ONCE):
            yield select(*_KEY_COLUMNS).where(
                tuple_(SeriesKeyRow.name, SeriesKeyRow.metric).in_(keys[start : start + _KEYS_AT_ONCE])
            )

    def _key_ids(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The id of each (name, metric), created when new; a concurrent writer's new key is found, not doubled."""
        missing = [k for k in dict.fromkeys(keys) if k not in self._keys]
        for attempt in range(2):
            for found in self._lookups(missing):
                self._keys.update(((name, metric), key_id) for key_id, name, metric in self.connection.execute(found))
            missing = [k for k in missing if k not in self._keys]
            if not missing or attempt:
                break
            self.connection.execute(_insert_new_keys(self._copy), [{"name": n, "metric": m} for n, m in missing])
        assert not missing, f"series keys not stored: {missing[:3]}"
        return self._keys


_KEY_COLUMNS = (SeriesKeyRow.id, SeriesKeyRow.name, SeriesKeyRow.metric)


def _check_integers(rows: list[tuple[Any, ...]]) -> None:
    """Refuse a count or an error count an INTEGER column cannot hold, which binary COPY would wrap around."""
    for index in _CALLERS_INTEGERS:
        values = [v for v in map(operator.itemgetter(index), rows) if v is not None]
        if values and not 0 <= min(values) <= max(values) <= limits.MAX_INTEGER:
            raise ValueError(f"series.{SERIES_INSERT[index]} beyond an INTEGER column: the run was not checked")


def _postgres_lookup(keys: list[tuple[str, str]]) -> Any:
    """Every key at once, as two arrays joined to the table: one statement of two parameters. An IN list of
    (name, metric) pairs was 5 statements of 800 parameters for a run of 2,000 series, each planned anew: 120 ms
    of a 240 ms ingest."""
    from sqlalchemy.dialects.postgresql import ARRAY

    wanted = (
        func.unnest(literal([n for n, _ in keys], ARRAY(Text)), literal([m for _, m in keys], ARRAY(String)))
        .table_valued("name", "metric")
        .render_derived(with_types=False)
    )
    return select(*_KEY_COLUMNS).join(
        wanted, and_(SeriesKeyRow.name == wanted.c.name, SeriesKeyRow.metric == wanted.c.metric)
    )


def _insert_new_keys(postgres: bool) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a key another writer has just stored is left as it is, then read."""
    if postgres:
        from sqlalchemy.dialects.postgresql import insert as postgres_insert

        return postgres_insert(SeriesKeyRow).on_conflict_do_nothing(index_elements=["name", "metric"])
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(SeriesKeyRow).on_conflict_do_nothing(index_elements=["name", "metric"])
