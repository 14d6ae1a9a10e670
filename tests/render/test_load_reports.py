"""The report a user reads for each load-test format: one row per endpoint, from real files of each tool
(golden files; `pytest --update-golden` rewrites them after a deliberate change)."""

from __future__ import annotations

import pytest

from ..conftest import DATA, Invoke, check_golden

FIXTURES = [
    ("k6/k6_points.ndjson.gz", "k6/k6_points.ndjson.gz"),  # k6 --out json: requests, errors, checks
    ("k6/k6_summary_export.json", "k6/handleSummary_summary.json"),  # k6 summaries of two runs
    ("jmeter/HTMLReportTestFile.csv", "jmeter/HTMLReportTestFile.csv"),  # JMeter JTL (CSV)
    ("jmeter/hailstorm_jtl_log_data.jtl", "jmeter/hailstorm_jtl_log_data.jtl"),  # JMeter JTL (XML)
    ("jmeter/HTMLReportExpect_statistics.json", "jmeter/HTMLReportExpect_statistics.json"),  # dashboard
    ("gatling/gatling-repo_text-format_simulation.log", "gatling/gatling-repo_text-format_simulation.log"),
    ("gatling/stats.json", "gatling/stats.json"),
]


@pytest.mark.parametrize(("base", "head"), FIXTURES, ids=[b.split("/")[1] for b, _ in FIXTURES])
def test_load_test_report(run_cli: Invoke, update_golden: bool, base: str, head: str) -> None:
    result = run_cli("compare", str(DATA / base), str(DATA / head))
    assert result.exit_code in (0, 1, 3), result.output
    name = "reports/" + base.replace("/", "__") + ".txt"
    check_golden(name, result.output.replace(str(DATA), "DATA"), update_golden)
