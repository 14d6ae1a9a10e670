"""The pattern that runs only some benchmarks, in each tool's own filter syntax (`perfgate run --confirm`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from perfgate.formats import filters


def test_a_regular_expression_for_tools_that_take_one_anchored_and_escaped() -> None:
    assert filters.pattern("google-benchmark", ["BM_Parse/64", "BM_Encode"]) == "^(BM_Parse/64|BM_Encode)$"
    escaped = filters.pattern("criterion", ["parse (x+1)", "a.b"])
    assert escaped == r"^(parse \(x\+1\)|a\.b)$"
    assert re.fullmatch(escaped, "parse (x+1)") and not re.fullmatch(escaped, "aXb")
    assert filters.pattern("perfgate-json", ["x", "x"]) == "^(x)$"  # each name once


def test_go_splits_on_slashes_with_as_many_levels_as_the_shallowest_name() -> None:
    assert filters.pattern("go-bench", ["BenchmarkA", "BenchmarkB"]) == "^(BenchmarkA|BenchmarkB)$"
    subs = filters.pattern("go-bench", ["BenchmarkA/small", "BenchmarkA/large", "BenchmarkB/small"])
    assert subs == "^(BenchmarkA|BenchmarkB)$/^(small|large)$"
    # BenchmarkA has no sub-benchmarks: a second level would run only BenchmarkA's (none) and skip it
    assert filters.pattern("go-bench", ["BenchmarkA", "BenchmarkB/small"]) == "^(BenchmarkA|BenchmarkB)$"
    both = filters.pattern("go-bench", ["example.com/a.BenchmarkA/small", "example.com/b.BenchmarkA/small"])
    assert both == "^(BenchmarkA)$/^(small)$"  # the same name in two packages: -bench matches the function's


def test_pytest_gets_a_k_expression_or_nothing_when_a_name_cannot_be_one() -> None:
    assert filters.pattern("pytest-benchmark", ["test_a", "test_b[64]"]) == "test_a or test_b[64]"
    assert filters.pattern("pytest-benchmark", ["tests/x.py::test_a", "tests/y.py::test_a"]) == "test_a"
    assert filters.pattern("pytest-benchmark", ["test_a[hello world]"]) is None  # a space ends a -k identifier


def test_tools_that_cannot_be_told_get_no_pattern() -> None:
    assert filters.pattern("hyperfine", ["sleep 0.1"]) is None
    assert filters.pattern("libtest", ["parse_small"]) == "parse_small"  # a substring, and a regex of itself
    assert filters.pattern("libtest", ["a", "b"]) is None  # one argument cannot name two
    assert filters.pattern("libtest", ["a.b"]) is None
    assert filters.pattern("google-benchmark", []) is None


def test_real_pytest_runs_only_the_tests_of_the_expression(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text(
        "import pytest\n\ndef test_a(): pass\n\ndef test_b(): pass\n\n"
        "@pytest.mark.parametrize('n', [64, 128])\ndef test_c(n): pass\n"
    )
    expression = filters.pattern("pytest-benchmark", ["test_a", "test_c[64]"])
    assert expression is not None
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q", "-k", expression],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert [line for line in done.stdout.splitlines() if "::" in line] == ["test_x.py::test_a", "test_x.py::test_c[64]"]
