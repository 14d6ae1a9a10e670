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


# --- the machine-readable summary (--new-machine-readable-summary, k6 1.5+) ------------------------------------

MACHINE_READABLE = DATA / "k6" / "k6_machine_readable_summary.json"


def test_machine_readable_summary_reads_as_the_older_summaries_of_the_same_run() -> None:
    """The run of k6_handle_summary.json in the new format: each metric it holds is the same series, with the
    same statistics, as in handleSummary's data, so a project switching format keeps its history. A counter's
    rate is its count over config.duration, as k6 computes it; checks_succeeded is the checks pass rate."""
    new = formats.read(MACHINE_READABLE)
    assert new.format == "k6-summary" and new.environment.tool_version == "2.2.0"
    assert new.recorded_at is not None and new.recorded_at.isoformat() == "2026-11-30T10:00:00+00:00"
    new_series = {s.key: s for s in new.series}
    older = by_key(DATA / "k6" / "k6_handle_summary.json")
    assert set(new_series) <= set(older)
    assert {("http_req_duration", "latency"), ("http_req_failed", "error_rate"), ("checks", "pass_rate")} <= set(
        new_series
    )
    for key, series in new_series.items():
        theirs = older[key]
        assert (series.unit, series.direction, series.kind) == (theirs.unit, theirs.direction, theirs.kind), key
        for stat in ("count", "mean", "median", "min", "max", "p90", "p95", "errors"):
            assert getattr(series.summary, stat) == pytest.approx(getattr(theirs.summary, stat)), (key, stat)
    assert new_series[("checks", "pass_rate")].summary.errors == 6
    assert not new.notes  # the format has no thresholds


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d.update(version="2.0.0"),
            r"version: k6's machine-readable summary '2\.0\.0'; perfgate reads schema version 1\.x",
        ),
        (lambda d: d["config"].update(duration=0), r"config\.duration: expected the test's duration in seconds, got 0"),
        (
            lambda d: d["results"]["metrics"][6]["values"].update(matches=999),
            r"results\.metrics\[6\]\.values: expected a rate with matches <= total",
        ),
    ],
)
def test_machine_readable_summary_bad_values_are_named(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(MACHINE_READABLE.read_text())
    assert data["results"]["metrics"][6]["name"] == "http_req_failed"
    edit(data)
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=message):
        formats.read(path)


def test_machine_readable_summary_takes_the_schemas_percentile_names_too(tmp_path: Path) -> None:
    """k6's schema names the percentiles p(90) and p(95); k6 itself writes p90 and p95. Either is read."""
    text = MACHINE_READABLE.read_text().replace('"p90"', '"p(90)"').replace('"p95"', '"p(95)"')
    path = tmp_path / "summary.json"
    path.write_text(text)
    latency = by_key(path)[("http_req_duration", "latency")]
    assert latency.summary.p95 == pytest.approx(by_key(MACHINE_READABLE)[("http_req_duration", "latency")].summary.p95)
    assert latency.summary.p95 is not None
