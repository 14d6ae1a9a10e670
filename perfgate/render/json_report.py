"""The JSON report: a stable, versioned schema for other tools (docs/json-report.md).

Schema history:
  1 — verdict, settings, baseline/candidate runs, notes, geomean; series with change, ci, p/q, test,
      max_regression and budget checks.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from perfgate import __version__
from perfgate.gate import BudgetCheck, Comparison, Report
from perfgate.model import RunRef, Summary

SCHEMA_VERSION = 1


def render(report: Report) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "perfgate_version": __version__,
        "verdict": report.verdict,
        "settings": asdict(report.settings),
        "baseline": [_ref(r) for r in report.baseline],
        "candidate": [_ref(r) for r in report.candidate],
        "notes": list(report.notes),
        "geomean": report.geomean,
        "series": [_comparison(c) for c in report.comparisons],
    }
    return json.dumps(document, indent=2, allow_nan=False) + "\n"


def _ref(ref: RunRef) -> dict[str, Any]:
    return {
        "label": ref.label,
        "commit": ref.commit,
        "recorded_at": ref.recorded_at.isoformat() if ref.recorded_at else None,
        "run_id": ref.run_id,
    }


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "name": c.name,
        "metric": c.metric,
        "unit": c.unit,
        "direction": c.direction.value,
        "verdict": c.verdict.value,
        "reason": c.reason,
        "change": _finite(c.change),
        "ci": [_finite(c.ci[0]), _finite(c.ci[1])] if c.ci else None,
        "p_value": c.p_value,
        "q_value": c.q_value,
        "test": c.test,
        "max_regression": c.max_regression,
        "budget": [_check(b) for b in c.budget],
        "n_baseline": c.n_baseline,
        "n_candidate": c.n_candidate,
        "baseline": _summary(c.baseline),
        "candidate": _summary(c.candidate),
    }


def _check(check: BudgetCheck) -> dict[str, Any]:
    return {
        "statistic": check.limit.statistic,
        "limit": check.limit.text,
        "status": check.status,
        "estimate": _finite(check.estimate),
        "bound": _finite(check.bound),
        "reason": check.reason,
    }


def _summary(summary: Summary | None) -> dict[str, Any] | None:
    return None if summary is None else {k: _finite(v) for k, v in asdict(summary).items()}


def _finite(value: Any) -> Any:
    # JSON has no infinity: an unbounded interval end is null.
    return None if isinstance(value, float) and not math.isfinite(value) else value
