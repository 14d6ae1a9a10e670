"""The real files in tests/data, found by scanning its folders: the format each folder's files are in, and the
files that are deliberately something else, each with its reason. A new fixture is sniffed and compared with a
golden file without being listed anywhere; a file that is not results must be listed here, with why."""

from __future__ import annotations

import re
from fnmatch import fnmatch

from ..conftest import DATA

# The format a folder's files are read as: the folder is named after the tool that wrote them.
FOLDER_FORMATS = {
    "aa-reruns": "pytest-benchmark",
    "artillery": "artillery",
    "asv": "asv",
    "asv-pandas-history": "asv",
    "asv-pandas-unstable": "asv",  # sixteen real pandas runs, the last an unstable one
    "asv-results-v1": "asv",  # results API version 1 (pvlib's, asv 0.4), in asv's directory layout
    "asv-results-v2": "asv",
    "bencher-metric-format": "bencher-bmf",
    "benchmarkdotnet": "benchmarkdotnet",
    "benchmarkjs": "benchmarkjs",
    "catch2": "catch2",
    "gatling": "gatling",
    "github-action-benchmark": "customSmallerIsBetter",  # customBiggerIsBetter looks the same: chosen by --format only
    "go-bench": "go-bench",
    "google-benchmark": "google-benchmark",
    "google-benchmark-contention": "google-benchmark",
    "hyperfine": "hyperfine",
    "iai": "iai",
    "jmeter": "jmeter",
    "jmh": "jmh",
    "julia": "julia-benchmarktools",
    "k6": "k6-summary",
    "locust": "locust",
    "locust-runs": "locust",
    "locust-closed-loop": "locust",
    "locust-soak": "locust",
    "perfgate-json": "perfgate-json",
    "pyperf": "pyperf",
    "pytest-benchmark": "pytest-benchmark",
    "rust-criterion": "criterion",
    "rust-libtest-bench": "libtest",
    "vegeta": "vegeta",
    "vitest": "vitest",
    "wrk": "wrk",
}

# Files in another format than their folder's: the tool's other output, or another tool's format it writes.
OTHER_FORMATS = {
    "jmeter/HTMLReportExpect_statistics.json": "jmeter-statistics",  # the HTML dashboard of HTMLReportTestFile.csv
    "k6/k6_points.ndjson.gz": "k6-ndjson",
    "k6/k6_points_head.ndjson": "k6-ndjson",
    "rust-criterion/criterion_output-format-bencher.txt": "libtest",  # criterion --output-format bencher
}

# A fixture that is a directory: the files under it are its parts, not fixtures of their own.
DIRECTORIES = ("rust-criterion/target/criterion",)

# Files that are not results: sniffing must refuse them (patterns on the path under tests/data).
NOT_RESULTS = {
    "*/PROVENANCE.txt": "where a folder's files come from",
    "github-events/*": "GitHub webhook payloads for the Action's tests, not benchmark results",
    "near-misses/*": "known tools' files that hold no results: refused naming the tool (test_sniffing.py)",
    "asv/results/benchmarks.json": "asv's description of its benchmarks, which holds no results (a near miss)",
    "asv-pandas-history/benchmarks.json": "asv's description of the benchmarks of the pandas runs beside it",
    "asv-pandas-unstable/benchmarks.json": "asv's description of the benchmarks of the pandas runs beside it",
    "asv-results-v*/results/benchmarks.json": "asv's description of the benchmarks of the results directory",
    "asv-results-v1/results/*/machine.json": "asv's description of the machine the results beside it ran on",
    "github-action-benchmark-data/data.js": "github-action-benchmark's whole history: refused, naming perfgate import",
    "bencher-perf/perf.json": "Bencher's perf query, a whole history: refused, naming perfgate import",
    "locust*/*_exceptions.csv": "Locust's table of tracebacks: the run is read from its _stats.csv and the rest",
    "artillery/test.yml": "the Artillery script that wrote the report",
    "vitest/fib.bench.js": "the benchmark source that vitest_bench.json measured",
}

# Files that sniff as their format but are refused when read: bad input kept on purpose.
REFUSED = {
    "gatling/gatling-repo_binary-format_simulation.log": "Gatling 3.13's binary log: refused, naming js/stats.json",
    "pytest-benchmark/pytest_several_units.json": "hand-edited upstream: a string among stats.data",
}


def fixtures() -> list[str]:
    """Every fixture under tests/data, as its path there; a directory fixture once, for all its files."""
    found: set[str] = set()
    for path in DATA.rglob("*"):
        if path.is_file():
            name = path.relative_to(DATA).as_posix()
            found.add(next((d for d in DIRECTORIES if name.startswith(f"{d}/")), name))
    return sorted(found)


def why_not_results(fixture: str) -> str | None:
    return next((why for pattern, why in NOT_RESULTS.items() if fnmatch(fixture, pattern)), None)


def result_files() -> list[str]:
    """The fixtures that are results perfgate reads (or refuses as bad input, REFUSED)."""
    return [f for f in fixtures() if why_not_results(f) is None]


def non_result_files() -> list[str]:
    return [f for f in fixtures() if why_not_results(f) is not None]


def expected_format(fixture: str) -> str:
    return OTHER_FORMATS.get(fixture) or FOLDER_FORMATS[fixture.split("/")[0]]


def golden_name(fixture: str) -> str:
    """The golden file of what is read from a fixture. A Locust run is read whole from any of its files: they
    share the golden of its _stats.csv."""
    if expected_format(fixture) == "locust":
        fixture = re.sub(r"_(stats_history|failures)\.csv$", "_stats.csv", fixture)
    return "formats/" + fixture.replace("/", "__").replace(" ", "_") + ".txt"
