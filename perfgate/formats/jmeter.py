"""Apache JMeter JTL results, CSV (with or without a header, any delimiter) and XML, streamed.

Each sample is one request of its ``label``: ``elapsed`` (ms) is its latency, ``success`` says whether it
failed, rows come in time order. Every label is its own endpoint, so a Transaction Controller's parent row
(``Number of samples in transaction : …``) and its children are never added together. In XML, only
top-level samples count: nested ``httpSample`` elements (a transaction's requests, redirects, embedded
resources) are part of their parent's time.
"""

from __future__ import annotations

import csv
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

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
    else:
        _read_csv(doc, tally)
    if not tally.endpoints:
        raise InputError(doc.path, "no samples: the file has a header and nothing else")
    return ParsedResults(doc.path, FORMAT.name, tuple(tally.series()), Environment(tool="jmeter"))


def _delimiter(line: str) -> str:
    return "\t" if line.count("\t") > line.count(",") else ","


def _read_csv(doc: Document, tally: RequestTally) -> None:
    with doc.stream() as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")
        first = text.readline()
        delimiter = _delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter))
        # The reader counts lines from where it starts: after the header when there is one.
        if not _FIRST_FIELD.match(first):  # a header line, whatever its columns
            columns, rows, skipped = header, csv.reader(text, delimiter=delimiter), 1
        else:
            columns, rows, skipped = DEFAULT_COLUMNS, csv.reader(_chain(first, text), delimiter=delimiter), 0
        missing = [c for c in ("elapsed", "label", "success") if c not in columns]
        if missing:
            raise InputError(
                doc.path, f"expected the columns elapsed, label and success; missing {', '.join(missing)}", where="1"
            )
        elapsed, label, success = columns.index("elapsed"), columns.index("label"), columns.index("success")
        stamp = columns.index("timeStamp") if "timeStamp" in columns else None
        csv.field_size_limit(limits.input_limits.get().line_bytes)
        for row in _guarded(doc, rows, skipped):
            if not row:
                continue
            line = rows.line_num + skipped
            if len(row) < len(columns):
                raise InputError(doc.path, f"expected {len(columns)} fields, got {len(row)}", where=str(line))
            tally.add(
                row[label],
                _milliseconds(doc, row[elapsed], line),
                row[success].strip().lower() != "true",
                _epoch_seconds(row[stamp]) if stamp is not None else None,
            )


def _guarded(doc: Document, rows: Any, skipped: int) -> Iterator[list[str]]:
    """The CSV reader's rows; its errors (a field over the line limit, a NUL) name the line."""
    try:
        yield from rows
    except csv.Error as exc:
        raise InputError(
            doc.path, f"not CSV perfgate reads: {exc}; {limits.RAISE_HINT}", where=str(rows.line_num + skipped)
        ) from None


def _chain(first: str, rest: io.TextIOWrapper) -> Iterator[str]:
    yield first
    yield from rest


def _milliseconds(doc: Document, text: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0 or value != value:
        raise InputError(doc.path, f"expected elapsed milliseconds, got {text!r}", where=str(line))
    return value


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
                    tally.add(label, latency, element.get("s", "true") != "true", _epoch_seconds(element.get("ts")))
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


def _epoch_seconds(stamp: str | None) -> float | None:
    """JMeter's timeStamp (ms since the epoch) in seconds; None for a date format perfgate does not parse."""
    try:
        value = float(stamp) / 1000 if stamp else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None
