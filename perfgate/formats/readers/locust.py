"""Locust CSV results (``--csv PREFIX``): ``PREFIX_stats.csv``, ``_stats_history.csv``, ``_failures.csv``.

Give perfgate any one of the files, or the prefix itself; the others are read when they are there.
``_stats.csv`` gives each endpoint (``Type Name``, and the run-wide ``Aggregated`` row) its exact summary:
requests, failures, median, mean, min, max and the percentile columns (read by header, never by
position), in milliseconds, plus its throughput (``Requests/s``). ``_stats_history.csv`` adds one
sample per reporting window (the window's median response time), so runs can be compared with
statistics. ``_failures.csv`` errors are listed as notes.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from perfgate import limits
from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import error_rate, summarised, throughput
from perfgate.formats.document import Document
from perfgate.model import Environment, ParsedResults, SampleKind, Series, as_samples
from perfgate.units import normalize

SUFFIXES = ("_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv")
_HEADERS = ("Type,Name,Request Count", "Timestamp,User Count,Type,Name", "Method,Name,Error,Occurrences")


def prefix_of(path: str) -> str | None:
    for suffix in SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return None


def sniff(doc: Document) -> bool:
    lines = doc.head_lines(1)
    return bool(lines) and prefix_of(doc.path) is not None and lines[0].lstrip("\ufeff").startswith(_HEADERS)


def parse(doc: Document) -> ParsedResults:
    prefix = prefix_of(doc.path)
    if prefix is None:
        raise InputError(
            doc.path, "expected a Locust CSV file named PREFIX_stats.csv (or _stats_history.csv, _failures.csv)"
        )
    stats_path = Path(prefix + "_stats.csv")
    if not stats_path.is_file():
        raise InputError(
            str(stats_path), "missing: the summary of a Locust run is in PREFIX_stats.csv (locust --csv PREFIX)"
        )
    windows = _windows(Path(prefix + "_stats_history.csv"))
    series: list[Series] = []
    for line, row in _rows(stats_path, ("Type", "Name", "Request Count", "Failure Count")):
        name = _endpoint(row["Type"], row["Name"])
        count = _count(stats_path, line, row, "Request Count")
        failures = _count(stats_path, line, row, "Failure Count")
        if count == 0:
            continue

        def column(title: str, row: dict[str, str] = row, line: int = line) -> float | None:
            return _number(stats_path, line, row, title)

        latency = summarised(
            name,
            "latency",
            "ms",
            count=count,
            errors=failures,
            median=column("Median Response Time"),
            mean=column("Average Response Time"),
            min=column("Min Response Time"),
            max=column("Max Response Time"),
            p90=column("90%"),
            p95=column("95%"),
            p99=column("99%"),
        )
        rate = _number(stats_path, line, row, "Requests/s")
        rates = throughput(name, rate, count)
        errors = error_rate(name, failures, count)
        history = windows.get((row["Type"], row["Name"]))
        if history is not None and history.medians:
            samples = as_samples([median * normalize("ms").factor for median in history.medians])
            latency = replace(latency, kind=SampleKind.WINDOW, samples=samples)
            rates = replace(rates, kind=SampleKind.WINDOW, samples=as_samples(history.rates))
        if history is not None and len(history.error_rates) >= 2:
            # The summary stays the exact rate of the whole run; the samples show how it moved during the run.
            errors = replace(errors, kind=SampleKind.WINDOW, samples=as_samples(history.error_rates))
        series += [latency, rates, errors]
    return ParsedResults(
        doc.path,
        FORMAT.name,
        tuple(series),
        Environment(tool="locust"),
        notes=tuple(_failures(Path(prefix + "_failures.csv"))),
    )


def _rows(path: Path, required: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    # Locust writes with csv.writer and no newline="": tolerate \r\r\n and blank rows.
    with open(path, encoding="utf-8-sig", newline="") as handle:
        csv.field_size_limit(limits.input_limits.get().line_bytes)
        reader = csv.DictReader(handle)
        try:
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    str(path), f"expected the columns {', '.join(required)}; missing {', '.join(missing)}", where="1"
                )
            for row in reader:
                if any(v for v in row.values() if isinstance(v, str) and v.strip()):
                    yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}
        except UnicodeDecodeError:
            raise InputError(str(path), "not UTF-8 text", where=f"after line {reader.line_num}") from None
        except csv.Error as exc:
            raise InputError(str(path), f"not a CSV file perfgate reads: {exc}", where=str(reader.line_num)) from None


def _number(path: Path, line: int, row: dict[str, str], column: str) -> float | None:
    text = row.get(column, "")
    if text in ("", "N/A"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(str(path), f"{column}: expected a number, got {text!r}", where=str(line)) from None
    if value < 0 or not math.isfinite(value):
        raise InputError(str(path), f"{column}: expected a finite, non-negative number, got {text!r}", where=str(line))
    return value


def _count(path: Path, line: int, row: dict[str, str], column: str) -> int:
    value = _number(path, line, row, column) or 0
    if value != int(value) or value > limits.MAX_INTEGER:
        raise InputError(
            str(path),
            f"{column}: expected a whole number up to {limits.MAX_INTEGER:,}, got {row.get(column)!r}",
            where=str(line),
        )
    return int(value)


@dataclass
class _History:
    """One endpoint's reporting windows from ``_stats_history.csv``."""

    medians: list[float] = field(default_factory=list)  # ms
    rates: list[float] = field(default_factory=list)  # requests per second
    error_rates: list[float] = field(default_factory=list)  # failures / requests between two rows
    totals: tuple[int, int] = (0, 0)  # the cumulative (requests, failures) of the last row


def _windows(path: Path) -> dict[tuple[str, str], _History]:
    """Per endpoint, the median response time and request rate of each reporting window with requests, and the
    error rate between consecutive rows (from the cumulative totals, so exact counts)."""
    if not path.is_file():
        return {}
    out: dict[tuple[str, str], _History] = {}
    for line, row in _rows(path, ("Type", "Name", "Requests/s", "50%")):
        history = out.setdefault((row["Type"], row["Name"]), _History())
        median, rate = _number(path, line, row, "50%"), _number(path, line, row, "Requests/s")
        if median and rate:  # N/A before the first request, 0 while an endpoint has none in the window
            history.medians.append(median)
            history.rates.append(rate)
        if "Total Request Count" in row and "Total Failure Count" in row:
            totals = (
                _count(path, line, row, "Total Request Count"),
                _count(path, line, row, "Total Failure Count"),
            )
            requests, failures = totals[0] - history.totals[0], totals[1] - history.totals[1]
            if requests > 0 and failures >= 0:
                history.error_rates.append(failures / requests)
            history.totals = totals
    return out


def _failures(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [
        f"Locust: {row['Method']} {row['Name']} failed {row['Occurrences']} times: {row['Error']}"
        for _, row in _rows(path, ("Method", "Name", "Error", "Occurrences"))
    ]


FORMAT = Format(
    name="locust",
    description="Locust CSV (--csv PREFIX): any of PREFIX_stats.csv, _stats_history.csv, _failures.csv, or the prefix",
    yields="per Type+Name and Aggregated: latency and throughput (per-window medians and rates from the history "
    "as samples, else the summary), error rate; failures as notes",
    sniff=sniff,
    parse=parse,
)


def _endpoint(kind: str, name: str) -> str:
    """``Type Name``, unless the name already starts with the method (a request named "GET /x") or is Aggregated."""
    if name == "Aggregated" or not kind or name.split(" ", 1)[0].upper() == kind.upper():
        return name
    return f"{kind} {name}"
