"""Gatling results: the text ``simulation.log`` (Gatling 2.x to 3.12) and the HTML report's ``js/stats.json``.

``simulation.log``: one ``REQUEST`` record per request, streamed; the latency is end - start (ms), ``KO``
is a failure; the name is the group path and the request name (``Checkout / pay``). Gatling 3.13 and later
write a binary log that perfgate does not read: the error says so and points to the report instead.
``stats.json`` (reports of Gatling ≤ 3.13.4): every request and group node as a summary; ``percentiles1`` to
``percentiles4`` are read as p50, p75, p95 and p99, Gatling's defaults.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import error_rate, summarised, throughput
from perfgate.formats.document import Document, integer, mapping
from perfgate.formats.requests import RequestTally
from perfgate.model import Environment, ParsedResults, Series

BINARY_HINT = (
    "a binary simulation.log (Gatling 3.13 and later), which perfgate does not read; "
    "give perfgate the report's js/stats.json (Gatling up to 3.13.4) instead"
)


def _is_binary_log(doc: Document) -> bool:
    # Binary logs start with a Run record: header byte 0, then the length of the Gatling version string.
    return doc.path.endswith(".log") and doc.head[:1] == b"\x00" and b"\x00" in doc.head[:8]


def sniff(doc: Document) -> bool:
    if doc.is_dir:
        return False
    if _is_binary_log(doc):
        return True
    lines = doc.head_lines(3)
    if lines and lines[0].startswith("RUN\t"):
        return True
    root = doc.json_or_none()
    return isinstance(root, dict) and root.get("type") == "GROUP" and isinstance(root.get("contents"), dict)


def parse(doc: Document) -> ParsedResults:
    if _is_binary_log(doc):
        raise InputError(doc.path, BINARY_HINT)
    if doc.head.lstrip()[:1] == b"{":
        return _stats_json(doc)
    return _simulation_log(doc)


def _simulation_log(doc: Document) -> ParsedResults:
    """Blocks of lines at a time, their fields converted by numpy (a Python statement per request would cost
    ten times the splitting); a block the fast way cannot take is read again line by line, which names the line."""
    try:
        tally, version = _by_blocks(doc)
    except _LineByLine:
        tally, version = _by_lines(doc)
    if not tally.endpoints:
        raise InputError(doc.path, "no REQUEST records")
    return ParsedResults(
        doc.path, FORMAT.name, tuple(tally.series()), Environment(tool="gatling", tool_version=version)
    )


class _LineByLine(Exception):
    """Something in a block that only the line-by-line reader handles or explains."""


_REQUEST, _OK_KO = b"REQUEST", (b"OK", b"KO")
# REQUEST records: 3.x has groups, name, start, end, status at fields 1-5; 2.x puts scenario and user id first.
_LAYOUTS = ((9, 3), (6, 1))  # (fewest fields, where the groups field is)


def _by_blocks(doc: Document) -> tuple[RequestTally, str | None]:
    tally = RequestTally("ms")
    version: str | None = None
    labels: dict[tuple[bytes, bytes], int] = {}
    names: list[str] = []
    for first, block in doc.line_blocks():
        if first == 1 and block and block[0].startswith(b"RUN\t"):
            version = block[0].rstrip(b"\r").split(b"\t")[-1].decode("utf-8", "replace") or None
        records = [line for line in block if line.startswith(b"REQUEST\t")]
        if not records:
            continue
        # Every record of the block split at once, without a list per line: with k fields per record, field i
        # of every record is the slice [i::k] (a record with another number of fields breaks the REQUEST check).
        k = records[0].count(b"\t") + 1
        fields = b"\t".join(records).split(b"\t")
        at = next((g for low, g in _LAYOUTS if k >= low and fields[g + 4] in _OK_KO), None)
        if at is None or len(fields) != k * len(records) or fields[::k].count(_REQUEST) != len(records):
            raise _LineByLine
        groups, requests, statuses = fields[at::k], fields[at + 1 :: k], fields[at + 4 :: k]
        n, failures = len(records), statuses.count(b"KO")
        if statuses.count(b"OK") + failures != n:
            raise _LineByLine
        try:
            start = np.array(list(map(int, fields[at + 2 :: k])), dtype=np.int64)
            latency = (np.array(list(map(int, fields[at + 3 :: k])), dtype=np.int64) - start).astype(np.float64)
        except (ValueError, OverflowError):
            raise _LineByLine from None
        if bool(np.any(latency < 0)):
            raise _LineByLine
        try:
            codes = np.fromiter(map(labels.__getitem__, zip(groups, requests, strict=True)), np.int64, n)
        except KeyError:  # endpoints not seen before: numbered in the order they appear
            for key in dict.fromkeys(zip(groups, requests, strict=True)):
                if key not in labels:
                    labels[key] = len(names)
                    names.append(_label(key[0].decode("utf-8", "replace"), key[1].decode("utf-8", "replace")))
            codes = np.fromiter(map(labels.__getitem__, zip(groups, requests, strict=True)), np.int64, n)
        failed = np.fromiter(map(b"KO".__eq__, statuses), bool, n) if failures else np.zeros(n, dtype=bool)
        order = np.argsort(codes, kind="stable")  # one endpoint's requests together, in the file's order
        bounds = np.flatnonzero(np.diff(codes[order])) + 1
        for chunk in np.split(order, bounds):
            tally.extend(names[codes[chunk[0]]], latency[chunk], failed[chunk], start[chunk] / 1000)
    return tally, version


def _label(groups: str, name: str) -> str:
    return " / ".join([*(g for g in groups.split(",") if g), name])


def _by_lines(doc: Document) -> tuple[RequestTally, str | None]:
    tally = RequestTally("ms")
    version = None
    for number, raw in doc.lines():
        fields = raw.decode("utf-8", "replace").rstrip("\r\n").split("\t")
        kind = fields[0]
        if kind == "RUN":
            version = fields[-1] or None
        elif kind == "REQUEST":
            # 3.x: REQUEST, groups, name, start, end, status, message; 2.x adds scenario and user id.
            if len(fields) >= 9 and fields[7] in ("OK", "KO"):
                groups, name, start, end, status = fields[3], fields[4], fields[5], fields[6], fields[7]
            elif len(fields) >= 6:
                groups, name, start, end, status = fields[1], fields[2], fields[3], fields[4], fields[5]
            else:
                raise InputError(doc.path, f"a REQUEST record with {len(fields)} fields", where=str(number))
            try:
                latency = float(int(end) - int(start))
            except (ValueError, OverflowError):
                raise InputError(
                    doc.path, f"expected start and end times in ms, got {start!r} and {end!r}", where=str(number)
                ) from None
            if latency < 0:
                raise InputError(doc.path, f"the request ends ({end}) before it starts ({start})", where=str(number))
            tally.add(_label(groups, name), latency, status == "KO", int(start) / 1000)
    return tally, version


def _stats_json(doc: Document) -> ParsedResults:
    series: list[Series] = []
    _walk(doc, doc.json(), "", series)
    if not series:
        raise doc.error("contents", "no request statistics")
    return ParsedResults(doc.path, FORMAT.name, tuple(series), Environment(tool="gatling"))


def _walk(doc: Document, node: dict[str, Any], where: str, out: list[Series]) -> None:
    for key, child in mapping(node.get("contents")).items():
        path = f"{where}.contents.{key}" if where else f"contents.{key}"
        if not isinstance(child, dict):
            raise doc.error(path, "expected a GROUP or REQUEST node")
        name = str(child.get("path") or child.get("name") or key)
        stats = mapping(child.get("stats"))
        if child.get("type") == "REQUEST" or (child.get("type") == "GROUP" and stats):
            out += _node_series(doc, name, stats, f"{path}.stats")
        if child.get("type") == "GROUP":
            _walk(doc, child, path, out)


def _node_series(doc: Document, name: str, stats: dict[str, Any], where: str) -> list[Series]:
    def total(key: str) -> float | None:
        value = mapping(stats.get(key)).get("total")
        if value in (None, "-"):
            return None
        try:
            return float(value)  # Gatling 2.x wrote numbers as strings
        except (TypeError, ValueError):
            raise doc.error(f"{where}.{key}.total", f"expected a number, got {value!r}") from None

    requests = mapping(stats.get("numberOfRequests"))
    count = integer(doc, total("numberOfRequests") or 0, f"{where}.numberOfRequests.total")
    failed = requests.get("ko")
    errors = integer(doc, failed, f"{where}.numberOfRequests.ko") if failed not in (None, "-", "") else None
    if count == 0:
        return []
    latency = summarised(
        name,
        "latency",
        "ms",
        count=count,
        errors=errors,
        mean=total("meanResponseTime"),
        stddev=total("standardDeviation"),
        min=total("minResponseTime"),
        max=total("maxResponseTime"),
        median=total("percentiles1"),
        p95=total("percentiles3"),
        p99=total("percentiles4"),
    )
    rate = total("meanNumberOfRequestsPerSecond")
    out = [latency, throughput(name, rate, count)]
    if errors is not None:
        out.append(error_rate(name, errors, count))
    return out


FORMAT = Format(
    name="gatling",
    description="Gatling simulation.log (text format, Gatling 2.x-3.12) or the HTML report's js/stats.json",
    yields="per request (group path / name): latency per request, throughput per time window and error rate from the log; "
    "summaries (p50/p95/p99, throughput, errors) from stats.json",
    sniff=sniff,
    parse=parse,
)
