"""The compare use case chooses its baseline from the request: two files, --base and --head, or stored
history with --against; anything else is a usage error that says what to give."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfgate.app.compare import CompareRequest, compare
from perfgate.app.workspace import Workspace
from perfgate.errors import NoBaseline, UsageError
from perfgate.store import Store

from .conftest import BASE, HEAD

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _request(tmp_path: Path, **given: object) -> CompareRequest:
    return CompareRequest(Workspace(tmp_path, NOW), **given)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "given",
    [{"files": (BASE, HEAD)}, {"base": (BASE,), "head": (HEAD,)}],
    ids=["BASE HEAD", "--base --head"],
)
def test_files_on_both_sides_are_compared(tmp_path: Path, given: dict[str, object]) -> None:
    report = compare(_request(tmp_path, **given))
    assert report.failed and [r.label for r in report.baseline] == [BASE]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"files": (BASE,)}, "give BASE HEAD, or --base and --head, or HEAD --against BRANCH"),
        ({"files": (BASE, HEAD, HEAD)}, "give BASE HEAD"),
        ({"base": (BASE,)}, "with --base and --head, give both and no other file arguments"),
        ({"files": (BASE,), "base": (BASE,), "head": (HEAD,)}, "with --base and --head, give both"),
        ({"files": (HEAD,), "against": "main", "base": (BASE,)}, "give either --against or --base, not both"),
    ],
)
def test_a_request_without_one_clear_baseline_is_a_usage_error(
    tmp_path: Path, given: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        compare(_request(tmp_path, **given))
    assert message in str(raised.value)


def test_against_a_branch_reads_the_history_database(tmp_path: Path) -> None:
    with pytest.raises(NoBaseline, match="no history database at"):
        compare(_request(tmp_path, files=(HEAD,), against="main"))
    assert not (tmp_path / ".perfgate").exists()  # a read-only compare creates no database


def test_against_an_empty_database_is_no_baseline_and_leaves_it_empty(tmp_path: Path, db_url: str) -> None:
    """An empty Postgres database got perfgate's tables from a compare that found no baseline."""
    with pytest.raises(NoBaseline, match=r"no (perfgate )?history"):
        compare(CompareRequest(Workspace(tmp_path, NOW, db_url=db_url), files=(HEAD,), against="main"))
    assert Store(db_url).current_revision() is None


def test_the_report_file_is_written_in_the_format_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "report.json"
    report = compare(_request(tmp_path, files=(BASE, HEAD), output=out, output_format="json"))
    assert json.loads(out.read_text())["verdict"] == report.verdict == "fail"
