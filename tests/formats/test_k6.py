"""k6: end-of-test summaries (--summary-export, handleSummary) and NDJSON streams (--out json)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import InputError
from perfgate.formats import requests
from perfgate.model import Direction, SampleKind

from ..conftest import DATA
from .reading import by_key

K6 = DATA / "k6"


def test_summary_export_and_handle_summary_agree() -> None:
    legacy, handle = by_key(K6 / "k6_summary_export.json"), by_key(K6 / "k6_handle_summary.json")
    assert legacy.keys() == handle.keys()
    for key in legacy:
        assert legacy[key].summary == handle[key].summary, key


def test_summary_names_endpoints_from_the_name_tag() -> None:
    series = by_key(K6 / "k6_summary_export.json")
    catalog = series[("catalog", "latency")]
    assert catalog.unit == "s" and catalog.summary.p95 == pytest.approx(0.05231308355)
    failed = series[("http_req_failed", "error_rate")]
    # In --summary-export, "passes" of http_req_failed are FAILED requests.
    assert failed.summary.errors == 6 and failed.summary.count == 432
    assert failed.direction is Direction.LOWER_IS_BETTER
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
    series = by_key(K6 / "k6_points.ndjson.gz")
    checkout = series[("checkout", "latency")]
    assert checkout.kind is SampleKind.REQUEST and checkout.samples.size == 144
    assert series[("checkout", "error_rate")].summary.errors == 6
    assert ("GET http://127.0.0.1:18499/api/search?q=shoes", "latency") in series  # unnamed: method + url
    assert series[("order accepted", "pass_rate")].summary.errors == 6
    summary = by_key(K6 / "k6_summary_export.json")
    # The stream and the end-of-test summary of the same run agree on the endpoint's median.
    assert checkout.summary.median == pytest.approx(summary[("http_req_duration", "latency")].summary.median, rel=0.2)


def test_ndjson_plain_and_gzip_read_alike(tmp_path: Path) -> None:
    plain = tmp_path / "points.ndjson"
    plain.write_bytes(gzip.decompress((K6 / "k6_points.ndjson.gz").read_bytes()))
    assert [s.summary for s in formats.read(plain).series] == [
        s.summary for s in formats.read(K6 / "k6_points.ndjson.gz").series
    ]


def test_ndjson_keeps_a_bounded_seeded_reservoir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "RESERVOIR", 20)
    first = by_key(K6 / "k6_points.ndjson.gz")[("catalog", "latency")]
    again = by_key(K6 / "k6_points.ndjson.gz")[("catalog", "latency")]
    assert first.samples.size == 20 and first.summary.count == 144
    assert first.samples.tolist() == again.samples.tolist()


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
