"""The terminal report: what its lines say, and that no name in a results file can forge anything in them."""

from __future__ import annotations

import numpy as np

from perfgate.gate.evaluate import evaluate
from perfgate.gate.report import Settings
from perfgate.render import text

from ..builders import sampled, side


def test_the_fail_line_names_the_metrics_of_one_benchmark() -> None:
    rng = np.random.default_rng(12)
    base = [sampled("BM_Hash", rng.lognormal(0, 0.01, 20), metric=m) for m in ("real_time", "cpu_time")]
    head = [sampled("BM_Hash", rng.lognormal(0.3, 0.01, 20), metric=m) for m in ("real_time", "cpu_time")]
    report = evaluate(side(tuple(base)), side(tuple(head)), Settings())
    assert "FAIL: 2 regressions (BM_Hash (real_time, cpu_time))" in text.render(report)
