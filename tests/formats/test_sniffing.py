"""Sniffing and the errors for files perfgate cannot read."""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.formats.document import Document

from ..conftest import DATA
from .fixture_files import (
    FOLDER_FORMATS,
    NOT_RESULTS,
    OTHER_FORMATS,
    REFUSED,
    expected_format,
    fixtures,
    non_result_files,
    result_files,
)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (DATA / "pytest-benchmark" / "example_base.json", "pytest-benchmark"),
        (DATA / "pytest-benchmark" / "0001_nodata_benchmark-save.json", "pytest-benchmark"),
        (DATA / "github-action-benchmark" / "customSmallerIsBetter_output.json", "customSmallerIsBetter"),
        (DATA / "perfgate-json" / "api.json", "perfgate-json"),
    ],
)
def test_detects_the_format_from_content(path: Path, name: str, tmp_path: Path) -> None:
    renamed = tmp_path / "results.txt"  # the extension plays no part
    renamed.write_bytes(path.read_bytes())
    assert formats.read(renamed).format == name


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ('{"benchmarks": [', "not valid JSON: Expecting value"),
        ("hello world", "unrecognised results: text starting 'hello world'"),
        ('{"foo": 1, "bar": 2}', "unrecognised results: a JSON object with keys [foo, bar]"),
        ('{"machine_info": {}, "benchmarks": []}', "benchmarks: the list is empty"),
    ],
)
def test_unreadable_files_get_one_clear_message(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        formats.read(path)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_json_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "benchmarks": [\n    {"name": "x",}\n  ]\n}\n')
    with pytest.raises(InputError, match=r"broken\.json:3:18: not valid JSON"):
        formats.read(path)


def test_missing_file_and_unknown_format_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        formats.read(tmp_path / "nope.json")
    with pytest.raises(
        InputError,
        match=r"unknown format 'nonesuch'\. Known formats: k6-ndjson, jmeter, locust, gatling, perfgate-json",
    ):
        formats.read(DATA / "perfgate-json" / "api.json", "nonesuch")


@pytest.mark.parametrize(
    ("fixture", "says"),
    [
        ("near-misses/asv_console_six.txt", "asv's console output: give perfgate asv's results JSON"),
        ("near-misses/vegeta_readme_report_text.txt", "vegeta's text report: give perfgate vegeta report -type=json"),
        ("asv/results/benchmarks.json", "asv's benchmarks.json, which describes the benchmarks but holds no results"),
    ],
)
def test_a_known_tools_other_file_is_refused_with_its_name(fixture: str, says: str) -> None:
    with pytest.raises(InputError) as info:
        formats.read(DATA / fixture)
    assert f"this looks like {says}" in str(info.value)
    assert "known formats:" not in str(info.value)  # the advice, not a list of every format


def test_a_sniffed_custom_file_with_rates_and_other_units_says_how_it_was_read() -> None:
    """github-action-benchmark's own customBiggerIsBetter example has req/s and Megabytes of free memory: the
    file does not say which way is better, so the report says how the memory was read and how to change it."""
    path = DATA / "github-action-benchmark" / "customBiggerIsBetter_output.json"
    sniffed = formats.read(path)
    assert sniffed.format == "customSmallerIsBetter"
    assert len(sniffed.notes) == 1 and "give --format customBiggerIsBetter" in sniffed.notes[0]
    assert "Free Memory" in sniffed.notes[0]
    named = formats.read(path, "customBiggerIsBetter")
    assert not named.notes and {s.direction.value for s in named.series} == {"higher"}
    plain = formats.read(DATA / "github-action-benchmark" / "customSmallerIsBetter_output.json")
    assert not plain.notes  # no rates: nothing to doubt


# --- every fixture (like Bencher's test_magic): each file in tests/data is sniffed as its folder says -----------


@pytest.mark.parametrize("fixture", result_files())
def test_every_fixture_is_sniffed_as_its_folders_format(fixture: str) -> None:
    assert formats.detect(Document.open(DATA / fixture)).format.name == expected_format(fixture)


@pytest.mark.parametrize("fixture", non_result_files())
def test_a_fixture_that_is_not_results_is_not_sniffed(fixture: str) -> None:
    with pytest.raises(InputError, match="unrecognised results"):
        formats.detect(Document.open(DATA / fixture))


def test_every_data_folder_says_what_it_holds() -> None:
    """A new folder of results needs its format in FOLDER_FORMATS; a folder of other files, an entry in NOT_RESULTS."""
    holding_results = {f.split("/")[0] for f in result_files()}
    assert holding_results - set(FOLDER_FORMATS) == set(), "name each new folder's format in fixture_files.py"
    assert set(FOLDER_FORMATS) - holding_results == set()


def test_every_listed_exception_names_a_fixture() -> None:
    """An entry left behind by a renamed or deleted fixture would excuse nothing, or a file added later."""
    known = set(fixtures())
    assert {f for f in [*OTHER_FORMATS, *REFUSED] if f not in known} == set()
    assert {p for p in NOT_RESULTS if not any(fnmatch(f, p) for f in known)} == set()
