"""pytest-benchmark JSON (``--benchmark-json``, ``--benchmark-save``), versions 2.5 to 5.x.

Times are always seconds. ``stats.data`` holds one value per round (already divided by the round's
iterations); it is present in ``--benchmark-json`` output and in saves made with ``--benchmark-save-data``.
Without it a benchmark is summary-only. Benchmarks whose test raised are absent from the file.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Any

from perfgate.formats import Format
from perfgate.formats.build import MEDIAN_SE_PER_IQR, MIN_REPEATS_FOR_INTERVAL, median_interval
from perfgate.formats.document import Document, mapping, measurement, optional, require, root_object, timestamp, timings
from perfgate.model import Direction, Environment, ParsedResults, SampleKind, Series, Summary
from perfgate.units import SECONDS


def sniff(doc: Document) -> bool:
    value = doc.json_or_none()
    if not isinstance(value, dict) or not isinstance(value.get("benchmarks"), list):
        return False
    benchmarks = value["benchmarks"]
    if not benchmarks:
        return "machine_info" in value
    first = benchmarks[0]
    return isinstance(first, dict) and isinstance(first.get("stats"), dict) and "name" in first


def parse(doc: Document) -> ParsedResults:
    root = root_object(doc)
    benchmarks = require(doc, root, "benchmarks", list, "")
    if not benchmarks:
        raise doc.error("benchmarks", "the list is empty: no benchmark ran (errored benchmarks are left out)")
    names = Counter(b.get("name") for b in benchmarks if isinstance(b, dict) and isinstance(b.get("name"), str))
    series = tuple(_series(doc, bench, f"benchmarks[{i}]", names) for i, bench in enumerate(benchmarks))
    unsampled = sum(1 for s in series if s.kind is SampleKind.SUMMARY_ONLY)
    notes = (NO_DATA.format(n=unsampled, of=len(series)),) if unsampled else ()
    return ParsedResults(
        source=doc.path,
        format=FORMAT.name,
        series=series,
        environment=_environment(root),
        recorded_at=_datetime(doc, root),
        commit=_commit(root),
        notes=notes,
    )


# A save without --benchmark-save-data keeps each benchmark's statistics, not its rounds.
NO_DATA = (
    "pytest-benchmark saved no rounds for {n} of {of} benchmarks (no 'data': --benchmark-save-data was not "
    "given): each is compared by its median alone, one summary a side; add --benchmark-save-data (or use "
    "--benchmark-json) to compare the rounds"
)


def _series(doc: Document, bench: Any, path: str, names: Counter[Any]) -> Series:
    if not isinstance(bench, dict):
        raise doc.error(path, "expected a benchmark object")
    name = require(doc, bench, "name", str, path)
    if names[name] > 1:  # the same test name in two files: only fullname tells them apart
        name = optional(doc, bench, "fullname", str, path) or name
    stats = require(doc, bench, "stats", dict, path)
    stats_path = f"{path}.stats"
    data = stats.get("data")
    if data is not None:
        samples = timings(doc, data, f"{stats_path}.data")
        if samples.size == 0:
            raise doc.error(f"{stats_path}.data", "no rounds recorded")
        return Series(
            name,
            "time",
            SECONDS,
            Direction.LOWER_IS_BETTER,
            SampleKind.REPETITION,
            Summary.of(samples),
            samples,
        )
    rounds = require(doc, stats, "rounds", int, stats_path)
    if rounds < 1:
        raise doc.error(f"{stats_path}.rounds", f"expected at least 1 round, got {rounds}")
    median = measurement(doc, stats, "median", stats_path)
    low, high = _median_interval(median, measurement(doc, stats, "iqr", stats_path), rounds)
    summary = Summary(
        count=rounds,
        mean=measurement(doc, stats, "mean", stats_path),
        stddev=measurement(doc, stats, "stddev", stats_path),
        min=measurement(doc, stats, "min", stats_path),
        median=median,
        max=measurement(doc, stats, "max", stats_path),
        median_low=low,
        median_high=high,
    )
    if summary.median is None and summary.mean is None:
        raise doc.error(stats_path, "expected 'data', 'median' or 'mean'")
    return Series(name, "time", SECONDS, Direction.LOWER_IS_BETTER, SampleKind.SUMMARY_ONLY, summary)


def _median_interval(median: float | None, iqr: float | None, rounds: int) -> tuple[float | None, float | None]:
    """The run's own 99 % interval of its median from the rounds' quartiles (the median's standard error is
    1.2533 sigma / sqrt(rounds), sigma = IQR / 1.349 in the normal case): None with too few rounds to say."""
    if iqr is None or rounds < MIN_REPEATS_FOR_INTERVAL:
        return None, None
    return median_interval(median, MEDIAN_SE_PER_IQR * iqr / math.sqrt(rounds))


def _environment(root: dict[str, Any]) -> Environment:
    machine = mapping(root.get("machine_info"))
    cpu = mapping(machine.get("cpu"))
    system = " ".join(str(machine[k]) for k in ("system", "release") if machine.get(k))
    interpreter = " ".join(str(machine[k]) for k in ("python_implementation", "python_version") if machine.get(k))
    return Environment(
        runner=machine.get("node") or None,
        cpu=cpu.get("brand_raw") or machine.get("processor") or None,
        os=system or None,
        interpreter=interpreter or None,
        tool="pytest-benchmark",
        tool_version=str(root["version"]) if root.get("version") else None,
    )


def _datetime(doc: Document, root: dict[str, Any]) -> datetime | None:
    text = root.get("datetime")
    if not isinstance(text, str):
        return None
    return timestamp(doc, text, "datetime")


def _commit(root: dict[str, Any]) -> str | None:
    info = root.get("commit_info")
    commit = info.get("id") if isinstance(info, dict) else None
    return commit if isinstance(commit, str) and commit != "unversioned" else None


FORMAT = Format(
    name="pytest-benchmark",
    description="pytest-benchmark JSON (--benchmark-json, or --benchmark-save files)",
    yields="time per call (s) per benchmark; per-round samples when 'data' is present, else summary-only",
    sniff=sniff,
    parse=parse,
)
