"""The gate's decisions on pull requests, kept in the history for the weekly digest and the site."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from perfgate.errors import StoreError
from perfgate.gate.report import Report, Verdict
from perfgate.model import GateDecision, Origin, SeriesDecision

if TYPE_CHECKING:
    from perfgate.store import Store


def keep(store: Store, report: Report, suite: str, base_commit: str | None, now: datetime) -> list[str]:
    """Store the decision for the weekly digest; a store that cannot take it costs a notice, not the gate."""
    origin = report.origin or Origin()
    decided = GateDecision(
        suite=suite,
        head_commit=origin.head_sha or "",
        recorded_at=now,
        verdict=report.verdict,
        series=len(report.comparisons),
        decided=tuple(
            SeriesDecision(c.name, c.metric, c.verdict.value, c.reason)
            for c in report.comparisons
            if c.fails or c.verdict is Verdict.WAIVED  # a warn-only series blocked nothing: not kept as failing
        ),
        pr_number=origin.pr_number,
        base_commit=base_commit,
        run_url=origin.run_url,
    )
    try:
        store.save_gate_decision(decided)
    except StoreError as exc:
        return [f"the gate's decision was not kept for the weekly digest: {exc}"]
    return []
