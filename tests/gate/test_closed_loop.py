"""A closed-loop load test: when one endpoint gets slower, every endpoint gets fewer requests. The slow endpoint
and the test's total fail; an endpoint whose own latency and errors held is not failed for its throughput."""

from __future__ import annotations

from pathlib import Path

from ..conftest import DATA, Invoke, check_golden

MAIN = DATA / "locust-runs" / "main-1_stats.csv"
SLOW = DATA / "locust-closed-loop" / "slow-search_stats.csv"  # GET /api/search alone three times slower


def test_only_the_slow_endpoint_and_the_total_fail_in_a_closed_loop(run_cli: Invoke, update_golden: bool) -> None:
    result = run_cli("compare", str(MAIN), str(SLOW))
    assert result.exit_code == 1, result.output
    assert "FAIL: 4 regressions (GET /api/search (latency, throughput), Aggregated (latency, throughput))" in (
        result.output
    )
    for endpoint in ("GET /api/items/[id]", "POST /api/orders"):  # -34 % throughput each, their latency held
        assert (
            f"{endpoint}, throughput: suspected: closed loop: fewer requests because other endpoints got slower "
            "(GET /api/search +61.3%)"
        ) in result.output
    check_golden("locust-closed-loop.txt", result.output.replace(str(DATA), "DATA"), update_golden)


def test_a_throughput_budget_judges_an_endpoint_in_a_closed_loop(run_cli: Invoke, tmp_path: Path) -> None:
    config = tmp_path / "perfgate.toml"
    config.write_text('[[budget]]\nmatch = "GET /api/items/*"\nthroughput = "> 10/s"\n')
    result = run_cli("compare", "--config", str(config), str(MAIN), str(SLOW))
    assert result.exit_code == 1, result.output
    assert "GET /api/items/[id], throughput: regression: -33.7%" in result.output
    assert "POST /api/orders, throughput: suspected: closed loop" in result.output


def test_an_endpoint_whose_own_errors_rose_keeps_its_throughput_verdict(run_cli: Invoke) -> None:
    """locust-runs' pr: orders fail 9 % instead of 1 %, so its throughput drop is its own (suspected as before)."""
    result = run_cli("compare", str(MAIN), str(DATA / "locust-runs" / "pr_stats.csv"))
    assert "closed loop" not in result.output


def test_two_runs_of_the_same_server_pass_cleanly_from_their_summaries(run_cli: Invoke, tmp_path: Path) -> None:
    """Stats alone (no history): POST /api/orders' -7.5 % throughput is the users' task mix, no endpoint slower."""
    for run in ("main-1", "main-2"):
        (tmp_path / f"{run}_stats.csv").write_bytes((DATA / "locust-runs" / f"{run}_stats.csv").read_bytes())
    result = run_cli("compare", str(tmp_path / "main-1_stats.csv"), str(tmp_path / "main-2_stats.csv"))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "PASS: 4 unchanged"
    report = run_cli(
        "compare", "--output-format", "json", str(tmp_path / "main-1_stats.csv"), str(tmp_path / "main-2_stats.csv")
    )
    assert "closed loop: fewer requests because the users' task mix varied" in report.output
