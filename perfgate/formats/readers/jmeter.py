"""Apache JMeter JTL results, CSV (with or without a header, any delimiter) and XML, streamed.

Each sample is one request of its ``label``: ``elapsed`` (ms) is its latency, ``success`` says whether it
failed, rows come in time order. Every label is its own endpoint, so a Transaction Controller's parent row
(``Number of samples in transaction : …``) and its children are never added together. In XML, only
top-level samples count: nested ``httpSample`` elements (a transaction's requests, redirects, embedded
resources) are part of their parent's time.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
import operator
import re
import warnings
from array import array
from collections.abc import Iterator
from typing import Any, NoReturn
from xml.parsers import expat

import numpy as np
import numpy.typing as npt

from perfgate import limits
from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.document import Document
from perfgate.formats.requests import RequestTally, endpoint_codes
from perfgate.model import Environment, ParsedResults

# What JMeter writes when print_field_names is off (jmeter.properties defaults, JMeter 5.x).
DEFAULT_COLUMNS = [
    "timeStamp",
    "elapsed",
    "label",
    "responseCode",
    "responseMessage",
    "threadName",
    "dataType",
    "success",
    "failureMessage",
    "bytes",
    "sentBytes",
    "grpThreads",
    "allThreads",
    "URL",
    "Latency",
    "IdleTime",
    "Connect",
]
_FIRST_FIELD = re.compile(r"^(\d{10,13}|\d{4}/\d\d/\d\d)")


def _is_xml(doc: Document) -> bool:
    head = doc.head.lstrip()[:400]
    return (head.startswith(b"<?xml") and b"<testResults" in head) or head.startswith(b"<testResults")


def sniff(doc: Document) -> bool:
    if doc.is_dir:
        return False
    if _is_xml(doc):
        return True
    lines = doc.head_lines(2)
    if not lines:
        return False
    header = lines[0]
    if "timeStamp" in header and "elapsed" in header and "label" in header:
        return True
    # No header: a line that starts with an epoch in ms and has JMeter's default column count.
    return bool(_FIRST_FIELD.match(header)) and len(next(csv.reader([header], delimiter=_delimiter(header)))) == len(
        DEFAULT_COLUMNS
    )


def parse(doc: Document) -> ParsedResults:
    # CSV: the fast column reader, unless the file is unusual; then the row reader.
    tally = _read_xml(doc) if _is_xml(doc) else _read_columns(doc) or _read_rows(doc)
    if not tally.endpoints:
        raise InputError(doc.path, "no samples: the file has a header and nothing else")
    return ParsedResults(doc.path, FORMAT.name, tuple(tally.series()), Environment(tool="jmeter"))


def _delimiter(line: str) -> str:
    return "\t" if line.count("\t") > line.count(",") else ","


def _header(doc: Document, first: str) -> tuple[list[str], str, bool]:
    """From the first line: the columns (from the header, or JMeter's defaults), the delimiter, and whether the
    line is a header."""
    delimiter = _delimiter(first)
    if _FIRST_FIELD.match(first):  # data: no header
        columns, is_header = DEFAULT_COLUMNS, False
    else:  # a header line, whatever its columns
        columns, is_header = next(csv.reader([first], delimiter=delimiter)), True
    missing = [c for c in ("elapsed", "label", "success") if c not in columns]
    if missing:
        raise InputError(
            doc.path, f"expected the columns elapsed, label and success; missing {', '.join(missing)}", where="1"
        )
    return columns, delimiter, is_header


@contextlib.contextmanager
def _csv_rows(doc: Document) -> Iterator[tuple[list[str], Any, int]]:
    """The columns, a csv.reader over the data rows, and how many lines come before them (the reader counts
    lines from where it starts)."""
    with doc.text_lines() as text:  # no line longer than the line limit is read whole
        first = text.readline()
        columns, delimiter, is_header = _header(doc, first)
        lines = iter(text) if is_header else itertools.chain([first], text)
        csv.field_size_limit(limits.input_limits.get().line_bytes)
        yield columns, csv.reader(lines, delimiter=delimiter), int(is_header)


def _read_columns(doc: Document) -> RequestTally | None:
    """A file as JMeter writes it, at C speed: numpy's CSV reader (the csv module's quoting rules: quoted
    fields, doubled quotes, line breaks within quotes) converts each block of rows into typed columns of the
    fields perfgate reads. None when anything is unusual (a number that is not one, a short row, a success
    other than true/false, a date timeStamp, a label over the line limit, a quoted field that does not end):
    the row reader then reads the file, or names the line at fault."""
    tally = RequestTally("ms")
    cap = limits.input_limits.get().line_bytes
    labels: dict[str, int] = {}  # label -> its code, in the order labels first appear
    table: _Table | None = None
    try:
        for block in _row_blocks(doc, cap):
            if table is None:
                first = io.StringIO(block, newline="").readline()
                table = _Table(*_header(doc, first))
                block = block[len(first) :] if table.has_header else block
            if not table.tally(tally, block, labels, cap):
                return None
    except (ValueError, InputError, _Unusual):  # numpy's parse errors; a line or file over a limit
        return None
    return tally if table is not None else None  # an empty file: the row reader says what is wrong


class _Table:
    """How numpy reads a file's rows: the columns perfgate uses, typed, and the last one (so that a short row is
    an error, as it is for the row reader)."""

    def __init__(self, columns: list[str], delimiter: str, has_header: bool) -> None:
        self.delimiter, self.has_header = delimiter, has_header
        self.usecols = [columns.index(c) for c in ("label", "elapsed", "success")]
        self.timed = "timeStamp" in columns
        if self.timed:
            self.usecols.append(columns.index("timeStamp"))
        if len(columns) - 1 not in self.usecols:
            self.usecols.append(len(columns) - 1)
        numbers = {1, 3} if self.timed else {1}  # elapsed and timeStamp, by their place in usecols
        self.dtype = np.dtype([(f"f{i}", np.float64 if i in numbers else object) for i in range(len(self.usecols))])

    def tally(self, tally: RequestTally, block: str, labels: dict[str, int], cap: int) -> bool:
        """Add a block's rows to the tally; False when a value is one the row reader should judge."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # numpy's "input contained no data"
            rows = np.loadtxt(
                io.StringIO(block, newline=""),
                delimiter=self.delimiter,
                quotechar='"',
                comments=None,
                usecols=self.usecols,
                dtype=self.dtype,
                ndmin=1,
            )
        names, latencies, success = rows["f0"], rows["f1"], rows["f2"]
        ok = success == _OK
        if not bool(np.all(latencies >= 0)) or not bool(np.all(ok | (success == "false"))):
            return False
        known = len(labels)
        codes = endpoint_codes(labels, names)
        if len(labels) > known and max(map(len, itertools.islice(labels, known, None))) > cap:
            return False
        sent = rows["f3"] / 1000 if self.timed else None
        if sent is not None and not bool(np.all(np.isfinite(sent))):
            return False
        tally.extend_each(list(labels), codes, latencies, ~ok, sent)
        return True


class _Unusual(Exception):
    """Something in the file that the column reader leaves to the row reader."""


def _row_blocks(doc: Document, cap: int) -> Iterator[str]:
    """The text a megabyte of whole rows at a time. A quoted field may hold line breaks, so a block with an odd
    number of quotes goes on into the next; numpy never reads past a block, so a quote that does not end costs
    at most the line limit before the row reader is left the file (JMeter doubles quotes within quoted fields:
    its rows always hold an even number)."""
    pending = ""
    for raw in doc.blocks():
        text = pending + raw.decode("utf-8", "replace")
        if text.count('"') % 2:
            if len(text) > cap:
                raise _Unusual
            pending = text
            continue
        pending = ""
        yield text
    if pending:
        raise _Unusual


def _read_rows(doc: Document) -> RequestTally:
    """The row reader, for the files the column reader leaves. Rows are taken a few hundred at a time and their
    fields converted with C-level loops (map, zip, islice) into flat arrays, tallied every few thousand rows: a
    Python statement per row would cost more than parsing the CSV. A batch that holds a bad row is read again,
    row by row, to name its line."""
    tally = RequestTally("ms")
    with _csv_rows(doc) as (columns, rows, _):
        wanted = [columns.index(c) for c in ("label", "elapsed", "success")]
        if "timeStamp" in columns:
            wanted.append(columns.index("timeStamp"))
        pick = operator.itemgetter(*wanted)
        nonblank = filter(None, rows)
        pending = _Pending(timed=len(wanted) > 3)
        while True:
            try:
                batch = list(itertools.islice(nonblank, _ROWS))
            except csv.Error:
                _raise_first_bad_row(doc)  # this batch's rows one at a time: the error, where its row starts
            if batch and (
                min(map(len, batch)) < len(columns) or not pending.add(list(zip(*map(pick, batch), strict=True)))
            ):
                _raise_first_bad_row(doc)
            if (len(pending.latencies) >= _BATCH or not batch) and not pending.flush(tally):
                _raise_first_bad_row(doc)
            if not batch:
                return tally


# Rows are taken a few hundred at a time (lists of fields die young: little work for the allocator and the
# garbage collector) and tallied many thousands at a time (numpy's cost per call).
_ROWS = 256
_BATCH = 16_384
_OK = "true"


class _Pending:
    """Converted rows not yet tallied: flat arrays of every column perfgate reads."""

    def __init__(self, timed: bool) -> None:
        self.labels: dict[str, int] = {}
        self.codes: list[npt.NDArray[np.intp]] = []
        self.latencies, self.failed, self.sent = array("d"), array("b"), array("d") if timed else None

    def add(self, columns: list[tuple[str, ...]]) -> bool:
        """One batch's columns (label, elapsed, success[, timeStamp]); False when an elapsed time is no number."""
        labels, elapsed, success = columns[0], columns[1], columns[2]
        try:
            self.latencies.extend(map(float, elapsed))
        except ValueError:
            return False
        if not set(success) <= {_OK, "false"}:  # JMeter writes true/false; anything else, the slow way
            success = tuple(_OK if text.strip().lower() == _OK else "false" for text in success)
        self.failed.extend(map(_OK.__ne__, success))
        self.codes.append(endpoint_codes(self.labels, labels))
        if self.sent is not None:
            try:
                self.sent.extend(map(float, columns[3]))
            except ValueError:
                self.sent = None  # a date format perfgate does not read: no throughput windows
        return True

    def flush(self, tally: RequestTally) -> bool:
        """Tally what is pending, by label; False when an elapsed time is negative or not a number."""
        if not self.latencies:
            return True
        latencies = np.frombuffer(self.latencies, dtype=np.float64)
        if not bool(np.all(latencies >= 0)):
            return False
        failed = np.frombuffer(self.failed, dtype=np.int8).astype(bool)
        codes = np.concatenate(self.codes)
        sent = np.frombuffer(self.sent, dtype=np.float64) / 1000 if self.sent is not None else None
        if sent is not None and not bool(np.all(np.isfinite(sent))):
            sent = None
        tally.extend_each(list(self.labels), codes, latencies, failed, sent)
        self.codes, self.latencies, self.failed = [], array("d"), array("b")
        if self.sent is not None:
            self.sent = array("d")
        return True


def _raise_first_bad_row(doc: Document) -> NoReturn:
    """Read the file again row by row and raise the error of the first bad row, at the line the row starts on
    (a quoted field may hold line breaks, and one whose quote never ends runs on to the field size limit)."""
    with _csv_rows(doc) as (columns, rows, skipped):
        elapsed = columns.index("elapsed")
        line = 1 + skipped  # where the next row starts
        try:
            for row in rows:
                if row and len(row) < len(columns):
                    raise InputError(doc.path, f"expected {len(columns)} fields, got {len(row)}", where=str(line))
                if row and not _is_milliseconds(row[elapsed]):
                    raise InputError(doc.path, f"expected elapsed milliseconds, got {row[elapsed]!r}", where=str(line))
                line = rows.line_num + skipped + 1
        except csv.Error as exc:
            hint = f"; {limits.RAISE_HINT}" if "field limit" in str(exc) else ""
            raise InputError(doc.path, f"not CSV perfgate reads: {exc}{hint}", where=str(line)) from None
    raise InputError(doc.path, "a row perfgate cannot read")  # not reached: the batch had a bad row


def _is_milliseconds(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value >= 0


def _read_xml(doc: Document) -> RequestTally:
    """Top-level samples, read by expat's callbacks (no element objects are built): a sample's attributes are
    kept as text and converted many thousand at a time."""
    tally = RequestTally("ms")
    samples = _XmlSamples(doc, tally)
    parser = expat.ParserCreate()
    parser.StartElementHandler = samples.start
    parser.EndElementHandler = samples.end
    with doc.stream() as handle:
        try:
            parser.ParseFile(handle)
        except expat.ExpatError as exc:
            where = f"{exc.lineno}:{exc.offset}"
            raise InputError(doc.path, f"not valid XML: {expat.ErrorString(exc.code)}", where=where) from None
        except LookupError as exc:  # the XML declaration names an encoding Python does not know
            raise InputError(doc.path, f"not readable XML: {exc}; expected UTF-8 or another known encoding") from None
    samples.flush()
    return tally


_SAMPLE_TAGS = frozenset({"httpSample", "sample"})


class _XmlSamples:
    """Attributes of top-level samples (``lb``, ``t``, ``s``, ``ts``), tallied in batches. Nested samples (a
    transaction's requests, redirects, embedded resources) are part of their parent's time."""

    def __init__(self, doc: Document, tally: RequestTally) -> None:
        self.doc, self.tally, self.depth = doc, tally, 0
        self.labels: dict[str, int] = {}
        self.names: list[str] = []
        self.elapsed: list[str] = []
        self.success: list[str] = []
        self.stamps: list[str] = []

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in _SAMPLE_TAGS:
            self.depth += 1
            if self.depth == 1:
                self.names.append(attributes.get("lb", ""))
                self.elapsed.append(attributes.get("t", ""))
                self.success.append(attributes.get("s", "true"))
                self.stamps.append(attributes.get("ts", ""))

    def end(self, tag: str) -> None:
        if tag in _SAMPLE_TAGS:
            self.depth -= 1
            if self.depth == 0 and len(self.names) >= _BATCH:
                self.flush()

    def flush(self) -> None:
        if not self.names:
            return
        try:
            latencies = np.array(self.elapsed, dtype=np.float64)
        except ValueError:
            latencies = np.array([_number(t) for t in self.elapsed])
        if not bool(np.all(latencies >= 0)):  # also false for NaN: a missing or unreadable time
            bad = int(np.flatnonzero(~(latencies >= 0))[0])
            raise InputError(
                self.doc.path, f"sample {self.names[bad]!r}: expected t (elapsed ms), got {self.elapsed[bad] or None!r}"
            )
        try:
            sent = np.array(self.stamps, dtype=np.float64) / 1000
        except ValueError:  # a missing or unreadable time stamp: that endpoint gets no time windows
            sent = np.array([_number(stamp) for stamp in self.stamps]) / 1000
        codes = endpoint_codes(self.labels, self.names)
        failed = np.fromiter(map(_OK.__ne__, self.success), dtype=bool, count=len(self.success))
        self.tally.extend_each(list(self.labels), codes, latencies, failed, sent)
        self.names, self.elapsed, self.success, self.stamps = [], [], [], []


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


FORMAT = Format(
    name="jmeter",
    description="Apache JMeter JTL results, CSV (with or without header) or XML",
    yields="per label: latency per sample (elapsed), throughput per time window (timeStamp), error rate (success); "
    "transactions not double counted",
    sniff=sniff,
    parse=parse,
)
