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
import xml.etree.ElementTree as ET
from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np

from perfgate import limits
from perfgate.errors import InputError
from perfgate.formats import Format
from perfgate.formats.document import Document
from perfgate.formats.requests import RequestTally
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
    tally = RequestTally("ms")
    if _is_xml(doc):
        _read_xml(doc, tally)
    elif (columns := _read_columns(doc)) is not None:
        tally = columns
    else:
        _read_csv(doc, tally)
    if not tally.endpoints:
        raise InputError(doc.path, "no samples: the file has a header and nothing else")
    return ParsedResults(doc.path, FORMAT.name, tuple(tally.series()), Environment(tool="jmeter"))


def _delimiter(line: str) -> str:
    return "\t" if line.count("\t") > line.count(",") else ","


@contextlib.contextmanager
def _csv_lines(doc: Document) -> Iterator[tuple[list[str], str, Iterator[str], int]]:
    """The columns (from the header, or JMeter's defaults), the delimiter, the text lines from the first data
    row on, and how many lines come before them."""
    with doc.stream() as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")
        first = text.readline()
        delimiter = _delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter))
        if not _FIRST_FIELD.match(first):  # a header line, whatever its columns
            columns, lines, skipped = header, iter(text), 1
        else:
            columns, lines, skipped = DEFAULT_COLUMNS, itertools.chain([first], text), 0
        missing = [c for c in ("elapsed", "label", "success") if c not in columns]
        if missing:
            raise InputError(
                doc.path, f"expected the columns elapsed, label and success; missing {', '.join(missing)}", where="1"
            )
        yield columns, delimiter, lines, skipped


@contextlib.contextmanager
def _csv_rows(doc: Document) -> Iterator[tuple[list[str], Any, int]]:
    """The columns, a csv.reader over the data rows, and how many lines come before them (the reader counts
    lines from where it starts)."""
    with _csv_lines(doc) as (columns, delimiter, lines, skipped):
        csv.field_size_limit(limits.input_limits.get().line_bytes)
        yield columns, csv.reader(lines, delimiter=delimiter), skipped


def _read_columns(doc: Document) -> RequestTally | None:
    """A file as JMeter writes it, at C speed: numpy's CSV reader (the csv module's quoting rules: quoted
    fields, doubled quotes, line breaks within quotes) converts a chunk of rows at a time into typed columns
    of the fields perfgate reads, and the last one (so that a short row is an error). None when anything is
    unusual (a number that is not one, a short row, a success other than true/false, a date timeStamp, a label
    over the line limit): the row reader then reads the file, or names the line at fault."""
    tally = RequestTally("ms")
    cap = limits.input_limits.get().line_bytes
    index: dict[str, int] = {}  # label -> its code, in the order labels first appear
    with _csv_lines(doc) as (columns, delimiter, lines, _):
        wanted = [columns.index(c) for c in ("label", "elapsed", "success")]
        timed = "timeStamp" in columns
        if timed:
            wanted.append(columns.index("timeStamp"))
        if len(columns) - 1 not in wanted:
            wanted.append(len(columns) - 1)
        numeric = {1, 3} if timed else {1}  # elapsed and timeStamp, by position in ``wanted``
        dtype = np.dtype([(f"f{i}", np.float64 if i in numeric else object) for i in range(len(wanted))])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # numpy's "input contained no data" at the end of a file
            while True:
                try:
                    chunk = np.loadtxt(
                        lines,
                        delimiter=delimiter,
                        quotechar='"',
                        comments=None,
                        usecols=wanted,
                        dtype=dtype,
                        max_rows=_CHUNK_ROWS,
                        ndmin=1,
                    )
                except ValueError:
                    return None
                labels, latencies, success = chunk["f0"], chunk["f1"], chunk["f2"]
                ok = success == _OK
                if not bool(np.all(latencies >= 0)) or not bool(np.all(ok | (success == "false"))):
                    return None
                try:
                    codes = np.fromiter(map(index.__getitem__, labels), dtype=np.intp, count=len(labels))
                except KeyError:  # new labels: numbered in the order they first appear
                    for name in dict.fromkeys(labels):
                        if name not in index:
                            if len(name) > cap:
                                return None
                            index[name] = len(index)
                    codes = np.fromiter(map(index.__getitem__, labels), dtype=np.intp, count=len(labels))
                sent = chunk["f3"] / 1000 if timed else None
                if sent is not None and not bool(np.all(np.isfinite(sent))):
                    return None
                tally.extend_each(list(index), codes, latencies, ~ok, sent)
                if len(chunk) < _CHUNK_ROWS:
                    return tally


def _read_csv(doc: Document, tally: RequestTally) -> None:
    """The row reader, for the files the column reader leaves. Rows are taken a few hundred at a time and their
    fields converted with C-level loops (map, zip, islice) into flat arrays, tallied every few thousand rows: a
    Python statement per row would cost more than parsing the CSV. A batch that holds a bad row is read again,
    row by row, to name its line."""
    with _csv_rows(doc) as (columns, rows, skipped):
        wanted = [columns.index(c) for c in ("label", "elapsed", "success")]
        if "timeStamp" in columns:
            wanted.append(columns.index("timeStamp"))
        pick = operator.itemgetter(*wanted)
        nonblank = filter(None, rows)
        pending = _Pending(timed=len(wanted) > 3)
        while True:
            try:
                batch = list(itertools.islice(nonblank, _ROWS))
            except csv.Error as exc:
                raise InputError(
                    doc.path, f"not CSV perfgate reads: {exc}; {limits.RAISE_HINT}", where=str(rows.line_num + skipped)
                ) from None
            if batch and (
                min(map(len, batch)) < len(columns) or not pending.add(list(zip(*map(pick, batch), strict=True)))
            ):
                _raise_first_bad_row(doc)
            if (len(pending.latencies) >= _BATCH or not batch) and not pending.flush(tally):
                _raise_first_bad_row(doc)
            if not batch:
                return


# Rows are taken a few hundred at a time (lists of fields die young: little work for the allocator and the
# garbage collector) and tallied many thousands at a time (numpy's cost per call).
_ROWS = 256
_BATCH = 16_384
_CHUNK_ROWS = 65_536  # rows numpy reads at a time: a few MB of columns
_OK = "true"


class _Pending:
    """Converted rows not yet tallied: flat arrays of every column perfgate reads."""

    def __init__(self, timed: bool) -> None:
        self.labels: dict[str, int] = {}
        self.codes, self.latencies = array("l"), array("d")
        self.failed, self.sent = array("b"), array("d") if timed else None

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
        try:
            self.codes.extend(map(self.labels.__getitem__, labels))
        except KeyError:
            for name in labels:
                self.labels.setdefault(name, len(self.labels))
            del self.codes[len(self.latencies) - len(labels) :]
            self.codes.extend(map(self.labels.__getitem__, labels))
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
        codes = np.frombuffer(self.codes, dtype=np.int_)
        sent = np.frombuffer(self.sent, dtype=np.float64) / 1000 if self.sent is not None else None
        if sent is not None and not bool(np.all(np.isfinite(sent))):
            sent = None
        tally.extend_each(list(self.labels), codes, latencies, failed, sent)
        self.codes, self.latencies, self.failed = array("l"), array("d"), array("b")
        if self.sent is not None:
            self.sent = array("d")
        return True


def _raise_first_bad_row(doc: Document) -> None:
    """Read the file again row by row and raise the error of the first bad row, with its line."""
    with _csv_rows(doc) as (columns, rows, skipped):
        elapsed = columns.index("elapsed")
        for row in rows:
            line = rows.line_num + skipped
            if not row:
                continue
            if len(row) < len(columns):
                raise InputError(doc.path, f"expected {len(columns)} fields, got {len(row)}", where=str(line))
            if not _is_milliseconds(row[elapsed]):
                raise InputError(doc.path, f"expected elapsed milliseconds, got {row[elapsed]!r}", where=str(line))
    raise InputError(doc.path, "a row perfgate cannot read")  # not reached: the batch had a bad row


def _is_milliseconds(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value >= 0


def _read_xml(doc: Document, tally: RequestTally) -> None:
    depth = 0
    with doc.stream() as handle:
        try:
            for event, element in ET.iterparse(handle, events=("start", "end")):
                if element.tag not in ("httpSample", "sample"):
                    continue
                if event == "start":
                    depth += 1
                    continue
                depth -= 1
                if depth == 0:  # a top-level sample: its nested samples are part of it
                    label = element.get("lb", "")
                    t = element.get("t")
                    try:
                        latency = float(t) if t is not None else -1.0
                    except ValueError:
                        latency = -1.0
                    if latency < 0:
                        raise InputError(doc.path, f"sample {label!r}: expected t (elapsed ms), got {t!r}")
                    tally.add(label, latency, element.get("s", "true") != "true", _epoch_second(element.get("ts")))
                    element.clear()  # keep memory bounded on large files
        except ET.ParseError as exc:
            line, column = exc.position
            raise InputError(
                doc.path, f"not valid XML: {exc.msg if hasattr(exc, 'msg') else exc}", where=f"{line}:{column}"
            ) from None
        except LookupError as exc:  # the XML declaration names an encoding Python does not know
            raise InputError(doc.path, f"not readable XML: {exc}; expected UTF-8 or another known encoding") from None


FORMAT = Format(
    name="jmeter",
    description="Apache JMeter JTL results, CSV (with or without header) or XML",
    yields="per label: latency per sample (elapsed), throughput per time window (timeStamp), error rate (success); "
    "transactions not double counted",
    sniff=sniff,
    parse=parse,
)


def _epoch_second(stamp: str | None) -> float | None:
    """One timeStamp (ms since the epoch) in seconds; None for a date format perfgate does not parse."""
    try:
        value = float(stamp) / 1000 if stamp else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None
