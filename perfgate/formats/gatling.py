"""Gatling results: the text ``simulation.log`` (Gatling 2.x to 3.12) and the HTML report's ``js/stats.json``.

``simulation.log``: one ``REQUEST`` record per request, streamed; the latency is end - start (ms), ``KO``
is a failure; the name is the group path and the request name (``Checkout / pay``). Gatling 3.13 and later
write a binary log that perfgate does not read: the error says so and points to the report instead.
``stats.json`` (reports of Gatling ≤ 3.13.4): every request and group node as a summary; ``percentiles1`` to
``percentiles4`` are read as p50, p75, p95 and p99, Gatling's defaults.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import error_rate, summarised, throughput
from perfgate.formats.document import Document, integer, mapping
from perfgate.formats.requests import RequestTally, endpoint_codes
from perfgate.model import Environment, FloatArray, ParsedResults, Series

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
    """Blocks of lines at a time, their fields found and converted by numpy (a Python statement per request would
    cost several times the reading); a file with a record the fast way does not take is read again line by line,
    which reads it or names the line at fault."""
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


# REQUEST records: 3.x has groups, name, start, end, status (then a message) at fields 1-5; 2.x puts scenario and
# user id first. The layout is where the groups field is.
_LAYOUT_3, _LAYOUT_2 = 1, 3
# A line's first 8 bytes read as one integer, masked to the record type's letters (the byte after them must end
# the field: a tab, or the line).
_REQUEST, _REQUEST_MASK = (np.frombuffer(b, dtype=np.uint64)[0] for b in (b"REQUEST\0", b"\xff" * 7 + b"\0"))
_RUN, _RUN_MASK = (np.frombuffer(b, dtype=np.uint64)[0] for b in (b"RUN\0\0\0\0\0", b"\xff" * 3 + b"\0" * 5))
_PAD = 16  # bytes of padding around a block: a window of up to 15 digits never reaches outside it
_TAB, _NEWLINE, _CR = 9, 10, 13
_POWERS = 10.0 ** np.arange(15)[::-1]  # digit weights; 15 digits are exact in a float64


def _by_blocks(doc: Document) -> tuple[RequestTally, str | None]:
    """Each block's fields found in its bytes with numpy (where its tabs and line ends are), numbers converted
    there too: Python objects are made only for the names. A bare loop that splits each line costs more."""
    tally = RequestTally("ms")
    version: str | None = None
    codes_of: dict[bytes, int] = {}  # "groups<TAB>name" -> the endpoint's number, in the order they first appear
    names: list[str] = []
    layout: int | None = None
    for block in doc.blocks():
        buf = np.frombuffer(b"\0" * _PAD + block + (b"" if block.endswith(b"\n") else b"\n") + b"\0" * _PAD, np.uint8)
        records = _Records.find(buf)
        if records.run is not None:  # the RUN record: its last field is Gatling's version
            version = records.run.split(b"\t")[-1].decode("utf-8", "replace") or None
        if not len(records.starts):
            continue
        if layout is None:
            layout = records.layout()
        start, end, failed, keys = records.fields(layout)
        codes = endpoint_codes(codes_of, keys)
        for key in itertools.islice(codes_of, len(names), None):  # endpoints not seen before
            groups, _, name = key.partition(b"\t")
            names.append(_label(groups.decode("utf-8", "replace"), name.decode("utf-8", "replace")))
        latency = end - start
        if bool(np.any(latency < 0)):
            raise _LineByLine
        tally.extend_each(names, codes, latency, failed, start / 1000)
    return tally, version


class _Records:
    """The REQUEST records of one padded block (where each starts and ends, where its tabs are) and the block's
    last RUN record, if it has one."""

    def __init__(
        self, buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp], run: bytes | None
    ) -> None:
        self.buf, self.starts, self.ends, self.run = buf, starts, ends, run
        self.tabs = np.flatnonzero(buf == _TAB)
        self.first_tab = np.searchsorted(self.tabs, starts)
        self.tab_count = np.searchsorted(self.tabs, ends) - self.first_tab

    @classmethod
    def find(cls, buf: npt.NDArray[np.uint8]) -> _Records:
        line_ends = np.flatnonzero(buf == _NEWLINE)
        starts = np.empty_like(line_ends)
        starts[0], starts[1:] = _PAD, line_ends[:-1] + 1
        heads = np.ascontiguousarray(sliding_window_view(buf, 8)[starts])
        head = heads.view(np.uint64)[:, 0]
        request = ((head & _REQUEST_MASK) == _REQUEST) & _ends_field(heads[:, 7])
        runs = np.flatnonzero(((head & _RUN_MASK) == _RUN) & _ends_field(heads[:, 3]))
        run = buf[starts[runs[-1]] : line_ends[runs[-1]]].tobytes().rstrip(b"\r") if len(runs) else None
        ends = line_ends[request]
        ends -= buf[ends - 1] == _CR  # a Windows line end
        return cls(buf, starts[request], ends, run)

    def layout(self) -> int:
        """Which layout the first record has (where its OK/KO is), as the line-by-line reader decides it."""
        line = self.buf[self.starts[0] : self.ends[0]].tobytes().split(b"\t")
        if len(line) >= 9 and line[7] in (b"OK", b"KO"):
            return _LAYOUT_2
        if len(line) >= 6:
            return _LAYOUT_3
        raise _LineByLine

    def fields(self, groups: int) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_], list[bytes]]:
        """Start and end (ms), whether it failed, and "groups<TAB>name" of every record; _LineByLine when a
        record has fewer fields, a time that is not digits, or a status other than OK or KO."""
        # As the line-by-line reader decides per line: 9 fields or more with OK/KO in the 8th are 2.x, else 3.x.
        few = self.tab_count < 8 if groups == _LAYOUT_2 else (self.tab_count < 5) | (self.tab_count >= 8)
        if bool(np.any(few)):
            raise _LineByLine
        before = [self.tabs[self.first_tab + groups - 1 + i] for i in range(5)]  # the tabs before groups..status
        status_end = np.where(
            self.tab_count > groups + 4,
            self.tabs[np.minimum(self.first_tab + groups + 4, len(self.tabs) - 1)],
            self.ends,
        )
        status = before[4] + 1
        c0, c1 = self.buf[status], self.buf[status + 1]
        failed = (c0 == ord("K")) & (c1 == ord("O"))
        if bool(np.any(status_end - status != 2)) or not bool(np.all(failed | ((c0 == ord("O")) & (c1 == ord("K"))))):
            raise _LineByLine
        start = _integers(self.buf, before[2] + 1, before[3])
        end = _integers(self.buf, before[3] + 1, before[4])
        return start, end, failed, _slices(self.buf, before[0] + 1, before[2])


def _ends_field(byte: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    ends: npt.NDArray[np.bool_] = (byte == _TAB) | (byte == _NEWLINE) | (byte == _CR)
    return ends


def _integers(buf: npt.NDArray[np.uint8], begin: npt.NDArray[np.intp], end: npt.NDArray[np.intp]) -> FloatArray:
    """The decimal integers at buf[begin:end], 1 to 15 digits each: the digits right-aligned in a window as
    wide as the widest, weighted by powers of ten in one matrix product."""
    width = end - begin
    widest = int(width.max())
    if int(width.min()) < 1 or widest > len(_POWERS):
        raise _LineByLine
    digits = sliding_window_view(buf, widest)[end - widest] - np.uint8(ord("0"))  # bytes below "0" wrap past 9
    if int(width.min()) < widest:
        digits[np.arange(widest) < (widest - width)[:, None]] = 0  # the bytes before a narrower number
    if int(digits.max()) > 9:
        raise _LineByLine
    return digits @ _POWERS[-widest:]


def _slices(buf: npt.NDArray[np.uint8], begin: npt.NDArray[np.intp], end: npt.NDArray[np.intp]) -> list[bytes]:
    """buf[begin:end] of every record as bytes: one gather of them all, cut at newlines put in after each."""
    lengths = end - begin + 1
    stops = np.cumsum(lengths)
    gathered = buf[np.arange(int(stops[-1])) + np.repeat(begin - (stops - lengths), lengths)]
    gathered[stops - 1] = _NEWLINE
    joined: bytes = gathered.tobytes()
    return joined.split(b"\n")[:-1]


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
