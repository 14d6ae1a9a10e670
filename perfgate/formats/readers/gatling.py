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
import numpy.typing as npt

from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.build import error_rate, summarised, throughput
from perfgate.formats.document import Document, integer, mapping
from perfgate.formats.requests import BoolArray, RequestTally
from perfgate.model import Environment, ParsedResults, Series

IntArray = npt.NDArray[np.intp]
UInt64Array = npt.NDArray[np.uint64]

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
_PAD = b"\0" * 16  # around a block: an 8-byte load at any field of a record stays inside it
_TAB, _NEWLINE, _CR = 9, 10, 13
_U64 = np.dtype("<u8")  # little-endian, whatever the machine: loads read bytes in file order
# The first n bytes of an 8-byte little-endian load: _FIRST[n] keeps them, _FROM[n] keeps the bytes from n on.
_FIRST = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=_U64)
_FROM = ~_FIRST
_REQUEST, _RUN = (int.from_bytes(b, "little") for b in (b"REQUEST", b"RUN"))
_REQUEST_CR, _RUN_CR = (int.from_bytes(b, "little") for b in (b"REQUEST\r", b"RUN\r"))
_ZEROS = np.uint64(int.from_bytes(b"0" * 8, "little"))
_HASH = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it mod 2**64 loses nothing


def _by_blocks(doc: Document) -> tuple[RequestTally, str | None]:
    """Each block's fields found in its bytes with numpy (where its tabs and line ends are), numbers and names
    too: a Python object is made only for a name not seen before. A bare loop that splits each line costs more."""
    tally = RequestTally("ms")
    version: str | None = None
    endpoints = _Endpoints()
    layout: int | None = None
    for block in doc.blocks():
        records = _Records(b"".join((_PAD, block, b"" if block.endswith(b"\n") else b"\n", _PAD)))
        if records.run is not None:  # the RUN record: its last field is Gatling's version
            version = records.run.split(b"\t")[-1].decode("utf-8", "replace") or None
        if not len(records.first):
            continue
        if layout is None:
            layout = records.layout()
        key_start, key_end, start, end, failed = records.fields(layout)
        codes = endpoints.codes(records, key_start, key_end)
        tally.extend_each(endpoints.names, codes, (end - start).astype(np.float64), failed, start / 1000)
    return tally, version


class _Records:
    """The REQUEST records of one padded block: where each line's separators (tabs and the line end) are, and
    the block's last RUN record, if it has one."""

    def __init__(self, data: bytes) -> None:
        self.buf = np.frombuffer(data, np.uint8)
        # Every 8 bytes from each offset, as one little-endian integer (an unaligned view: no copy).
        self.words = np.ndarray((len(data) - 7,), dtype=_U64, buffer=data, strides=(1,))
        inner = self.buf[len(_PAD) : -len(_PAD)]
        self.sep = np.flatnonzero(inner <= _NEWLINE) + len(_PAD)  # tabs and line ends, in one pass
        kinds = self.buf[self.sep]
        if int(kinds.min()) < _TAB:  # control bytes in a name: they are not separators
            self.sep = np.flatnonzero((inner == _TAB) | (inner == _NEWLINE)) + len(_PAD)
            kinds = self.buf[self.sep]
        line_end = np.flatnonzero(kinds == _NEWLINE)  # each line's last separator, as an index into sep
        first = np.empty_like(line_end)  # each line's first separator
        first[0], first[1:] = 0, line_end[:-1] + 1
        starts = np.empty_like(line_end)
        starts[0], starts[1:] = len(_PAD), self.sep[line_end[:-1]] + 1
        head = self.words[starts]
        kind_length = self.sep[first] - starts  # the length of the first field, the record type
        if bool(np.any(head == _REQUEST_CR)):  # "REQUEST" with a Windows line end and no fields
            raise _LineByLine
        request = (kind_length == 7) & ((head & _FIRST[7]) == _REQUEST)
        run = np.flatnonzero((head & _FIRST[3]) == _RUN)  # few lines start so: the rest is checked on those
        run = run[
            (kind_length[run] == 3)
            | ((kind_length[run] == 4) & ((head[run] & _FIRST[4]) == _RUN_CR) & (first[run] == line_end[run]))
        ]
        self.run = data[starts[run[-1]] : self.sep[line_end[run[-1]]]].rstrip(b"\r") if len(run) else None
        self.first, self.fields_count = first[request], line_end[request] - first[request] + 1

    def layout(self) -> int:
        """Which layout the first record has (where its OK/KO is), as the line-by-line reader decides it."""
        begin = self.sep[self.first[0]] - 7
        line = self.buf[begin : self.sep[self.first[0] + self.fields_count[0] - 1]].tobytes().rstrip(b"\r")
        fields = line.split(b"\t")
        if len(fields) >= 9 and fields[7] in (b"OK", b"KO"):
            return _LAYOUT_2
        if len(fields) >= 6:
            return _LAYOUT_3
        raise _LineByLine

    def fields(self, groups: int) -> tuple[IntArray, IntArray, UInt64Array, UInt64Array, BoolArray]:
        """Where each record's "groups<TAB>name" starts and ends, its start and end (ms), and whether it failed;
        _LineByLine when a record has fewer fields, a time that is not digits, an end before its start, or a
        status other than OK or KO."""
        # As the line-by-line reader decides per line: 9 fields or more with OK/KO in the 8th are 2.x, else 3.x.
        unusual = self.fields_count < 9 if groups == _LAYOUT_2 else (self.fields_count < 6) | (self.fields_count > 8)
        if bool(np.any(unusual)):
            raise _LineByLine
        key_start = self.sep[self.first + groups - 1] + 1
        key_end, start_end, end_end, status_end = (self.sep[self.first + groups + i] for i in (1, 2, 3, 4))
        times = _integers(self.words, np.stack((key_end, start_end)) + 1, np.stack((start_end, end_end)))
        start, end = times[0], times[1]
        status = end_end + 1
        width = status_end - status
        c0, c1 = self.buf[status], self.buf[status + 1]
        failed = (c0 == ord("K")) & (c1 == ord("O"))
        ok = (c0 == ord("O")) & (c1 == ord("K"))
        # A status that ends its line may have a Windows line end's CR after it.
        whole = (width == 2) | ((width == 3) & (self.buf[status + 2] == _CR) & (self.buf[status_end] == _NEWLINE))
        if not bool(np.all((failed | ok) & whole)) or bool(np.any(end < start)):
            raise _LineByLine
        return key_start, key_end, start, end, failed


def _integers(words: UInt64Array, begin: IntArray, end: IntArray) -> UInt64Array:
    """The decimal integers at [begin, end), 1 to 15 digits each, from the two 8-byte loads that end there: the
    bytes before a number made "0", then eight digits at a time combined in the load itself (a digit per byte,
    pairs, fours, eights)."""
    width = end - begin
    narrowest, widest = int(width.min()), int(width.max())
    if narrowest < 1 or widest > 15:
        raise _LineByLine
    low, high = words[end - 8], words[end - 16]
    if narrowest == widest:  # the usual case (ms since the epoch: 13 digits): one mask for all
        low_digits, high_digits = _FROM[8 - min(widest, 8)], _FROM[16 - max(widest, 8)]
    else:
        low_digits, high_digits = _FROM[8 - np.minimum(width, 8)], _FROM[16 - np.maximum(width, 8)]
    low = (low & low_digits) | (_ZEROS & ~low_digits)
    high = (high & high_digits) | (_ZEROS & ~high_digits)
    return _eight_digits(high) * np.uint64(100_000_000) + _eight_digits(low)


def _eight_digits(word: UInt64Array) -> UInt64Array:
    """Eight ASCII digits in each 8-byte load (the first digit in the lowest byte) as their value; _LineByLine
    when a byte is not a digit."""
    word = word - _ZEROS
    if bool(np.any((word | (word + np.uint64(0x7676767676767676))) & np.uint64(0x8080808080808080))):  # a byte > 9
        raise _LineByLine
    word = (word * np.uint64(10) + (word >> np.uint64(8))) & np.uint64(0x00FF00FF00FF00FF)
    word = (word * np.uint64(100) + (word >> np.uint64(16))) & np.uint64(0x0000FFFF0000FFFF)
    return (word * np.uint64(10000) + (word >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


class _Endpoints:
    """Endpoint numbers by the bytes of "groups<TAB>name", found without making a Python object per record: each
    record's bytes are hashed 8 at a time, the hash looked up among those of the names seen, and the bytes then
    compared with that name's (so a hash collision can never merge two endpoints)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.hashes = np.empty(0, dtype=_U64)  # of the names seen, sorted
        self.by_hash = np.empty(0, dtype=np.intp)  # the endpoint number of each of those hashes
        self.lengths = np.empty(0, dtype=np.intp)  # of each name's bytes, by endpoint number
        self.loads = np.zeros((0, 0), dtype=_U64)  # each name's bytes 8 at a time, by endpoint number

    def codes(self, records: _Records, begin: IntArray, end: IntArray) -> IntArray:
        """The endpoint number of the name at [begin, end) of each record; names not seen before are numbered in
        the order they first appear."""
        length = end - begin
        shortest = int(length.min())
        # UInt64Array past a name's end are made 0; those past a short name (perhaps past the block) are kept inside it.
        last = len(records.words) - 1
        loads = [
            records.words[begin + i]
            if i + 8 <= shortest
            else records.words[np.minimum(begin + i, last)] & _FIRST[np.minimum(np.maximum(length - i, 0), 8)]
            for i in range(0, int(length.max()), 8)
        ]
        hashes = length.astype(_U64)
        for load in loads:
            hashes = (hashes ^ load) * _HASH
        found = self._find(hashes)
        if found is None:
            self._add(records.buf, begin, end, hashes)
            found = self._find(hashes)
            assert found is not None
        same = length == self.lengths[found]
        for i, load in enumerate(loads[: self.loads.shape[1]]):  # past that, lengths differ: already not the same
            same &= load == self.loads[found, i]
        if not bool(np.all(same)):
            raise _LineByLine  # two names with one hash: possible, if never yet seen
        return found

    def _add(self, buf: npt.NDArray[np.uint8], begin: IntArray, end: IntArray, hashes: UInt64Array) -> None:
        unseen = np.flatnonzero(~np.isin(hashes, self.hashes))
        first = unseen[np.sort(np.unique(hashes[unseen], return_index=True)[1])]  # in the order they appear
        keys = [buf[b:e].tobytes() for b, e in zip(begin[first].tolist(), end[first].tolist(), strict=True)]
        for key in keys:
            groups, _, name = key.partition(b"\t")
            self.names.append(_label(groups.decode("utf-8", "replace"), name.decode("utf-8", "replace")))
        width = max(self.loads.shape[1], *((len(k) + 7) // 8 for k in keys))
        loads = np.zeros((len(self.names), width), dtype=_U64)
        loads[: len(self.loads), : self.loads.shape[1]] = self.loads
        for row, key in enumerate(keys, len(self.loads)):
            padded = key.ljust(8 * width, b"\0")
            loads[row] = np.frombuffer(padded, dtype=_U64)
        self.loads = loads
        self.lengths = np.concatenate((self.lengths, [len(k) for k in keys]))
        codes = np.concatenate((self.by_hash, np.arange(len(self.names) - len(keys), len(self.names))))
        all_hashes = np.concatenate((self.hashes, hashes[first]))
        order = np.argsort(all_hashes)
        self.hashes, self.by_hash = all_hashes[order], codes[order]

    def _find(self, hashes: UInt64Array) -> IntArray | None:
        if not len(self.hashes):
            return None
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        if not bool(np.all(self.hashes[at] == hashes)):
            return None
        return self.by_hash[at]


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
