"""Migrations tested like code, on SQLite and Postgres: one head, up from empty, models match, down and up."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, inspect, text

from perfgate.errors import StoreError
from perfgate.store import Store, version
from perfgate.store.migration import alembic_config, downgrade, head_revision, upgrade
from perfgate.store.schema import Base

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_there_is_exactly_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_the_head_known_without_alembic_is_the_newest_script() -> None:
    """perfgate.store.version.HEAD tells a current schema without importing Alembic: a new migration bumps it."""
    assert head_revision() == version.HEAD


def test_upgrade_from_empty_creates_the_tables(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    assert {"runs", "series", "alembic_version"} <= set(inspect(store.engine).get_table_names())
    assert store.current_revision() == head_revision()


def test_models_match_migrations(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    downgrade(store.engine, "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    upgrade(store.engine)
    assert {"runs", "series"} <= set(inspect(store.engine).get_table_names())


def test_decisions_kept_as_strings_become_rows_of_their_series(db_url: str) -> None:
    """0003: the "name: reason" lists of 0002 become one row per series; the metric, never written, is unknown."""
    store = Store(db_url)
    upgrade(store.engine, "0002")
    old = {
        "suite": "default",
        "pr_number": 41,
        "head_commit": "a" * 40,
        "base_commit": None,
        "recorded_at": datetime(2026, 11, 30, 12, 0),
        "verdict": "fail",
        "series_count": 3,
        "failing": json.dumps(["test_parse: +9.0% [+8.1, +9.9] is beyond the 5% allowed (p < 0.0001)"]),
        "waived": json.dumps(["GET /api: orders: regression waived until 2026-12-31 (tracked)"]),
        "run_url": None,
    }
    with store.engine.begin() as conn:
        conn.execute(text(_insert(old)), old)
    upgrade(store.engine)
    (kept,) = store.gate_decisions(
        "default", since=datetime(2026, 11, 1, tzinfo=UTC), until=datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert [(d.name, d.metric, d.verdict) for d in kept.decided] == [
        ("test_parse", None, "regression"),
        ("GET /api", None, "waived"),
    ]
    assert kept.decided[1].reason == "orders: regression waived until 2026-12-31 (tracked)"  # split at the first ": "
    assert kept.failing == (
        "test_parse: +9.0% [+8.1, +9.9] is beyond the 5% allowed (p < 0.0001)",
    )  # the digest lists them as before
    assert all(d.about(d.name, "error_rate") for d in kept.decided)  # an unknown metric: every metric of the name
    downgrade(store.engine, "0002")
    with store.engine.connect() as conn:
        failing, waived = conn.execute(text("SELECT failing, waived FROM gate_decisions")).one()
    assert (failing, waived) == (old["failing"], old["waived"])
    store.close()


def test_series_rows_of_0004_keep_their_names_and_samples_through_0005_and_back(db_url: str) -> None:
    """0005: names move to series_keys (each once), sample counts go, samples stay readable; down again, 0004's
    rows come back, their samples in the zlib float64 0004 reads."""
    store = Store(db_url)
    upgrade(store.engine, "0004")
    samples = [np.array([0.0012, 0.0013, 0.00125]), np.array([1.5e-3, 1.25e-3, 1.75e-3, 2e-3]), np.array([])]
    names = [("test_parse[big]", "time"), ("test_parse[big]", "memory"), ("GET /api", "time")]
    at = datetime(2026, 11, 30, 12, 0)
    with store.engine.begin() as conn:
        for run_id in (1, 2):
            run_row = {  # no id given: a fresh database numbers them 1 and 2 (and Postgres's sequence counts them)
                "suite": "default",
                "branch": "main",
                "commit": f"{run_id}" * 40,
                "pr_number": None,
                "merge_base": None,
                "recorded_at": at,
                "ingested_at": at,
                "source_format": "pytest-benchmark",
                "environment": "{}",
                "idempotency_key": f"k{run_id}",
            }
            conn.execute(text(_insert(run_row, "runs")), run_row)
            for (name, metric), values in zip(names, samples, strict=True):
                series_row = {
                    "run_id": run_id,
                    "name": name,
                    "metric": metric,
                    "unit": "s",
                    "direction": "lower",
                    "kind": "repetition" if values.size else "summary-only",
                    "count": max(values.size, 1),
                    "median": float(np.median(values)) if values.size else 0.5,
                    "sample_count": values.size,
                    "samples": b"\x01" + zlib.compress(values.tobytes()) if values.size else None,
                }
                conn.execute(text(_insert(series_row, "series")), series_row)
    upgrade(store.engine)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM series_keys")).scalar() == 3
        assert "name" not in {c["name"] for c in inspect(conn).get_columns("series")}
    runs = store.load_runs([1, 2])
    for run in runs:
        assert [s.key for s in run.series] == names  # in the order they were stored
        for series, values in zip(run.series, samples, strict=True):
            assert series.samples.tobytes() == values.tobytes()
    history = store.series_history("default", "main", "test_parse[big]", "memory", 10)
    assert history is not None and [p.samples_kept for p in history.points] == [True, True]
    store.save_run(replace(runs[0], id=None, idempotency_key="new", commit="3" * 40), NOW)  # a new row's encoding
    downgrade(store.engine, "0004")
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT run_id, name, metric, sample_count, samples FROM series ORDER BY id")).all()
    assert [(r.name, r.metric) for r in rows] == names * 3
    for row, values in zip(rows, samples * 3, strict=True):
        assert row.sample_count == values.size
        if values.size:
            assert row.samples[:1] == b"\x01"
            assert zlib.decompress(row.samples[1:]) == values.tobytes()


def test_samples_of_0005_series_rows_move_into_one_value_per_run_and_back(db_url: str) -> None:
    """0006: each run's samples leave its series rows for one run_samples row, packed in the rows' order; a run
    pruned before (no samples) gets none; down again, every series row has its own bytes back."""
    from perfgate import codec

    store = Store(db_url)
    upgrade(store.engine, "0005")
    samples = [np.array([0.0012, 0.0013, 0.00125]), np.array([]), np.array([1.5e-3, 1.25e-3, 1.75e-3, 2e-3])]
    names = [("test_parse[big]", "time"), ("GET /api", "time"), ("test_parse[big]", "memory")]
    at = datetime(2026, 11, 30, 12, 0)
    with store.engine.begin() as conn:
        for key_id, (name, metric) in enumerate(names, 1):
            conn.execute(
                text(_insert({"id": key_id, "name": name, "metric": metric}, "series_keys")),
                {"id": key_id, "name": name, "metric": metric},
            )
        for run_id in (1, 2, 3):  # run 1 was pruned: its rows hold no samples
            run_row = {
                "suite": "default",
                "branch": "main",
                "commit": f"{run_id}" * 40,
                "pr_number": None,
                "merge_base": None,
                "recorded_at": at.replace(hour=run_id),
                "ingested_at": at,
                "source_format": "pytest-benchmark",
                "environment": "{}",
                "idempotency_key": f"k{run_id}",
            }
            conn.execute(text(_insert(run_row, "runs")), run_row)
            for key_id in (3, 1, 2):  # stored in another order than the keys': the rows' order is what counts
                values = samples[key_id - 1]
                series_row = {
                    "run_id": run_id,
                    "key_id": key_id,
                    "unit": "s",
                    "direction": "lower",
                    "kind": "repetition" if values.size else "summary-only",
                    "count": max(values.size, 1),
                    "median": float(np.median(values)) if values.size else 0.5,
                    "samples": codec.encode(values) if run_id > 1 else None,
                }
                conn.execute(text(_insert(series_row, "series")), series_row)
    upgrade(store.engine)
    with store.engine.connect() as conn:
        assert "samples" not in {c["name"] for c in inspect(conn).get_columns("series")}
        held = conn.execute(text("SELECT run_id, series FROM run_samples ORDER BY run_id")).all()
    assert [tuple(r) for r in held] == [(2, 2), (3, 2)]  # the pruned run has none; the summary-only series none
    in_order = [names[k - 1] for k in (3, 1, 2)]
    pruned, *kept = store.load_runs([1, 2, 3])
    assert [s.key for s in pruned.series] == in_order and all(s.samples.size == 0 for s in pruned.series)
    for run in kept:
        assert [s.key for s in run.series] == in_order
        for series, key_id in zip(run.series, (3, 1, 2), strict=True):
            assert series.samples.tobytes() == samples[key_id - 1].tobytes()
    history = store.series_history("default", "main", "test_parse[big]", "memory", 10)
    assert history is not None and [p.samples_kept for p in history.points] == [False, True, True]
    downgrade(store.engine, "0005")
    with store.engine.connect() as conn:
        assert "run_samples" not in inspect(conn).get_table_names()
        rows = conn.execute(text("SELECT run_id, key_id, samples FROM series ORDER BY id")).all()
    for row in rows:
        values = samples[row.key_id - 1]
        if row.run_id == 1 or not values.size:
            assert row.samples is None
        else:
            assert codec.decode(row.samples).tobytes() == values.tobytes()


def _insert(row: Mapping[str, object], table: str = "gate_decisions") -> str:
    columns = ", ".join(f'"{k}"' for k in row)  # quoted: "commit" is a keyword
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + k for k in row)})"


def _fail_at(statement: str) -> Callable[..., None]:
    def fail(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if sql.lstrip().upper().startswith(statement):
            raise RuntimeError(f"injected failure at {statement}")

    return fail


def test_a_schema_creation_that_fails_part_way_leaves_nothing(db_url: str) -> None:
    """SQLite's DDL commits at once in Python's default mode; the whole creation is one transaction instead."""
    store = Store(db_url)
    fail = _fail_at("CREATE TABLE GATE_DECISION_SERIES")  # revision 0003, after 0001 and 0002 made theirs
    event.listen(Engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(RuntimeError, match="injected"):
            store.ensure_schema()
    finally:
        event.remove(Engine, "before_cursor_execute", fail)
    assert inspect(store.engine).get_table_names() == []
    assert store.current_revision() is None
    store.ensure_schema()  # the next run finds an empty database and creates it whole
    assert store.current_revision() == head_revision()


def test_tables_an_interrupted_creation_left_behind_are_replaced_when_empty(db_url: str) -> None:
    store = Store(db_url)
    Base.metadata.tables["runs"].create(store.engine)  # what an older perfgate could leave: no version, no series
    store.ensure_schema()
    assert store.current_revision() == head_revision()
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_tables_with_rows_but_no_schema_version_are_refused(db_url: str) -> None:
    store = Store(db_url)
    Base.metadata.tables["runs"].create(store.engine)
    with store.engine.begin() as conn:
        conn.execute(
            Base.metadata.tables["runs"].insert(),
            {
                "suite": "s",
                "branch": "main",
                "commit": "c",
                "recorded_at": datetime(2026, 1, 1, tzinfo=UTC),
                "ingested_at": datetime(2026, 1, 1, tzinfo=UTC),
                "source_format": "f",
                "environment": "{}",
                "idempotency_key": "k",
            },
        )
    with pytest.raises(StoreError, match=r"perfgate's tables \(runs, with rows\) but no schema version"):
        store.ensure_schema()
    assert store.current_revision() is None and "series" not in inspect(store.engine).get_table_names()
