"""Catch2: console output and XML reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError

from ..conftest import DATA


def test_catch2_xml_names_benchmarks_as_the_console_does(tmp_path: Path) -> None:
    xml = formats.read(DATA / "catch2" / "catch2_xml_v3.7.1.xml")
    assert xml.format == "catch2" and xml.environment.tool_version == "3.7.1"
    by_name = {s.name: s for s in xml.series}
    assert list(by_name) == ["fib 20", "fib 25", "vector push_back 1000", "string append 100"]
    fib = by_name["fib 20"]
    assert (fib.metric, fib.unit, fib.summary.count) == ("time", "s", 30)
    assert fib.summary.mean == pytest.approx(22348.7e-9) and fib.summary.stddev == pytest.approx(2712.18e-9)
    text = (DATA / "catch2" / "catch2_xml_v3.7.1.xml").read_text()
    broken = tmp_path / "bench.xml"
    broken.write_text(text.replace('<mean value="22348.7"', '<mean value="fast"', 1))
    with pytest.raises(
        InputError, match=r"bench\.xml:BenchmarkResults\[name='fib 20'\]\.mean\.value: expected a number"
    ):
        formats.read(broken)
    without = tmp_path / "tests.xml"
    without.write_text(text.split("<TestCase")[0] + "</Catch2TestRun>\n")
    with pytest.raises(InputError, match="a Catch2 XML report without BenchmarkResults"):
        formats.read(without)


def test_a_name_in_two_test_cases_is_qualified_by_its_test_case() -> None:
    """Bencher's issue_351.txt: "Fibonacci 20" is benchmarked in two test cases. Both are read, each named by its
    test case and section as Bencher names them; the names used once stay as they were. A name Catch2 wrapped
    onto the mean row is joined whole."""
    results = formats.read(DATA / "catch2" / "catch2_issue_351.txt")
    assert results.environment.tool_version == "2.11.0"
    by_name = {s.name: s for s in results.series}
    assert list(by_name) == [
        "Fibonacci 10",
        "Unit_assignment Construction: Fibonacci 20",
        "Fibonacci~ 5!",
        "Fibonacci-15_bench",
        "Fibonacci 10 with a long name",
        "Even More Fibonacci With a long name: Fibonacci 20",
    ]
    # Bencher's adapter test reads the same values: 41.731 us ± 3.256 us, 344 ns ± 19 ns.
    fib20 = by_name["Unit_assignment Construction: Fibonacci 20"]
    assert fib20.summary.count == 100 and fib20.summary.mean == pytest.approx(41.731e-6)
    assert fib20.summary.stddev == pytest.approx(3.256e-6)
    long_name = by_name["Fibonacci 10 with a long name"]
    assert long_name.summary.mean == pytest.approx(344e-9) and long_name.summary.stddev == pytest.approx(19e-9)


def test_a_name_twice_in_one_test_case_is_still_refused(tmp_path: Path) -> None:
    """Qualifying by test case cannot tell apart two benchmarks of one name in the same test case."""
    text = (DATA / "catch2" / "catch2_output_v2.txt").read_text()
    same = tmp_path / "bench.txt"
    same.write_text(text.replace("Fibonacci 10 ", "Fibonacci 20 ", 1))
    with pytest.raises(
        InputError, match=r"bench\.txt: series 'Fibonacci: Fibonacci 20' \(metric 'time'\) appears twice"
    ):
        formats.read(same)


def test_catch2_xml_qualifies_a_repeated_name_by_its_test_case(tmp_path: Path) -> None:
    text = (DATA / "catch2" / "catch2_xml_v3.7.1.xml").read_text()
    repeated = tmp_path / "bench.xml"
    repeated.write_text(text.replace('name="string append 100"', 'name="fib 20"'))
    names = [s.name for s in formats.read(repeated).series]
    assert names == ["Fibonacci: fib 20", "fib 25", "vector push_back 1000", "Containers: fib 20"]
