"""hyperfine --export-json."""

from __future__ import annotations

from perfgate.model import SampleKind

from ..conftest import DATA
from .reading import one_series


def test_hyperfine_counts_failed_runs_and_keeps_cpu_times() -> None:
    path = DATA / "hyperfine" / "hyperfine_param_ignore_failure.json"
    failing = one_series(path, "sleep 0.01; exit $(( 1 % 2 ))", "time")
    assert failing.summary.errors == 5 and failing.samples.size == 5
    assert one_series(path, "sleep 0.02; exit $(( 2 % 2 ))", "time").summary.errors == 0
    assert one_series(path, "sleep 0.01; exit $(( 1 % 2 ))", "user_time").kind is SampleKind.SUMMARY_ONLY
