"""`perfgate ingest`, `db` and `formats`: what ends up in the database, and bad input that stores nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfgate.store import Store

from ..conftest import DATA, EXAMPLES, Invoke

BASE = str(EXAMPLES / "pytest-benchmark" / "base.json")
HEAD = str(EXAMPLES / "pytest-benchmark" / "head.json")


def test_ingest_then_compare_against_main(run_cli: Invoke, db_url: str) -> None:
    first = run_cli("ingest", BASE, "--branch", "main", "--commit", "c0ffee" * 6, "--db", db_url)
    assert first.exit_code == 0 and "stored run 1 (3 series" in first.output
    again = run_cli("ingest", BASE, "--branch", "main", "--commit", "c0ffee" * 6, "--db", db_url)
    assert again.exit_code == 0 and "already stored as run 1" in again.output
    assert Store(db_url).count_runs() == 1
    result = run_cli("compare", HEAD, "--against", "main", "--db", db_url)
    assert result.exit_code == 1
    assert "baseline:  main@c0ffeec0ffee (run 1," in result.output
    assert "FAIL: 1 regression (test_tokenize)" in result.output


def test_database_url_from_the_environment(run_cli: Invoke, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFGATE_DATABASE_URL", db_url)
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "abc", "--pr", "7").exit_code == 0
    (run,) = Store(db_url).latest_runs("default", "main", 5)
    assert run.pr_number == 7


def test_default_database_is_created_in_the_working_directory(run_cli: Invoke, tmp_path: Path) -> None:
    assert run_cli("db", "current").output.endswith("revision (none) (empty: run 'perfgate db upgrade')\n")
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "abc", "--suite", "api").exit_code == 0
    assert (tmp_path / ".perfgate" / "history.db").is_file()
    assert "(current)" in run_cli("db", "current").output
    assert "already at revision" in run_cli("db", "upgrade").output


def test_db_upgrade_creates_the_schema(run_cli: Invoke, db_url: str) -> None:
    result = run_cli("db", "upgrade", "--db", db_url)
    assert result.exit_code == 0 and "upgraded from an empty database to revision" in result.output


def _nan_file(tmp_path: Path) -> Path:
    raw = json.loads(Path(BASE).read_text())
    raw["benchmarks"][0]["stats"]["data"][3] = float("nan")
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(raw))
    return path


def _negative_file(tmp_path: Path) -> Path:
    raw = json.loads(Path(BASE).read_text())
    raw["benchmarks"][2]["stats"]["data"][0] = -0.5
    path = tmp_path / "negative.json"
    path.write_text(json.dumps(raw))
    return path


def _write(name: str, content: str) -> object:
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_text(content)
        return path

    return make


BAD_INPUTS = {
    "missing": (lambda tmp_path: tmp_path / "absent.json", "absent.json: no such file"),
    "not json": (_write("notjson.json", "<html>oops</html>"), "notjson.json: unrecognised results: text"),
    "broken json": (_write("broken.json", '{"benchmarks": [1,'), "broken.json:1:19: not valid JSON"),
    "unknown shape": (
        _write("shape.json", '{"results": []}'),
        "shape.json: unrecognised results: a JSON object",
    ),
    "nan": (_nan_file, "nan.json:benchmarks[0].stats.data[3]: expected a finite number, got nan"),
    "negative": (_negative_file, "negative.json:benchmarks[2].stats.data[0]: expected a non-negative"),
    "empty list": (
        _write("empty.json", '{"machine_info": {}, "benchmarks": []}'),
        "empty.json:benchmarks: the list is empty",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_3_and_nothing_stored(run_cli: Invoke, tmp_path: Path, case: str) -> None:
    make, message = BAD_INPUTS[case]
    path = make(tmp_path)  # type: ignore[operator]
    result = run_cli("ingest", BASE, str(path), "--branch", "main", "--commit", "abc")
    assert result.exit_code == 3
    assert message in result.output
    assert result.output.count("\n") == 1 and result.output.startswith("perfgate: error: ")
    assert not (tmp_path / ".perfgate").exists()  # the good file before it was not stored either
    compared = run_cli("compare", BASE, str(path))
    assert compared.exit_code == 3 and message in compared.output


def test_ingest_without_a_commit_asks_for_one(run_cli: Invoke) -> None:
    result = run_cli("ingest", str(DATA / "perfgate-json" / "api.json"), "--branch", "main")
    assert result.exit_code == 0  # this file names its commit
    result = run_cli("ingest", BASE, "--branch", "main")
    assert result.exit_code == 2 and "give --commit SHA" in result.output


def test_only_what_is_stored_is_digested(run_cli: Invoke, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sha256 of a file keys its stored run; a file compare stores nothing, so it does not read the files
    a second time for it."""
    from perfgate import formats
    from perfgate.app.ingest import RunInfo, store_results

    digested: list[str] = []

    class Counted(formats._FileHash):
        def __init__(self, path: str) -> None:
            digested.append(path)
            super().__init__(path)

    monkeypatch.setattr(formats, "_FileHash", Counted)
    assert run_cli("compare", BASE, HEAD).exit_code == 1
    assert digested == []
    assert run_cli("ingest", BASE, "--branch", "main", "--commit", "c0ffee" * 6, "--db", db_url).exit_code == 0
    assert digested == [BASE]
    undigested = formats.read(BASE, sha256=False)
    with pytest.raises(RuntimeError, match="no sha256"):
        store_results(Store(db_url), [(undigested, RunInfo("default", "main", "c" * 40))], now=datetime.now(UTC))


def test_formats_lists_every_format(run_cli: Invoke) -> None:
    output = run_cli("formats").output
    for name in ("pytest-benchmark", "perfgate-json", "customSmallerIsBetter", "customBiggerIsBetter"):
        assert name in output


def test_db_current_on_a_database_from_a_newer_perfgate_says_upgrade_perfgate(run_cli: Invoke, db_url: str) -> None:
    from sqlalchemy import text

    from perfgate.store.migration import head_revision

    store = Store(db_url)
    store.ensure_schema()
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    shown = run_cli("db", "current", "--db", db_url)
    assert shown.exit_code == 0, shown.output
    assert shown.output.endswith(
        f"revision 9999 (newer than this perfgate, which knows up to {head_revision()}: upgrade perfgate)\n"
    )
    assert "db upgrade" not in shown.output


def test_a_unit_too_long_for_its_column_is_refused_on_both_databases(
    run_cli: Invoke, db_url: str, tmp_path: Path
) -> None:
    # The check `perfgate import` makes too (perfgate/storable.py): SQLite would store it, Postgres would refuse it.
    source = DATA / "github-action-benchmark" / "customSmallerIsBetter_output.json"
    document = json.loads(source.read_text())
    document[0]["unit"] = "u" * 60
    path = tmp_path / "custom.json"
    path.write_text(json.dumps(document))
    result = run_cli("ingest", str(path), "--branch", "main", "--commit", "c1", "--db", db_url)
    assert result.exit_code == 3, result.output
    assert "custom.json: the unit of series" in result.output and "60 characters long; at most 50" in result.output
    assert Store(db_url).current_revision() is None
