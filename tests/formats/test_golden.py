"""Every real fixture in tests/data, parsed, against a golden description of what perfgate read from it.

`pytest tests/formats/test_golden.py --update-golden` rewrites tests/golden/formats/ after a deliberate change.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.model import ParsedResults, Series

from ..conftest import DATA, GOLDEN, check_golden
from .fixture_files import REFUSED, fixtures, golden_name, result_files

# Every fixture that holds results, found by scanning tests/data (fixture_files.py lists what is not).
FIXTURES = [f for f in result_files() if f not in REFUSED]


def _g(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def describe(results: ParsedResults) -> str:
    env = ", ".join(f"{k}={v}" for k, v in results.environment.as_pairs())
    lines = [f"format: {results.format}", f"environment: {env}", f"commit: {results.commit}"]
    lines.append(f"recorded_at: {results.recorded_at.isoformat() if results.recorded_at else None}")
    lines += [f"failed: {name}: {message}" for name, message in results.failures]
    lines.append("series (name | metric | unit | direction | kind | samples | count median mean min max p95 errors):")
    lines += [_series(s) for s in results.series]
    return "\n".join(lines) + "\n"


def _series(s: Series) -> str:
    m = s.summary
    stats = " ".join(_g(v) for v in (m.count, m.median, m.mean, m.min, m.max, m.p95))
    line = f"{s.name} | {s.metric} | {s.unit} | {s.direction.value} | {s.kind.value} | {s.samples.size} | {stats} {m.errors}"
    if m.median_low is not None or m.median_high is not None:  # the tool's own interval of the median
        line += f" | median in [{_g(m.median_low)}, {_g(m.median_high)}]"
    return line


@pytest.mark.parametrize("fixture", FIXTURES)
def test_parsed_fixture_matches_golden(fixture: str, update_golden: bool) -> None:
    check_golden(golden_name(fixture), describe(formats.read(DATA / fixture)), update_golden)


@pytest.mark.parametrize("fixture", REFUSED)
def test_a_bad_input_fixture_is_refused(fixture: str) -> None:
    with pytest.raises(InputError, match=re.escape(str(DATA / fixture))):
        formats.read(DATA / fixture)


def test_every_format_has_a_fixture() -> None:
    covered = {formats.read(DATA / f).format for f in FIXTURES}
    assert {f.name for f in formats.all_formats()} - covered == {"customBiggerIsBetter"}  # chosen only by --format


def test_fixture_provenance_is_kept() -> None:
    for folder in {Path(f).parts[0] for f in fixtures()}:
        assert (DATA / folder / "PROVENANCE.txt").is_file(), folder


def test_every_golden_file_has_its_fixture() -> None:
    """A golden file left behind by a renamed or deleted fixture would be compared with nothing."""
    expected = {golden_name(f) for f in FIXTURES}
    assert {f"formats/{p.name}" for p in (GOLDEN / "formats").glob("*.txt")} == expected
