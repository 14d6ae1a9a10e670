"""Fixing history by hand, on SQLite and on Postgres: listing runs by suite, branch, commit and time; deleting the
selected runs with their series and nothing else, all or nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from perfgate.errors import StoreError
from perfgate.model import DeletedRuns, GateDecision, Run, RunSelection, SeriesDecision
from perfgate.store import Store
from perfgate.store.schema import Base, RunRow, SeriesRow

from ..builders import sampled

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _run(
    key: str, *, branch: str = "main", commit: str = "a" * 40, suite: str = "default", hours: int = 0, n: int = 3
) -> Run:
    return Run(
        suite=suite,
        branch=branch,
        commit=commit,
        recorded_at=NOW + timedelta(hours=hours),
        source_format="pytest-benchmark",
        idempotency_key=key,
        series=tuple(sampled(f"test_{i}", [1.0 + i, 1.1 + i, 1.2 + i]) for i in range(n)),
        pr_number=7 if branch != "main" else None,
    )


def _decision(pr: int) -> GateDecision:
    return GateDecision(
        "default", "f" * 40, NOW, "fail", 3, (SeriesDecision("test_0", "time", "regression", "slower"),), pr_number=pr
    )


def _filled(url: str) -> Store:
    """Five runs of main (2, 3, 4, 5, 6 series), one of the mistyped branch 'mian', one of suite api; two decisions."""
    store = Store(url)
    store.ensure_schema()
    store.save_runs([_run(f"m{i}", commit=f"{i}abc".ljust(40, "0"), hours=i, n=2 + i) for i in range(5)], NOW)
    store.save_run(_run("typo", branch="mian", commit="b" * 40, hours=10, n=4), NOW)
    store.save_run(_run("api", suite="api", hours=20), NOW)
    store.save_gate_decision(_decision(7))
    store.save_gate_decision(_decision(8))
    return store


def _rows(store: Store) -> dict[str, int]:
    """The number of rows in every table perfgate has."""
    with Session(store.engine) as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def _series_ids(store: Store) -> dict[int, list[int]]:
    with Session(store.engine) as session:
        found: dict[int, list[int]] = {}
        for run_id, series_id in session.execute(select(SeriesRow.run_id, SeriesRow.id).order_by(SeriesRow.id)):
            found.setdefault(run_id, []).append(series_id)
        return found


# --- listing ------------------------------------------------------------------------------------------------------


def test_listing_is_newest_first_with_series_counts_and_a_total(db_url: str) -> None:
    store = _filled(db_url)
    runs, total = store.run_listings(RunSelection())
    assert total == 7
    assert [(r.suite, r.branch, r.series) for r in runs] == [
        ("api", "main", 3),
        ("default", "mian", 4),
        *[("default", "main", n) for n in (6, 5, 4, 3, 2)],
    ]
    typo = runs[1]
    assert (typo.commit, typo.pr_number, typo.idempotency_key, typo.source_format) == (
        "b" * 40,
        7,
        "typo",
        "pytest-benchmark",
    )
    assert typo.recorded_at == NOW + timedelta(hours=10) and typo.recorded_at.tzinfo is not None
    newest, total = store.run_listings(RunSelection(suite="default", branch="main"), limit=2)
    assert [r.commit[0] for r in newest] == ["4", "3"] and total == 5


def test_listing_filters_by_commit_prefix_and_a_half_open_period(db_url: str) -> None:
    store = _filled(db_url)
    (only,), total = store.run_listings(RunSelection(commit="2ab"))
    assert only.commit.startswith("2abc") and total == 1
    assert store.run_listings(RunSelection(commit="2a%")) == ([], 0)  # no LIKE wildcards
    period = RunSelection(branch="main", since=NOW + timedelta(hours=1), until=NOW + timedelta(hours=3))
    assert [r.commit[0] for r in store.run_listings(period)[0]] == ["2", "1"]  # since inclusive, until exclusive


def test_listing_an_absent_sqlite_file_finds_nothing_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    store = Store(f"sqlite:///{path}")
    assert store.run_listings(RunSelection()) == ([], 0)
    deleted = store.delete_runs(RunSelection(ids=(3, 3, 1)))
    assert deleted.absent == (3, 1) and not deleted.done
    assert not path.exists()


# --- deleting -----------------------------------------------------------------------------------------------------


def test_deleting_a_run_removes_it_and_its_series_and_nothing_else(db_url: str) -> None:
    store = _filled(db_url)
    before, series_before = _rows(store), _series_ids(store)
    (typo,), _ = store.run_listings(RunSelection(branch="mian"))
    deleted = store.delete_runs(RunSelection(ids=(typo.id,)))
    assert deleted.done and [r.id for r in deleted.runs] == [typo.id] and deleted.series == 4
    after = _rows(store)
    gone = {"runs": before["runs"] - 1, "series": before["series"] - 4, "run_samples": before["run_samples"] - 1}
    assert after == {**before, **gone}  # its samples went with it
    assert after["gate_decisions"] == 2 and after["gate_decision_series"] == 2
    assert _series_ids(store) == {k: v for k, v in series_before.items() if k != typo.id}  # the others, row for row
    assert store.load_runs([typo.id]) == []
    assert {h.commit[0] for h in store.run_headers("default", "main")} == set("01234")


def test_a_selection_by_filters_deletes_every_run_it_names(db_url: str) -> None:
    store = _filled(db_url)
    before = _rows(store)
    deleted = store.delete_runs(RunSelection(suite="default", branch="main", commit="3abc"))
    assert deleted.done and [r.commit[0] for r in deleted.runs] == ["3"] and deleted.series == 5
    assert _rows(store)["series"] == before["series"] - 5
    older = store.delete_runs(RunSelection(branch="main", until=NOW + timedelta(hours=2)))
    assert [r.commit[0] for r in older.runs] == ["1", "0"]
    assert store.count_runs() == 7 - 3


def test_a_dry_run_says_what_would_go_and_deletes_nothing(db_url: str) -> None:
    store = _filled(db_url)
    before = _rows(store)
    would = store.delete_runs(RunSelection(branch="main", suite="default"), dry_run=True)
    assert not would.done and len(would.runs) == 5 and would.series == 2 + 3 + 4 + 5 + 6
    assert _rows(store) == before


def test_an_unknown_id_or_a_run_the_filters_exclude_deletes_nothing(db_url: str) -> None:
    store = _filled(db_url)
    before = _rows(store)
    ids = [r.id for r in store.run_listings(RunSelection(branch="main"))[0]]
    missing = store.delete_runs(RunSelection(ids=(ids[0], 9999, ids[1], 9998)))
    assert missing.absent == (9999, 9998) and not missing.done
    guarded = store.delete_runs(RunSelection(ids=(ids[0], ids[1]), branch="mian"))
    assert [r.id for r in guarded.unmatched] == sorted(ids[:2], reverse=True) and not guarded.done
    assert _rows(store) == before


def test_an_empty_selection_is_refused_by_the_store_itself(db_url: str) -> None:
    store = _filled(db_url)
    with pytest.raises(ValueError, match="every run"):
        store.delete_runs(RunSelection())
    assert store.count_runs() == 7


def test_a_delete_that_fails_part_way_leaves_every_row(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _filled(db_url)
    before = _rows(store)
    counts = iter([2, 1, 0, 0])  # the series of one chunk deleted, then its runs short by one: as after a race
    monkeypatch.setattr("perfgate.store.database._rowcount", lambda result: next(counts))
    with pytest.raises(StoreError, match=r"changed while they were being deleted.*nothing was deleted"):
        store.delete_runs(RunSelection(branch="mian"))
    assert _rows(store) == before  # the series deleted before the check came back with the rollback


def test_more_runs_than_one_statement_holds_are_deleted_together(db_url: str) -> None:
    store = Store(db_url)
    store.ensure_schema()
    store.save_runs([_run(f"r{i}", branch="broken-runner", hours=i, n=1) for i in range(1203)], NOW)
    store.save_run(_run("keep"), NOW)
    deleted = store.delete_runs(RunSelection(branch="broken-runner"))
    assert len(deleted.runs) == 1203 and deleted.series == 1203
    assert _rows(store)["runs"] == 1 and _rows(store)["series"] == 3


def test_two_deletes_of_the_same_run_at_once_delete_it_once(db_url: str) -> None:
    store = _filled(db_url)
    before = _rows(store)
    (typo,), _ = store.run_listings(RunSelection(branch="mian"))
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def delete() -> None:
        start.wait()
        try:
            outcomes.append(Store(db_url).delete_runs(RunSelection(ids=(typo.id,))))
        except StoreError as exc:  # SQLite: the loser may find the run gone between reading and deleting
            outcomes.append(exc)

    threads = [threading.Thread(target=delete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    done = [o for o in outcomes if getattr(o, "done", False)]
    assert len(outcomes) == 2 and len(done) == 1
    gone = {"runs": before["runs"] - 1, "series": before["series"] - 4, "run_samples": before["run_samples"] - 1}
    assert _rows(store) == {**before, **gone}


def test_on_postgres_a_delete_waits_for_a_concurrent_one_and_then_finds_the_run_gone(postgres_url: str) -> None:
    """The rows are read FOR UPDATE: a delete that overlaps another waits for it, then says the run is gone (an
    unknown id, nothing deleted), instead of counting series that another transaction is deleting."""
    store = _filled(postgres_url)
    (typo,), _ = store.run_listings(RunSelection(branch="mian"))
    outcome: list[object] = []
    with Session(store.engine) as holder, holder.begin():
        holder.execute(select(RunRow.id).where(RunRow.id == typo.id).with_for_update())
        waiting = threading.Thread(target=lambda: outcome.append(store.delete_runs(RunSelection(ids=(typo.id,)))))
        waiting.start()
        waiting.join(1.0)
        assert waiting.is_alive() and not outcome  # blocked on the lock
        holder.execute(delete(SeriesRow).where(SeriesRow.run_id == typo.id))
        holder.execute(delete(RunRow).where(RunRow.id == typo.id))
    waiting.join(30)
    (deleted,) = outcome
    assert isinstance(deleted, DeletedRuns) and deleted.absent == (typo.id,) and not deleted.done
    assert store.count_runs() == 6
