"""The store, with the same test bodies on SQLite and on the Postgres server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from perfgate import formats
from perfgate.errors import StoreError
from perfgate.model import Run
from perfgate.store import Store
from perfgate.store.migration import head_revision
from perfgate.store.schema import SeriesRow

from ..conftest import DATA

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _run(
    path: str = "pytest-benchmark/example_base.json",
    *,
    key: str = "k1",
    commit: str = "a" * 40,
    branch: str = "main",
    at: datetime = NOW,
    suite: str = "default",
) -> Run:
    results = formats.read(DATA / path)
    return Run(
        suite=suite,
        branch=branch,
        commit=commit,
        recorded_at=at,
        source_format=results.format,
        idempotency_key=key,
        series=results.series,
        environment=results.environment,
    )


def test_round_trip_keeps_samples_summaries_and_environment(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    original = _run()
    saved = store.save_run(original, NOW)
    assert saved.created
    (loaded,) = store.latest_runs("default", "main", 5)
    assert loaded.id == saved.run_id
    assert loaded.recorded_at == NOW and loaded.recorded_at.tzinfo is not None
    assert loaded.environment == original.environment
    for a, b in zip(original.series, loaded.series, strict=True):
        assert (a.name, a.metric, a.unit, a.direction, a.kind, a.summary) == (
            b.name,
            b.metric,
            b.unit,
            b.direction,
            b.kind,
            b.summary,
        )
        assert a.samples.tolist() == b.samples.tolist()  # bit-exact float64


def test_samples_are_stored_as_one_compressed_array_per_series(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    store.save_run(_run(), NOW)
    with Session(store.engine) as session:
        rows = session.scalars(select(SeriesRow)).all()
        assert len(rows) == 3
        for row in rows:
            assert row.samples is not None and row.sample_count > 100
            assert len(row.samples) < row.sample_count * 8  # compressed below raw float64


def test_same_key_stores_one_run(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    first = store.save_run(_run(), NOW)
    second = store.save_run(_run(commit="b" * 40), NOW)
    assert not second.created and second.run_id == first.run_id and second.existing_commit == "a" * 40
    assert store.count_runs() == 1


def test_latest_runs_are_newest_first_per_suite_and_branch(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    for i in range(4):
        store.save_run(_run(key=f"m{i}", commit=f"{i}" * 40, at=NOW + timedelta(hours=i)), NOW)
    store.save_run(_run(key="pr", branch="feature", at=NOW + timedelta(days=1)), NOW)
    store.save_run(_run(key="other", suite="api", at=NOW + timedelta(days=1)), NOW)
    latest = store.latest_runs("default", "main", 2)
    assert [r.commit for r in latest] == ["3" * 40, "2" * 40]
    assert store.suites() == ["api", "default"]


def test_a_failed_save_writes_nothing(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    run = _run()
    doubled = Run(**{**vars(run), "series": run.series + run.series[:1]})  # violates (run, name, metric)
    with pytest.raises(Exception, match=r"(?i)unique"):
        store.save_run(doubled, NOW)
    assert store.count_runs() == 0
    with Session(store.engine) as session:
        assert session.scalar(select(func.count()).select_from(SeriesRow)) == 0


def test_empty_database_is_created_and_older_sqlite_upgraded(db_url: str) -> None:
    store = Store(db_url)
    assert store.current_revision() is None
    store.ensure_schema()
    assert store.current_revision() == head_revision()


def test_a_database_from_a_newer_perfgate_is_refused(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"revision 9999, which this perfgate does not know.*upgrade perfgate"):
        store.ensure_schema()


def test_unreachable_database_is_a_store_error() -> None:
    store = Store("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match=r"cannot use the database postgresql\+psycopg://nobody@127\.0\.0\.1:1/none"):
        store.ensure_schema()


def test_password_is_hidden_in_messages() -> None:
    store = Store("postgresql://user:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in store.display_url


def test_run_headers_filter_by_commits_prefix_and_time(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    for i in range(6):
        store.save_run(_run(key=f"h{i}", commit=f"{i}abc".ljust(40, "0"), at=NOW + timedelta(hours=i)), NOW)
    assert [h.commit[0] for h in store.run_headers("default", "main", limit=2)] == ["5", "4"]
    some = store.run_headers("default", "main", commits=["1abc".ljust(40, "0"), "3abc".ljust(40, "0"), "nope"])
    assert [h.commit[0] for h in some] == ["3", "1"]
    (at,) = store.run_headers("default", "main", commit_prefix="2abc", limit=1)
    before = store.run_headers("default", "main", before=at.recorded_at, limit=5)
    assert [h.commit[0] for h in before] == ["2", "1", "0"]
    assert store.run_headers("default", "main", commit_prefix="2a%", limit=1) == []  # no LIKE wildcards
