"""Soak tests: latency, error rate or throughput that degrade *during* a run (a leak, a growing queue) are
reported as a drift: a warning by default, a failure when a budget sets max_drift."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from perfgate.formats import read
from perfgate.gate.evaluate import evaluate
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Side
from perfgate.gate.report import Verdict
from perfgate.gate.rules import Budget
from perfgate.gate.settings import Settings
from perfgate.model import RunRef

from ..conftest import DATA, Invoke, check_golden

# JMeter's default CSV columns
JTL_HEADER = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect"


def _soak_jtl(
    path: Path,
    *,
    creep: float = 0.0,
    errors_from: float = 0.01,
    errors_to: float = 0.01,
    spread: float = 0.3,
    order: str = "sent",
) -> Path:
    """A ten-minute JMeter CSV of 6,000 requests at a steady load; latency grows by ``creep`` (a fraction of the
    median) from start to end, around the same median, and the error rate goes linearly from ``errors_from`` to
    ``errors_to``. ``spread``: the latency's log-normal sigma. ``order``: the rows as sent, "newest first", or
    sorted by "latency" (what a tool or a script may write)."""
    rng = np.random.default_rng(7)
    start, seconds, requests = 1_764_500_000_000, 600, 6_000
    rows: list[tuple[int, str]] = []
    for i in range(requests):
        progress = i / (requests - 1)
        sent = start + int(progress * seconds * 1000)
        elapsed = int(rng.lognormal(math.log(80), spread) * (1 + creep * (progress - 0.5)))
        ok = rng.random() >= errors_from + (errors_to - errors_from) * progress
        code, message = ("200", "OK") if ok else ("500", "Internal Server Error")
        rows.append(
            (
                elapsed,
                f"{sent},{elapsed},GET /api/cart,{code},{message},Soak 1-1,text,{str(ok).lower()},,512,128,50,50,"
                f"http://127.0.0.1/api/cart,{elapsed},0,1",
            )
        )
    if order == "newest first":
        rows.reverse()
    elif order == "latency":
        rows.sort()
    path.write_text("\n".join([JTL_HEADER, *(line for _, line in rows)]) + "\n", encoding="utf-8")
    return path


def _drifts(path: Path, policy: Policy | None = None) -> dict[str, tuple[Verdict, str]]:
    run = read(path).series
    side = Side((RunRef(path.name),), (run,))
    report = evaluate(side, side, Settings(), policy or Policy())
    return {c.metric: (c.verdict, c.reason) for c in report.comparisons if c.drift and c.drift.status != "ok"}


def test_a_steady_soak_run_shows_no_drift(tmp_path: Path) -> None:
    assert _drifts(_soak_jtl(tmp_path / "steady.jtl")) == {}


def test_latency_creeping_up_during_the_run_is_a_warning(tmp_path: Path) -> None:
    drifts = _drifts(_soak_jtl(tmp_path / "leak.jtl", creep=0.3))
    assert set(drifts) == {"latency"}
    verdict, reason = drifts["latency"]
    assert verdict is Verdict.DRIFTING
    assert "latency drifted +" in reason and "during the run" in reason and "beyond the 5% allowed" in reason


def test_errors_growing_during_the_run_are_a_drift_in_percentage_points(tmp_path: Path) -> None:
    drifts = _drifts(_soak_jtl(tmp_path / "errors.jtl", errors_from=0.01, errors_to=0.08))
    assert drifts["error_rate"][0] is Verdict.DRIFTING
    assert " pp during the run" in drifts["error_rate"][1]


def test_a_budget_max_drift_makes_a_drift_fail_and_sizes_it(tmp_path: Path) -> None:
    path = _soak_jtl(tmp_path / "leak.jtl", creep=0.3)
    failing = _drifts(path, Policy(budgets=(Budget("GET /api/cart", max_drift=0.10),)))
    assert failing["latency"][0] is Verdict.BUDGET_EXCEEDED
    assert "beyond the max_drift of 10%" in failing["latency"][1]
    assert _drifts(path, Policy(budgets=(Budget("GET /api/cart", max_drift=0.60),))) == {}


def test_max_drift_on_the_command_line_path(tmp_path: Path, run_cli: Invoke) -> None:
    """The user's path: perfgate.toml with max_drift, a soak run compared with a steady one, exit 1."""
    base = _soak_jtl(tmp_path / "steady.jtl")
    head = _soak_jtl(tmp_path / "leak.jtl", creep=0.3)
    warn = run_cli("compare", str(base), str(head))
    assert warn.exit_code == 0, warn.output
    assert "(1) GET /api/cart, latency: drifting: latency drifted +" in warn.output
    assert "PASS: 1 drifting" in warn.output
    Path("perfgate.toml").write_text('[[budget]]\nmatch = "GET /api/cart"\nmax_drift = "10%"\n', encoding="utf-8")
    result = run_cli("compare", str(base), str(head))
    assert result.exit_code == 1, result.output
    assert "max_drift of 10%" in result.output and "FAIL: 1 budget-exceeded (GET /api/cart)" in result.output


def test_drift_follows_the_send_times_not_the_order_of_the_file(tmp_path: Path) -> None:
    """A steady run written sorted by latency is not drifting; a leak written newest first is."""
    assert _drifts(_soak_jtl(tmp_path / "sorted.jtl", order="latency")) == {}
    drifts = _drifts(_soak_jtl(tmp_path / "reversed.jtl", creep=0.3, order="newest first"))
    assert drifts["latency"][0] is Verdict.DRIFTING and "latency drifted +" in drifts["latency"][1]


def test_a_clean_leak_is_seen_the_more_clearly_the_cleaner_it_is(tmp_path: Path) -> None:
    """Latency rising steadily from half the median to one and a half times it over ten minutes, 5 % noise: a
    straight rise in milliseconds bends on the log scale, and that bend was taken for correlated windows, dividing
    the evidence by up to 4.4: the leak was `unchanged`."""
    path = _soak_jtl(tmp_path / "clean.jtl", creep=1.0, spread=0.05)
    run = read(path).series
    report = evaluate(Side((RunRef("a"),), (run,)), Side((RunRef("b"),), (run,)), Settings())
    latency = next(c for c in report.comparisons if c.metric == "latency")
    assert latency.verdict is Verdict.DRIFTING, latency.reason
    assert latency.drift is not None and latency.drift.p_value < 1e-4 and latency.drift.change > 1.8


SOAK = DATA / "locust-soak"


def test_real_locust_soak_with_a_leak_drifts_and_the_steady_run_does_not() -> None:
    """Real Locust runs (tests/data/locust-soak): the leak's search latency drifts; the items endpoint, which
    does not leak, does not; the order errors grow in bursts too short-lived to call a trend in 90 s."""
    assert _drifts(SOAK / "steady_stats.csv") == {}
    leak = read(SOAK / "leak_stats.csv").series
    side = Side((RunRef("leak"),), (leak,))
    report = evaluate(side, side, Settings())
    drifting = {(c.name, c.metric) for c in report.comparisons if c.verdict is Verdict.DRIFTING}
    assert drifting == {("GET /api/search", "latency")}
    search = next(c for c in report.comparisons if (c.name, c.metric) == ("GET /api/search", "latency"))
    assert search.drift is not None and 1.05 < search.drift.change < 1.3


@pytest.mark.parametrize(
    "fixture",
    [
        "k6/k6_points.ndjson.gz",
        "jmeter/HTMLReportTestFile.csv",
        "gatling/gatling-repo_text-format_simulation.log",
        "locust-runs/main-1_stats.csv",
        "locust-runs/main-2_stats.csv",
        "locust-runs/pr_stats.csv",
        "locust-soak/steady_stats.csv",
    ],
)
def test_real_load_tests_of_steady_servers_show_no_drift(fixture: str) -> None:
    assert _drifts(DATA / fixture) == {}


@pytest.mark.parametrize(
    ("output_format", "golden"), [("text", "soak.txt"), ("markdown", "soak.md"), ("junit", "soak.xml")]
)
def test_soak_report_one_row_per_endpoint(
    run_cli: Invoke, update_golden: bool, output_format: str, golden: str
) -> None:
    """The real Locust pair as a user sees it: one row per endpoint, the drift as a warning, in every renderer."""
    result = run_cli(
        "compare", str(SOAK / "steady_stats.csv"), str(SOAK / "leak_stats.csv"), "--output-format", output_format
    )
    assert result.exit_code == 0, result.output
    check_golden(golden, result.output.replace(str(SOAK), "SOAK"), update_golden)
