"""JMeter: JTL files (CSV by columns or by rows, and XML) and the HTML dashboard's statistics.json."""

from __future__ import annotations

import csv
import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest

from perfgate import formats, limits
from perfgate.errors import InputError
from perfgate.formats import document
from perfgate.formats.document import Document
from perfgate.formats.readers import jmeter
from perfgate.model import SampleKind, Series

from ..conftest import DATA, input_limits
from .reading import assert_same_series, by_key, write_input

JMETER = DATA / "jmeter"


def test_jmeter_csv_counts_each_label_and_failures() -> None:
    series = by_key(JMETER / "HTMLReportTestFile.csv")
    assert series[("JR-KO", "error_rate")].summary.errors == 3
    ok = series[("JR-OK", "latency")]
    assert ok.kind is SampleKind.REQUEST and ok.samples.size == ok.summary.count == 252


def test_jmeter_transactions_are_not_double_counted() -> None:
    series = by_key(JMETER / "filewithtransactions.csv")
    transaction, children = series[("HP", "latency")], [series[(f"HP-{i}", "latency")] for i in range(3)]
    assert transaction.summary.count == 37 and all(c.summary.count == 37 for c in children)


def test_jmeter_multiline_quoted_labels() -> None:
    names = {name for name, _ in by_key(JMETER / "multiLineCSV.jtl")}
    assert any(
        name.startswith('no such element: Unable to locate element: {"method":"id"') and "\n" in name for name in names
    )


def test_jmeter_a_bad_row_is_named_by_the_line_it_starts_on(tmp_path: Path) -> None:
    """The real multi-line row (a label with line breaks, lines 3-5) with a bad success and a short row after it."""
    text = (JMETER / "multiLineCSV.jtl").read_text()
    path = tmp_path / "multi.jtl"
    path.write_text(
        text.replace(",500,NOTOK,Review Date test 1-1,text,false,", ",500,NOTOK,Review Date test 1-1,text,maybe,")
    )
    assert by_key(path)  # an unusual success: read by the row reader, as "not true"
    path.write_text(text.replace("1492260112271,118,", "1492260112271,-5,"))
    with pytest.raises(InputError, match=r"multi\.jtl:3: expected elapsed milliseconds, got '-5'"):
        formats.read(path)
    path.write_text(text + "1492260112999,12,short\n")
    with pytest.raises(InputError, match=r"multi\.jtl:6: expected 16 fields, got 3"):
        formats.read(path)


def test_jmeter_csv_without_header_uses_the_default_columns(tmp_path: Path) -> None:
    lines = (JMETER / "HTMLReportTestFile.csv").read_text().splitlines()
    path = tmp_path / "noheader.jtl"
    path.write_text("\n".join(lines[1:]) + "\n")
    assert [s.summary for s in formats.read(path).series] == [
        s.summary for s in formats.read(JMETER / "HTMLReportTestFile.csv").series
    ]


def _jmeter_both_ways(path: Path) -> tuple[list[Series], list[Series]]:
    """The column reader's (numpy) series and the row reader's (csv module) series of one file."""

    columns = jmeter._read_columns(Document.open(path))
    assert columns is not None, "the column reader gave up"
    return columns.series(), jmeter._read_rows(Document.open(path)).series()


@pytest.mark.parametrize("fixture", ["HTMLReportTestFile.csv", "filewithtransactions.csv", "multiLineCSV.jtl"])
def test_jmeter_csv_column_and_row_readers_agree(fixture: str) -> None:
    fast, slow = _jmeter_both_ways(JMETER / fixture)
    assert fast
    assert_same_series(fast, slow)


def test_jmeter_csv_without_timestamps_is_read_by_columns(tmp_path: Path) -> None:
    """Custom columns without timeStamp (and so no throughput), the thread's name last, tab-separated."""
    rows = list(csv.reader((JMETER / "HTMLReportTestFile.csv").open(newline="")))
    order = [c for c in rows[0] if c not in ("timeStamp", "threadName")] + ["threadName"]
    path = tmp_path / "untimed.tsv"
    with path.open("w", newline="") as out:
        csv.writer(out, delimiter="\t").writerows([[row[rows[0].index(c)] for c in order] for row in rows])
    fast, slow = _jmeter_both_ways(path)
    assert {s.metric for s in fast} == {"latency", "error_rate"}
    assert_same_series(fast, slow)


def test_jmeter_csv_readers_agree_over_many_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real rows (quoted labels with line breaks and doubled quotes, failures, transactions) over many of the
    column reader's blocks, some of them cut within a quoted label; Windows line ends; no header."""

    monkeypatch.setattr(document, "_CHUNK", 300)  # blocks of a few rows
    plain, multiline = (
        list(csv.reader((JMETER / name).open(newline="")))[1:]
        for name in ("HTMLReportTestFile.csv", "multiLineCSV.jtl")
    )
    rows = [
        row for i, row in enumerate(plain) for row in ([row, multiline[i % len(multiline)]] if i % 9 == 0 else [row])
    ]
    path = tmp_path / "many.jtl"
    with path.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        for row in rows:
            writer.writerow(row + [""] * (len(jmeter.DEFAULT_COLUMNS) - len(row)))
    blocks = list(jmeter._row_blocks(Document.open(path), 1 << 20))
    assert len(blocks) < len(list(Document.open(path).blocks())), "no block ended within a quoted label"
    fast, slow = _jmeter_both_ways(path)
    assert sum(s.summary.count for s in fast if s.metric == "latency") == len(rows)
    assert_same_series(fast, slow)


def test_jmeter_a_quote_that_never_ends_is_left_to_the_row_reader(tmp_path: Path) -> None:
    """numpy would read the rest of the file into one field; the column reader stops at the line limit."""

    lines = (JMETER / "HTMLReportTestFile.csv").read_text().splitlines()
    lines[3] = lines[3].replace(",JR-OK,", ',"JR-OK,', 1)
    path = tmp_path / "unended.csv"
    path.write_text("\n".join(lines * 40) + "\n")
    with input_limits(line_bytes=20_000):
        assert jmeter._read_columns(Document.open(path)) is None
        with pytest.raises(InputError, match=r"unended\.csv:4: not CSV perfgate reads: field larger than field limit"):
            formats.read(path)


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (lambda t: t.replace(",true,", ",TRUE,", 1), "success other than true/false"),
        (lambda t: re.sub(r"\n1551783627543,", "\n2019/03/05 10:00:27,", t, count=1), "a date timeStamp"),
        (lambda t: t.replace("\n1551783627543,192,", "\n1551783627543,-1,", 1), "a negative elapsed time"),
        (lambda t: t + "1551783627999,12,short\n", "a short row"),
    ],
)
def test_jmeter_unusual_csv_is_left_to_the_row_reader(tmp_path: Path, edit, why: str) -> None:  # type: ignore[no-untyped-def]

    path = tmp_path / "unusual.csv"
    path.write_text(edit((JMETER / "HTMLReportTestFile.csv").read_text()))
    assert path.read_text() != (JMETER / "HTMLReportTestFile.csv").read_text()
    assert jmeter._read_columns(Document.open(path)) is None, why


def test_jmeter_a_date_timestamp_is_read_by_the_row_reader_without_throughput(tmp_path: Path) -> None:
    text = (JMETER / "HTMLReportTestFile.csv").read_text()
    path = tmp_path / "dates.csv"
    path.write_text(re.sub(r"\n\d{13},", "\n2019/03/05 10:00:27,", text))
    series = by_key(path)
    assert series[("JR-OK", "latency")].summary.count == 252
    assert ("JR-OK", "throughput") not in series


def test_jmeter_xml_counts_top_level_samples_only() -> None:
    series = by_key(JMETER / "hailstorm_jtl_log_data.jtl")
    assert ("/Home.aspx", "latency") not in series  # a transaction's child, part of "Home Page"
    assert series[("Home Page", "latency")].summary.count == 3


def _jmeter_xml(path: Path, copies: int, drop_stamp_of: str | None = None) -> None:
    """The real XML JTL's top-level samples (transactions with nested requests) many times over, a second
    apart; with ``drop_stamp_of``, that label's first copy loses its ts."""
    import xml.etree.ElementTree as ET

    root = ET.parse(JMETER / "hailstorm_jtl_log_data.jtl").getroot()
    out = ET.Element(root.tag, root.attrib)
    for copy in range(copies):
        for sample in root:
            clone = ET.fromstring(ET.tostring(sample))
            clone.set("ts", str(int(sample.get("ts", "0")) + copy * 1000))
            if copy == 0 and clone.get("lb") == drop_stamp_of:
                del clone.attrib["ts"]
            out.append(clone)
    ET.ElementTree(out).write(path, encoding="UTF-8", xml_declaration=True)


def test_jmeter_xml_many_samples_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over several of the reader's batches: counts as in the file; a sample without ts costs its label the time
    windows (throughput), and only that label."""

    monkeypatch.setattr(jmeter, "_BATCH", 50)
    path = tmp_path / "many.jtl"
    _jmeter_xml(path, 40)
    series = by_key(path)
    home = series[("Home Page", "latency")]
    assert home.summary.count == 3 * 40
    assert ("/Home.aspx", "latency") not in series
    assert ("Home Page", "throughput") in series and ("Login Page", "throughput") in series
    _jmeter_xml(path, 40, drop_stamp_of="Home Page")
    unstamped = by_key(path)
    assert ("Home Page", "throughput") not in unstamped and ("Login Page", "throughput") in unstamped
    # The same requests: in the file's order without send times, in send-time order with them (the copies of a
    # sample share its ts, so they come together).
    assert sorted(unstamped[("Home Page", "latency")].samples.tolist()) == sorted(home.samples.tolist())


@pytest.mark.parametrize(
    ("fixture", "edit", "message"),
    [
        (
            "HTMLReportTestFile.csv",
            lambda t: t.replace("1551783627543,192,", "1551783627543,fast,", 1),
            r"HTMLReportTestFile\.csv:3: expected elapsed milliseconds, got 'fast'",
        ),
        (
            "HTMLReportTestFile.csv",
            lambda t: t.replace("timeStamp,elapsed,label", "timeStamp,took,label", 1),
            r"HTMLReportTestFile\.csv:1: expected the columns elapsed, label and success; missing elapsed",
        ),
        (
            "hailstorm_jtl_log_data.jtl",
            lambda t: t[: len(t) // 2],
            r"hailstorm_jtl_log_data\.jtl:\d+:\d+: not valid XML",
        ),
    ],
)
def test_jmeter_bad_input(tmp_path: Path, fixture: str, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / fixture
    path.write_text(edit((JMETER / fixture).read_text()))
    with pytest.raises(InputError, match=message):
        formats.read(path, "jmeter")


def test_a_csv_field_over_the_line_limit_names_the_option(tmp_path: Path) -> None:
    jtl = (DATA / "jmeter" / "filewithtransactions.csv").read_text()
    head, rest = jtl.split("\n", 1)
    path = write_input(tmp_path, "big.csv", f"{head}\n{rest.replace(',', ',' + 'x' * 200_000, 1)}")
    with input_limits(line_bytes=100_000), pytest.raises(InputError, match="--max-input-size"):
        formats.read(path)


def test_jmeter_dashboard_statistics_agree_with_the_jtl_they_were_made_from() -> None:
    """JMeter's own test pair: statistics.json is the dashboard of HTMLReportTestFile.csv (apache/jmeter)."""
    from perfgate import formats as read_formats

    stats = {
        (s.name, s.metric): s for s in read_formats.read(DATA / "jmeter" / "HTMLReportExpect_statistics.json").series
    }
    jtl = {(s.name, s.metric): s for s in read_formats.read(DATA / "jmeter" / "HTMLReportTestFile.csv").series}
    for label in ("JR-OK", "JR-KO"):
        a, b = stats[(label, "latency")].summary, jtl[(label, "latency")].summary
        assert a.count == b.count and a.mean == pytest.approx(b.mean, rel=1e-9)
        assert a.min == b.min and a.max == b.max
        assert stats[(label, "error_rate")].summary.errors == jtl[(label, "error_rate")].summary.errors
    assert stats[("Total", "latency")].summary.count == 255


def test_a_quarter_gigabyte_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """The row reader read a line whole before csv saw its field too long (2.2 GB for a 1 GiB line): it reads no
    more of a line than the line limit, as k6's and Gatling's readers do. In a child process, to measure its peak."""
    path = tmp_path / "long-line.csv.gz"
    head = (JMETER / "HTMLReportTestFile.csv").read_bytes()
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(head + b"1551783627543,192,home")
        for _ in range(256):
            out.write(b"x" * 1024**2)
        out.write(b",200\n")
    # The peak of the child's own memory (VmHWM: ru_maxrss would carry over this process's, from before exec).
    script = (
        "import re, sys\nfrom pathlib import Path\nfrom perfgate import formats\nfrom perfgate.errors import InputError\n"
        "try:\n    formats.read(sys.argv[1])\nexcept InputError as exc:\n    print(exc)\n"
        "print(int(re.search(r'VmHWM:\\s*(\\d+)', Path('/proc/self/status').read_text())[1]) // 1024)"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    message, peak = done.stdout.splitlines()
    line = head.count(b"\n") + 1
    assert message == f"{path}:{line}: a line longer than 16,777,216 bytes; {limits.RAISE_HINT}", done.stderr
    assert int(peak) < 160, f"{peak} MB"  # a whole line is 256 MiB of bytes, and more as text
