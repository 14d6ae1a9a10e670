"""Several CI jobs ingesting at once into one SQLite file or one Postgres database lose and duplicate nothing."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

from perfgate import app
from perfgate.store import Store

from ..conftest import EXAMPLES

WORKERS = 4
OWN_FILES = 4
SHARED_FILES = 2


def _ingest(db_url: str, paths: list[str]) -> int:
    store = Store(db_url)
    info = app.RunInfo(suite="default", branch="main", commit="c0ffee")
    done = app.ingest(store, paths, info, format_name=None, now=datetime.now(UTC))
    store.close()
    return sum(d.created for d in done)


def _files(tmp_path: Path) -> tuple[list[list[str]], list[str]]:
    raw = json.loads((EXAMPLES / "pytest-benchmark" / "base.json").read_text())

    def write(name: str, stamp: int) -> str:
        raw["datetime"] = datetime.fromtimestamp(1_700_000_000 + stamp, UTC).isoformat()
        path = tmp_path / name
        path.write_text(json.dumps(raw))
        return str(path)

    shared = [write(f"shared-{i}.json", 10_000 + i) for i in range(SHARED_FILES)]
    own = [[write(f"w{w}-{i}.json", w * 100 + i) for i in range(OWN_FILES)] for w in range(WORKERS)]
    return own, shared


def test_parallel_ingests_store_each_run_once(db_url: str, tmp_path: Path) -> None:
    own, shared = _files(tmp_path)
    jobs = [(db_url, shared + mine + shared) for mine in own]  # every job also stores the shared files
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        created = pool.starmap(_ingest, jobs, chunksize=1)
    expected = WORKERS * OWN_FILES + SHARED_FILES
    assert sum(created) == expected  # each run created by exactly one job
    assert Store(db_url).count_runs() == expected
