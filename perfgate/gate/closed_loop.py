"""Closed-loop load tests: an endpoint's throughput follows the other endpoints' latency.

Locust users, k6 VUs and JMeter threads wait for each response before the next request (plus think time): the
test's request rate is users / (response time + think time), shared by every endpoint a user calls. When one
endpoint gets slower, every endpoint gets fewer requests — Locust: `GET /api/users` -17.9 % throughput while
`/api/search` was the slow one. That drop is real, but not the endpoint's: its own latency and errors did not
change, and the slow endpoint fails on its own latency.

So an endpoint's throughput drop whose latency is steady (unchanged, or within the allowance) and whose errors
did not rise is at most `suspected`, with the reason, never a failure; with no endpoint slower at all it is the
users' random mix of tasks, and `unchanged`. Throughput stays judged where it means
something:

- the test's total (Locust's Aggregated, JMeter's Total, vegeta's total): the series whose request count is the
  sum of the others' — its drop is the run's, whatever caused it;
- an endpoint with a throughput limit in perfgate.toml (``throughput = "> 500/s"``): a budget says it matters;
- an endpoint whose latency or errors got worse: the drop is its own.

Open-model tests (k6's arrival-rate executors, vegeta's fixed rate) send at a set rate, so there a drop with
steady latency cannot come from another endpoint either: fewer requests than scheduled means the load generator
ran out of VUs or time — also not the endpoint's. None of the files perfgate reads records its executor, so the
rule holds for every load test; a budget is how to say otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import replace

from perfgate.gate.phrases import format_change
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Pooled
from perfgate.gate.report import CLOSED_LOOP, FAILING, WARNING, Comparison, Verdict
from perfgate.gate.settings import Settings
from perfgate.units import PER_SECOND

Key = tuple[str, str]


def throughput(
    first: MutableMapping[Key, Comparison], cand: Mapping[Key, Pooled], policy: Policy, settings: Settings
) -> None:
    """Turn each endpoint's throughput regression that its own latency and errors do not explain into
    `suspected`, with the reason (in place)."""
    rates = {name: p for (name, metric), p in cand.items() if metric == "throughput" and p.series.unit == PER_SECOND}
    if len(rates) < 2:
        return  # one endpoint: its throughput is the test's
    totals = _totals(rates)
    slower = [c for (_, metric), c in first.items() if metric == "latency" and c.verdict in _WORSE]
    for name in rates:
        c = first.get((name, "throughput"))
        if c is None or c.verdict not in _WORSE or name in totals or _budgeted(policy, name):
            continue
        latency, errors = first.get((name, "latency")), first.get((name, "error_rate"))
        if (
            latency is None
            or not _steady(latency, policy.allowance(name, settings))
            or (errors is not None and errors.verdict in _WORSE)
        ):
            continue
        others = [s for s in slower if s.name != name and s.name not in totals]
        named = ", ".join(f"{s.name} {format_change(s.change or 1.0)}" for s in others)
        # No endpoint slower: the users' random mix of tasks moved requests between endpoints, nothing more
        cause = f"other endpoints got slower ({named})" if others else "the users' task mix varied"
        steady = f"its own latency ({format_change(latency.change or 1.0)}) and errors steady"
        reason = (
            f"{CLOSED_LOOP} fewer requests because {cause}, {steady}; not judged (a throughput budget would "
            f"judge it): {c.reason}"
        )
        verdict = Verdict.SUSPECTED if others else Verdict.UNCHANGED
        first[(name, "throughput")] = replace(c, verdict=verdict, reason=reason)


_WORSE = FAILING | WARNING


def _totals(rates: Mapping[str, Pooled]) -> set[str]:
    """The series whose request count is the sum of all the others': the test's total (a run-wide row)."""
    counts = {name: p.series.summary.count for name, p in rates.items()}
    whole = sum(counts.values())
    return {name for name, n in counts.items() if n > 0 and 2 * n == whole}


def _steady(latency: Comparison, allowed: float) -> bool:
    """Not worse: unchanged or better, or too few samples to tell with its estimate within the allowance."""
    if latency.verdict in (Verdict.UNCHANGED, Verdict.IMPROVEMENT):
        return True
    return latency.verdict is Verdict.INSUFFICIENT_DATA and latency.change is not None and latency.change <= 1 + allowed


def _budgeted(policy: Policy, name: str) -> bool:
    budget = policy.budget_for(name)
    return budget is not None and any(limit.statistic == "throughput" for limit in budget.limits)
