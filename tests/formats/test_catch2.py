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
