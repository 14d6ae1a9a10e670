"""Load-test formats: k6 summaries and k6 NDJSON streams."""

from __future__ import annotations

import csv
import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.formats import document, requests
from perfgate.formats.document import Document
from perfgate.formats.readers import gatling, jmeter
from perfgate.model import Direction, SampleKind, Series

from ..conftest import DATA, input_limits

K6 = DATA / "k6"


def _by_key(path: Path) -> dict[tuple[str, str], object]:
    return {s.key: s for s in formats.read(path).series}


def test_summary_export_and_handle_summary_agree() -> None:
    legacy, handle = _by_key(K6 / "k6_summary_export.json"), _by_key(K6 / "k6_handle_summary.json")
    assert legacy.keys() == handle.keys()
    for key in legacy:
        assert legacy[key].summary == handle[key].summary, key  # type: ignore[attr-defined]


def test_summary_names_endpoints_from_the_name_tag() -> None:
    series = _by_key(K6 / "k6_summary_export.json")
    catalog = series[("catalog", "latency")]
    assert catalog.unit == "s" and catalog.summary.p95 == pytest.approx(0.05231308355)  # type: ignore[attr-defined]
    failed = series[("http_req_failed", "error_rate")]
    # In --summary-export, "passes" of http_req_failed are FAILED requests.
    assert failed.summary.errors == 6 and failed.summary.count == 432  # type: ignore[attr-defined]
    assert failed.direction is Direction.LOWER_IS_BETTER  # type: ignore[attr-defined]
    assert ("vus", "value") not in series  # gauges are skipped


def test_failed_thresholds_become_notes(tmp_path: Path) -> None:
    raw = json.loads((K6 / "k6_summary_export.json").read_text())
    raw["metrics"]["http_req_duration{name:catalog}"]["thresholds"]["p(95)<80"] = True  # true = failed here
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(raw))
    assert formats.read(path).notes == ("k6 threshold 'p(95)<80' on http_req_duration{name:catalog} failed",)
    handle = json.loads((K6 / "k6_handle_summary.json").read_text())
    handle["metrics"]["checks"]["thresholds"]["rate>0.95"]["ok"] = False
    path.write_text(json.dumps(handle))
    assert formats.read(path).notes == ("k6 threshold 'rate>0.95' on checks failed",)


def test_ndjson_groups_requests_by_name_and_counts_failures() -> None:
    series = _by_key(K6 / "k6_points.ndjson.gz")
    checkout = series[("checkout", "latency")]
    assert checkout.kind is SampleKind.REQUEST and checkout.samples.size == 144  # type: ignore[attr-defined]
    assert series[("checkout", "error_rate")].summary.errors == 6  # type: ignore[attr-defined]
    assert ("GET http://127.0.0.1:18499/api/search?q=shoes", "latency") in series  # unnamed: method + url
    assert series[("order accepted", "pass_rate")].summary.errors == 6  # type: ignore[attr-defined]
    summary = _by_key(K6 / "k6_summary_export.json")
    # The stream and the end-of-test summary of the same run agree on the endpoint's median.
    assert checkout.summary.median == pytest.approx(summary[("http_req_duration", "latency")].summary.median, rel=0.2)  # type: ignore[attr-defined]


def test_ndjson_plain_and_gzip_read_alike(tmp_path: Path) -> None:
    plain = tmp_path / "points.ndjson"
    plain.write_bytes(gzip.decompress((K6 / "k6_points.ndjson.gz").read_bytes()))
    assert [s.summary for s in formats.read(plain).series] == [
        s.summary for s in formats.read(K6 / "k6_points.ndjson.gz").series
    ]


def test_ndjson_keeps_a_bounded_seeded_reservoir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "RESERVOIR", 20)
    first = _by_key(K6 / "k6_points.ndjson.gz")[("catalog", "latency")]
    again = _by_key(K6 / "k6_points.ndjson.gz")[("catalog", "latency")]
    assert first.samples.size == 20 and first.summary.count == 144  # type: ignore[attr-defined]
    assert first.samples.tolist() == again.samples.tolist()  # type: ignore[attr-defined]


def test_ndjson_leaves_out_setup_and_teardown(tmp_path: Path) -> None:
    lines = (K6 / "k6_points_head.ndjson").read_text().splitlines()
    point = json.loads(next(line for line in lines if '"http_req_duration"' in line and '"Point"' in line))
    point["data"]["tags"]["group"] = "::setup"
    point["data"]["tags"]["name"] = "login"
    path = tmp_path / "points.ndjson"
    path.write_text("\n".join([*lines, json.dumps(point)]) + "\n")
    assert all(s.name != "login" for s in formats.read(path).series)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda line: line[: len(line) // 2], "not a JSON line"),
        (lambda line: line.replace('"value":', '"value":-'), "expected a non-negative number as data.value"),
    ],
)
def test_ndjson_bad_line_is_named(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    lines = (K6 / "k6_points_head.ndjson").read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if '"http_req_duration"' in line and '"Point"' in line and i > 10)
    lines[index] = edit(lines[index])
    path = tmp_path / "points.ndjson"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=rf"points\.ndjson:{index + 1}: {message}"):
        formats.read(path)


JMETER = DATA / "jmeter"
LOCUST = DATA / "locust"
GATLING = DATA / "gatling"


def test_jmeter_csv_counts_each_label_and_failures() -> None:
    series = _by_key(JMETER / "HTMLReportTestFile.csv")
    assert series[("JR-KO", "error_rate")].summary.errors == 3  # type: ignore[attr-defined]
    ok = series[("JR-OK", "latency")]
    assert ok.kind is SampleKind.REQUEST and ok.samples.size == ok.summary.count == 252  # type: ignore[attr-defined]


def test_jmeter_transactions_are_not_double_counted() -> None:
    series = _by_key(JMETER / "filewithtransactions.csv")
    transaction, children = series[("HP", "latency")], [series[(f"HP-{i}", "latency")] for i in range(3)]
    assert transaction.summary.count == 37 and all(c.summary.count == 37 for c in children)  # type: ignore[attr-defined]


def test_jmeter_multiline_quoted_labels() -> None:
    names = {name for name, _ in _by_key(JMETER / "multiLineCSV.jtl")}
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
    assert _by_key(path)  # an unusual success: read by the row reader, as "not true"
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


def _assert_same_series(fast: list[Series], slow: list[Series]) -> None:
    assert [(s.name, s.metric) for s in fast] == [(s.name, s.metric) for s in slow]
    for a, b in zip(fast, slow, strict=True):
        assert a.summary == b.summary, a.key
        assert a.samples.tolist() == b.samples.tolist(), a.key


@pytest.mark.parametrize("fixture", ["HTMLReportTestFile.csv", "filewithtransactions.csv", "multiLineCSV.jtl"])
def test_jmeter_csv_column_and_row_readers_agree(fixture: str) -> None:
    fast, slow = _jmeter_both_ways(JMETER / fixture)
    assert fast
    _assert_same_series(fast, slow)


def test_jmeter_csv_without_timestamps_is_read_by_columns(tmp_path: Path) -> None:
    """Custom columns without timeStamp (and so no throughput), the thread's name last, tab-separated."""
    rows = list(csv.reader((JMETER / "HTMLReportTestFile.csv").open(newline="")))
    order = [c for c in rows[0] if c not in ("timeStamp", "threadName")] + ["threadName"]
    path = tmp_path / "untimed.tsv"
    with path.open("w", newline="") as out:
        csv.writer(out, delimiter="\t").writerows([[row[rows[0].index(c)] for c in order] for row in rows])
    fast, slow = _jmeter_both_ways(path)
    assert {s.metric for s in fast} == {"latency", "error_rate"}
    _assert_same_series(fast, slow)


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
    _assert_same_series(fast, slow)


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
    series = _by_key(path)
    assert series[("JR-OK", "latency")].summary.count == 252  # type: ignore[attr-defined]
    assert ("JR-OK", "throughput") not in series


def test_jmeter_xml_counts_top_level_samples_only() -> None:
    series = _by_key(JMETER / "hailstorm_jtl_log_data.jtl")
    assert ("/Home.aspx", "latency") not in series  # a transaction's child, part of "Home Page"
    assert series[("Home Page", "latency")].summary.count == 3  # type: ignore[attr-defined]


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
    """Over several of the reader's batches: counts and order as in the file; a sample without ts costs its
    label the time windows (throughput), and only that label."""

    monkeypatch.setattr(jmeter, "_BATCH", 50)
    path = tmp_path / "many.jtl"
    _jmeter_xml(path, 40)
    series = _by_key(path)
    home = series[("Home Page", "latency")]
    assert home.summary.count == 3 * 40  # type: ignore[attr-defined]
    assert ("/Home.aspx", "latency") not in series
    assert ("Home Page", "throughput") in series and ("Login Page", "throughput") in series
    _jmeter_xml(path, 40, drop_stamp_of="Home Page")
    unstamped = _by_key(path)
    assert ("Home Page", "throughput") not in unstamped and ("Login Page", "throughput") in unstamped
    assert unstamped[("Home Page", "latency")].samples.tolist() == home.samples.tolist()  # type: ignore[attr-defined]


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


def test_locust_from_any_file_or_the_prefix() -> None:
    by_stats = _by_key(LOCUST / "example_stats.csv")
    assert _by_key(LOCUST / "example").keys() == by_stats.keys()
    assert _by_key(LOCUST / "example_failures.csv").keys() == by_stats.keys()
    users = by_stats[("GET /api/users", "latency")]
    assert users.kind is SampleKind.WINDOW and users.summary.count == 499  # type: ignore[attr-defined]
    assert users.summary.p95 == pytest.approx(0.024)  # type: ignore[attr-defined]
    assert by_stats[("GET /missing", "error_rate")].summary.errors == 96  # type: ignore[attr-defined]
    assert ("Aggregated", "latency") in by_stats
    assert any('q="a,b"' in name for name, _ in by_stats)  # a quoted name with a comma


def test_locust_failures_become_notes_and_custom_percentiles_are_read() -> None:
    notes = formats.read(LOCUST / "example_stats.csv").notes
    assert any("GET /missing failed 96 times" in note for note in notes)
    grpc = next(
        s for s in formats.read(LOCUST / "locust_stats.csv").series if s.metric == "latency" and s.name != "Aggregated"
    )
    assert grpc.summary.p95 == pytest.approx(7.8) and grpc.summary.p99 == pytest.approx(8.2)


def test_locust_bad_number_is_named(tmp_path: Path) -> None:
    for name in ("bad_stats.csv",):
        text = (LOCUST / "example_stats.csv").read_text().replace(",207,68,", ",207,lots,", 1)
        (tmp_path / name).write_text(text)
    with pytest.raises(InputError, match=r"bad_stats\.csv:2: Failure Count: expected a number, got 'lots'"):
        formats.read(tmp_path / "bad_stats.csv")


def test_gatling_log_and_binary_log() -> None:
    series = _by_key(GATLING / "gatling-repo_text-format_simulation.log")
    request = series[("Test Request", "latency")]
    assert request.samples.tolist() == pytest.approx([2.0, 9.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0])  # type: ignore[attr-defined]
    with pytest.raises(InputError, match=r"binary simulation\.log \(Gatling 3\.13 and later\).*js/stats\.json"):
        formats.read(GATLING / "gatling-repo_binary-format_simulation.log")


def _gatling_log(path: Path, requests: int, layout: str = "3.x", end: str = "\r\n") -> None:
    """The real log's records over several of the reader's blocks: groups, failures, Windows line ends. With
    layout "2.x", scenario and user id come first; with "no message", records end at their status."""
    real = (GATLING / "gatling-repo_text-format_simulation.log").read_text().splitlines()
    lines = real[:2]
    for i in range(requests):
        fields = real[2 + i % 8].split("\t")
        fields[1] = ("shop,checkout" if i % 3 else "") if i % 5 else "shop"
        fields[2] = f"{fields[2]} {i % 4} é"
        fields[5] = "KO" if i % 97 == 0 else "OK"
        if layout == "2.x":
            fields[1:1] = ["testScenario", str(i % 50)]
        elif layout == "no message":
            del fields[6:]
        lines.append("\t".join(fields))
    path.write_bytes((end.join([*lines, real[-1]]) + (end if layout != "no message" else "")).encode())


@pytest.mark.parametrize(("layout", "end"), [("3.x", "\r\n"), ("2.x", "\n"), ("no message", "\r\n")])
def test_gatling_blocks_read_as_lines_do(tmp_path: Path, layout: str, end: str) -> None:
    """The block reader (numpy on the bytes) and the line-by-line reader give the same series, in the same order."""

    log = tmp_path / "simulation.log"
    _gatling_log(log, 60_000, layout, end)
    assert log.stat().st_size > 2 * 1024 * 1024  # several blocks
    blocks, version = gatling._by_blocks(Document.open(log))  # raises if it leaves the file to the line reader
    by_lines, version_by_lines = gatling._by_lines(Document.open(log))
    assert version == version_by_lines == "2.0"
    fast, slow = blocks.series(), by_lines.series()
    assert len(fast) == 3 * 12  # 12 endpoints: latency, throughput and error rate each
    assert fast[0].name == "shop / Test Request 0 é"
    _assert_same_series(fast, slow)


def _odd_gatling_log(path: Path, requests: int) -> None:
    """Real records with names and times of every shape the block reader handles: names longer than a load (8
    bytes), names that differ only past their first 8 or 16 bytes or by a trailing byte, a control byte in a
    name (not a separator), non-ASCII; times of 1 to 15 digits in one block."""
    real = (GATLING / "gatling-repo_text-format_simulation.log").read_bytes().split(b"\n")
    names = [b"a", b"a\x01", b"checkout", b"checkout page 1", b"checkout page 2", b"x" * 61, b"x" * 61 + b"y"]
    names += ["caf\u00e9 / na\u00efve \u2603".encode(), b"bell\x07", b""]
    lines = real[:2]
    for i in range(requests):
        fields = real[2 + i % 8].split(b"\t")
        start = 10 ** (i % 15) + i % 7  # 1 to 15 digits
        fields[1] = [b"", b"shop", b"shop,checkout,x" * 3][i % 3]
        fields[2] = names[i % len(names)]
        fields[3], fields[4] = b"%d" % start, b"%d" % (start + i % 1000)
        fields[5] = b"KO" if i % 13 == 0 else b"OK"
        lines.append(b"\t".join(fields))
    path.write_bytes(b"\n".join([*lines, real[-2], b""]))


def test_gatling_blocks_read_names_and_times_of_every_shape(tmp_path: Path) -> None:
    log = tmp_path / "simulation.log"
    _odd_gatling_log(log, 70_000)
    assert log.stat().st_size > 2 * 1024 * 1024  # several blocks
    blocks, _ = gatling._by_blocks(Document.open(log))  # raises if it leaves the file to the line reader
    by_lines, _ = gatling._by_lines(Document.open(log))
    fast, slow = blocks.series(), by_lines.series()
    assert len({s.name for s in fast}) == 30  # 3 group paths x 10 names
    _assert_same_series(fast, slow)


def test_gatling_names_with_one_hash_are_left_to_the_line_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names are told apart by their bytes, not by their hash alone: with every hash the same, the block reader
    notices that the names differ and leaves the file to the line reader, which reads it as before."""
    log = tmp_path / "simulation.log"
    _odd_gatling_log(log, 3_000)
    expected = gatling._simulation_log(Document.open(log)).series
    monkeypatch.setattr(gatling, "_HASH", np.uint64(0))
    with pytest.raises(gatling._LineByLine):
        gatling._by_blocks(Document.open(log))
    _assert_same_series(list(gatling._simulation_log(Document.open(log)).series), list(expected))


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ("REQUEST\t\tx\t1000\t2000\tMAYBE\tmessage", "a status other than OK or KO"),
        ("REQUEST\t\tx\t1000\tsoon\tOK\tmessage", "an end that is not a number"),
        ("REQUEST\t\tx\t2000\t1000\tOK\tmessage", "an end before the start"),
        ("REQUEST\t\tx\t1000\t2000", "too few fields"),
        ("REQUEST", "no fields at all"),
        ("REQUEST\r", "no fields at all, and a Windows line end"),
        ("REQUEST\t\tx\t1000000000000000\t1000000000000001\tOK\tmessage", "times of 16 digits"),
        ("REQUEST\t\tx\t\t1000\tOK\tmessage", "a start with no digits"),
        ("REQUEST\t\tx\t1000\t2000\tOK\ta\tb\tOK", "a record the line reader would read as 2.x"),
    ],
)
def test_gatling_unusual_records_are_left_to_the_line_reader(tmp_path: Path, record: str, why: str) -> None:

    log = tmp_path / "simulation.log"
    _gatling_log(log, 100, end="\n")
    log.write_text(log.read_text() + record + "\n")
    with pytest.raises(gatling._LineByLine):
        gatling._by_blocks(Document.open(log))


def test_gatling_bad_record_is_named_by_line(tmp_path: Path) -> None:
    log = tmp_path / "simulation.log"
    _gatling_log(log, 30_000)
    lines = log.read_bytes().split(b"\r\n")
    fields = lines[20_001].split(b"\t")
    fields[3] = b"soon"  # the start time
    lines[20_001] = b"\t".join(fields)
    log.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputError, match=r"simulation\.log:20002: expected start and end times in ms, got 'soon'"):
        formats.read(log)


def test_gatling_stats_json_walks_groups() -> None:
    series = _by_key(GATLING / "stats.json")
    checkout = series[("shop / checkout", "latency")]
    assert checkout.summary.p95 == pytest.approx(1.1) and checkout.summary.errors == 50  # type: ignore[attr-defined]
    assert series[("shop / checkout", "error_rate")].summary.median == pytest.approx(50 / 85)  # type: ignore[attr-defined]
    assert ("login", "throughput") in series and ("shop", "latency") in series


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
