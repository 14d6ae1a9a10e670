"""Wall time against CPU time, through the command line on real Google Benchmark runs of one binary on one core:
with another job on the core, wall time rose 1.8-3x and CPU time did not move (tests/data/google-benchmark-contention)."""

from __future__ import annotations

from ..conftest import DATA, Invoke

FILES = DATA / "google-benchmark-contention"


def test_wall_time_rising_alone_is_contention_a_warning_not_a_failure(run_cli: Invoke) -> None:
    result = run_cli("compare", str(FILES / "steady.json"), str(FILES / "contended.json"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "PASS: 3 suspected"
    reasons = [line for line in result.output.splitlines() if "real time: suspected: wall time only:" in line]
    assert len(reasons) == 3
    assert all("contention on the runner" in r and "confirm with `perfgate run`" in r for r in reasons)


def test_the_other_way_round_nothing_is_blamed_on_the_runner(run_cli: Invoke) -> None:
    # Wall time falling with CPU time steady: an improvement of nothing real, and no failure either.
    result = run_cli("compare", str(FILES / "contended.json"), str(FILES / "steady.json"))
    assert result.exit_code == 0, result.output
    assert "contention on the runner" not in result.output and "FAIL" not in result.output
