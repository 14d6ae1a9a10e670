"""The store on SQLite and on the Postgres server (the same test bodies): runs saved and loaded exactly, values too
long for a column, broken databases and bad URLs refused with errors that say so (and no secret), pruning."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from perfgate import codec, formats, url_secrets
from perfgate.app.compare import compare_with_history
from perfgate.app.config import gate_settings
from perfgate.app.reading import read_all
from perfgate.config import Config
from perfgate.errors import StoreError
from perfgate.model import Direction, Run, SampleKind, Series, SeriesColumns, Summary, as_samples
from perfgate.store import Store, packed
from perfgate.store.migration import head_revision
from perfgate.store.schema import RunRow, RunSamplesRow, SeriesKeyRow, SeriesRow

from ..conftest import DATA, EXAMPLES, Invoke, record_runs

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


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


def test_run_medians_are_each_series_median_as_stored(db_url: str) -> None:
    """What the suite's noise model reads: one tuple per series of each run, the same figures `statistics` gives,
    with the tool's own interval of the median where it wrote one (asv)."""
    store = Store(db_url)
    store.ensure_schema()
    paths = ("pytest-benchmark/example_base.json", "asv-pandas-unstable/159-6b6393d617.json")
    ids = [
        store.save_run(_run(path, key=f"k{i}", at=NOW + timedelta(hours=i)), NOW).run_id for i, path in enumerate(paths)
    ]
    expected = {
        (
            run_id,
            s.name,
            s.metric,
            s.unit,
            s.direction.value,
            s.summary.median,
            s.summary.median_low,
            s.summary.median_high,
        )
        for run_id, _, s in store.statistics(ids)
    }
    found = store.run_medians(ids)
    assert len(found) == len(expected) == sum(len(_run(p).series) for p in paths) and set(found) == expected
    assert sum(row[6] is not None for row in found) == 131  # every asv series, no pytest-benchmark one
    assert store.run_medians([]) == []


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


def test_samples_are_stored_as_one_compressed_array_per_series_in_one_value_per_run(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    run = _run()
    stored = store.save_run(run, NOW)
    with Session(store.engine) as session:
        rows = session.scalars(select(SeriesRow).order_by(SeriesRow.id)).all()
        keys = session.scalars(select(SeriesKeyRow).order_by(SeriesKeyRow.id)).all()
        value = session.get_one(RunSamplesRow, stored.run_id)
        assert [(k.name, k.metric) for k in keys] == [s.key for s in run.series]  # each name once, not per row
        assert len(rows) == 3 and value.series == 3
        blobs = packed.unpack(value.data, 3, stored.run_id)
        for blob, series in zip(blobs, run.series, strict=True):
            assert blob is not None and series.samples.size > 100
            assert len(blob) < series.samples.size * 8  # compressed below raw float64
            assert codec.decode(blob).tolist() == series.samples.tolist()


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


def test_a_failed_save_writes_nothing(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(db_url)
    store.ensure_schema()
    run = _run()
    doubled = Run(**{**vars(run), "series": run.series + run.series[:1]})  # violates (run, name, metric)
    with pytest.raises(StoreError, match=r"appears twice"):  # refused before writing, on both databases
        store.save_run(doubled, NOW)
    monkeypatch.setattr("perfgate.store.database.check_run", lambda run: None)  # the database's own refusal
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


# --- pruning: the samples go, the summaries stay ------------------------------------------------------------------


def test_prune_keeps_summaries_and_frees_samples(run_cli: Invoke, db_url: str) -> None:
    record_runs(run_cli, db_url, (BASE, "aaa1"), (BASE, "aaa2"), (HEAD, "bbb3"))
    result = run_cli("prune", "--keep-runs", "1", "--db", db_url)
    assert result.exit_code == 0 and "dropped the samples of 6 series in 2 run(s)" in result.output
    runs = Store(db_url).latest_runs("default", "main", 5)
    assert [r.series[0].samples.size > 0 for r in runs] == [True, False, False]
    assert runs[2].series[0].summary.median is not None  # the summary stays
    table = run_cli("history", "test_tokenize", "--db", db_url).output
    assert table.count("samples pruned") == 2
    again = run_cli("prune", "--keep-days", "0", "--vacuum", "--db", db_url)
    assert "dropped the samples of 3 series in 1 run(s)" in again.output
    assert "given back to the file system" in again.output
    assert run_cli("prune", "--db", db_url).exit_code == 2  # one of the two options is needed
    assert [r.series[0].samples.size for r in Store(db_url).latest_runs("default", "main", 5)] == [0, 0, 0]


def test_prune_deletes_the_runs_samples_rows_and_leaves_their_series_rows_as_they_were(
    run_cli: Invoke, db_url: str
) -> None:
    """Revision 0006: one run_samples row a run goes; the rows holding the summaries are not touched, and the
    SQLite connection's secure_delete is back as it was (the pool hands the connection on)."""
    record_runs(run_cli, db_url, (BASE, "aaa1"), (BASE, "aaa2"), (HEAD, "bbb3"))
    store = Store(db_url)
    series = f"SELECT {', '.join(('id', 'run_id', 'key_id', 'count', 'median', 'p95'))} FROM series ORDER BY id"
    with store.engine.connect() as conn:
        before = conn.execute(text(series)).all()
        held = conn.execute(text("SELECT run_id FROM run_samples ORDER BY run_id")).scalars().all()
        secure = conn.exec_driver_sql("PRAGMA secure_delete").scalar() if store.is_sqlite else None
    assert len(held) == 3
    pruned = store.prune(older_than=None, keep_runs=1, suite=None)
    assert (pruned.runs, pruned.series) == (2, 6) and pruned.bytes > 0
    with store.engine.connect() as conn:
        assert conn.execute(text(series)).all() == before
        assert conn.execute(text("SELECT run_id FROM run_samples")).scalars().all() == held[-1:]  # the newest
        if store.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == secure


def test_prune_leaves_the_sqlite_file_as_it_is_and_vacuum_shrinks_it(run_cli: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    url = f"sqlite:///{db}"
    record_runs(run_cli, url, *((BASE, f"c{i}") for i in range(6)))
    full = db.stat().st_size
    kept = run_cli("prune", "--keep-runs", "1", "--db", url)
    assert "free for the next runs (--vacuum gives it back)" in kept.output
    assert db.stat().st_size == full  # not rewritten: the pages are free inside the file
    assert run_cli("prune", "--keep-runs", "0", "--vacuum", "--db", url).exit_code == 0
    assert db.stat().st_size < full * 0.6  # the samples were most of it; every table keeps its first pages


# --- bad values, databases and URLs: errors that say so, on both databases ----------------------------------------


@pytest.mark.parametrize(
    "options, words",
    [
        (["--commit", "a" * 65], "commit"),
        (["--commit", "c", "--branch", "b" * 300], "branch"),
        (["--commit", "c", "--suite", "s" * 300], "suite"),
        (["--commit", "c", "--key", "k" * 300], "idempotency key"),
        (["--commit", "c", "--pr", str(2**40)], "pull request number"),
        (["--commit", "c", "--branch", "ma\x00in"], "NUL"),
    ],
    ids=["commit", "branch", "suite", "key", "pr", "nul"],
)
def test_values_too_long_for_a_column_are_refused_before_writing(
    options: list[str], words: str, run_cli: Invoke, db_url: str
) -> None:
    args = ["ingest", BASE, "--db", db_url, *options]
    if "--branch" not in options:
        args += ["--branch", "main"]
    result = run_cli(*args)
    assert result.exit_code == 3, result.output
    assert words in result.output


def test_broken_databases_are_errors_that_say_so(tmp_path: Path, run_cli: Invoke) -> None:
    good = tmp_path / "good.db"
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", f"sqlite:///{good}").exit_code == 0
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[:5000])
    text = tmp_path / "text.db"
    text.write_text("not a database at all, but long enough to be read as one" * 100)
    two = tmp_path / "two.db"
    two.write_bytes(good.read_bytes())
    with sqlite3.connect(two) as connection:
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    for path in (truncated, text, two):
        result = run_cli("compare", HEAD, "--against", "main", "--db", f"sqlite:///{path}")
        assert result.exit_code == 3, (path.name, result.output)
        assert str(path) in result.output
    assert not list(tmp_path.glob("*.lock"))  # the schema lock leaves nothing behind


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@127.0.0.1:abc/x",
        "postgresql://u:hunter2@127.0.0.1:1/test?connect_timeout=1",
        "postgresql://u@127.0.0.1/test?password=hunter2&bogus=1",
        # Unencoded reserved characters: each parser splits these differently (issue 28).
        "postgresql://u:hunter2@tPWtail@127.0.0.1:5432/test",
        "postgresql://u:hun/ter2tPWtail@127.0.0.1:bad/test",
        "postgresql://u:hun?ter2tPWtail@127.0.0.1/test",
        "postgresql://u:hunter2#tPWtail@127.0.0.1/test",
    ],
)
def test_bad_database_urls_are_errors_without_secrets(url: str, run_cli: Invoke) -> None:
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", url)
    assert result.exit_code == 3, result.output
    assert "hunter2" not in result.output and "tPWtail" not in result.output and "ter2" not in result.output
    if url.count("@") > 1 or any(c in url.split("@")[0].split("//")[1] for c in "/?#"):
        assert "unencoded" in result.output and "percent-encoded" in result.output


@pytest.mark.parametrize("url", ["mysql://root:hunter2@127.0.0.1/test", "oracle://u@host/db"])
def test_a_database_perfgate_does_not_keep_history_in_is_named(url: str, run_cli: Invoke) -> None:
    """Not "install the driver": no driver would help, the migrations run on SQLite and Postgres alone."""
    result = run_cli("ingest", BASE, "--branch", "main", "--commit", "c", "--db", url)
    assert result.exit_code == 3
    assert "perfgate keeps its history in SQLite or Postgres, not " in result.output
    assert "hunter2" not in result.output and "install" not in result.output


def test_a_percent_encoded_password_reaches_postgres_whole(db_url: str) -> None:
    """The way out the refusal names works: the reserved characters encoded, the URL is used."""
    if not db_url.startswith("postgresql"):
        pytest.skip("a password is a server's matter")
    url = make_url(db_url).set(password="p@ss/w?r#d")
    encoded = url.render_as_string(hide_password=False)
    assert "%40" in encoded and "%2F" in encoded
    store = Store(encoded)
    store.ensure_schema()  # the test server trusts loopback: the password is read, and not needed
    assert "p@ss" not in store.display_url and "w?r" not in store.display_url
    store.close()


def test_masking_covers_passwords_and_secret_query_values() -> None:
    masked = url_secrets.mask("postgresql://u:pw@h/db?password=p1&sslpassword=p2&application_name=ok&token=t")
    assert "pw" not in masked.split("@")[0].split(":", 2)[-1] and "p1" not in masked and "p2" not in masked
    assert "application_name=ok" in masked and "token=t" not in masked


def test_a_read_only_compare_does_not_create_a_database(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'none' / 'history.db'}")
    with pytest.raises(Exception, match="no history database"):
        compare_with_history(
            store,
            read_all([HEAD], None, sha256=False),
            suite="default",
            branch="main",
            settings=gate_settings(Config()),
            baseline_runs=Config().baseline_runs,
        )
    assert not (tmp_path / "none").exists()
    with pytest.raises(StoreError):
        Store("postgresql://u@h:notaport/x")


def test_a_names_metrics_and_history_on_a_store_of_many_runs(db_url: str) -> None:
    """metrics_of asks each key whether the suite has it (EXISTS) instead of reading the series in every run:
    the same answers as the join it replaced, for a name of two metrics, one of another suite only, one that
    left the suite's recent runs; and series_history's points are the newest, oldest first."""
    store = Store(db_url)

    def series(name: str, metric: str, value: float) -> Series:
        samples = as_samples([value, value * 1.01])
        return Series(name, metric, "s", Direction.LOWER_IS_BETTER, SampleKind.REPETITION, Summary.of(samples), samples)

    runs = []
    for i in range(60):
        measured = [series("parse", "time", 1 + i), series("parse", "memory", 2.0)]
        measured += [series("old", "time", 3.0)] if i < 5 else []
        at = NOW + timedelta(hours=i)
        runs.append(Run("default", "main", f"{i:040x}", at, "custom", f"d{i}", tuple(measured)))
    runs.append(Run("other", "main", "f" * 40, NOW, "custom", "o1", (series("elsewhere", "time", 1.0),)))
    store.save_runs(runs, NOW)

    def joined(suite: str, name: str) -> list[str]:  # the query metrics_of made before
        query = (
            select(SeriesKeyRow.metric)
            .join(SeriesRow, SeriesRow.key_id == SeriesKeyRow.id)
            .join(RunRow, SeriesRow.run_id == RunRow.id)
            .where(RunRow.suite == suite, SeriesKeyRow.name == name)
            .distinct()
            .order_by(SeriesKeyRow.metric)
        )
        with Session(store.engine) as session:
            return list(session.scalars(query))

    for suite, name, metrics in (
        ("default", "parse", ["memory", "time"]),
        ("default", "old", ["time"]),
        ("default", "elsewhere", []),
        ("other", "elsewhere", ["time"]),
        ("other", "parse", []),
        ("default", "unknown", []),
    ):
        assert list(store.metrics_of(suite, name)) == metrics == joined(suite, name)
    history = store.series_history("default", "main", "parse", "time", 20)
    assert history is not None and [p.summary.min for p in history.points] == [float(41 + i) for i in range(20)]
    old = store.series_history("default", "main", "old", "time", 20)
    assert old is not None and [p.commit for p in old.points] == [f"{i:040x}" for i in range(5)]


def test_a_count_beyond_an_integer_column_is_refused_by_postgres_binary_copy_not_wrapped(postgres_url: str) -> None:
    """Binary COPY packs an INTEGER with no range check (2**31 would arrive as -2**31): the writer checks the
    counts it sends, should a caller skip storable's check, and writes nothing."""
    store = Store(postgres_url)
    store.ensure_schema()
    run = _run()
    over = SeriesColumns.of(run.series, [None] * len(run.series))
    counts, *rest = over.summaries
    over = replace(over, summaries=((2**31, *counts[1:]), *rest))
    with pytest.raises(ValueError, match=r"series\.count beyond an INTEGER column"), store.writing(NOW) as writer:
        writer.save(replace(run, series=()), over)
    with Session(store.engine) as session:
        assert session.scalar(select(func.count()).select_from(SeriesRow)) == 0
        assert session.scalar(select(func.count()).select_from(RunRow)) == 0
    with store.writing(NOW) as writer:  # the same run with its counts as they were is stored
        writer.save(replace(run, series=()), SeriesColumns.of(run.series, [None] * len(run.series)))
    with Session(store.engine) as session:
        assert session.scalars(select(SeriesRow.count)).all() == [s.summary.count for s in run.series]


def test_an_export_of_a_series_row_of_unknown_direction_says_the_database_is_damaged(
    db_url: str, run_cli: Invoke, tmp_path: Path
) -> None:
    store = Store(db_url)
    store.ensure_schema()
    run_id = store.save_run(_run(), NOW).run_id
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE series SET direction = 'sideways' WHERE id = (SELECT min(id) FROM series)"))
    out = tmp_path / "out.jsonl"
    result = run_cli("export", "--since", "2026-01-01", "-o", str(out), "--db", db_url)
    assert result.exit_code == 3, result.output
    assert f"run {run_id} has a series row of unknown direction or kind: the database is damaged" in result.output
    assert not out.exists()  # nothing half-written
