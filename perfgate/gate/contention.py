"""Wall time against CPU time of one benchmark: wall time that rose while CPU time did not is the runner's doing.

Google Benchmark measures both (``real_time`` and ``cpu_time``). Another job on the same core stretches the wall
clock and leaves the CPU time the benchmark used alone, so a wall-time regression with CPU time within its
allowance is contention, not code: a warning (`suspected`) that says so and how to confirm, never a failure
and never silence. A change that makes code wait (I/O, locks, sleeps) rises the same way; `perfgate run`
interleaves base and head on one machine and tells them apart.
"""

from __future__ import annotations

from dataclasses import replace

from perfgate.gate.phrases import format_change, format_percent
from perfgate.gate.report import Comparison, Verdict

WALL, CPU = "real_time", "cpu_time"


def wall_only(decided: dict[tuple[str, str], Comparison]) -> None:
    """Turn each wall-time regression whose CPU time stayed within the allowance into a warning, in place."""
    for (name, metric), wall in decided.items():
        cpu = decided.get((name, CPU))
        if metric != WALL or wall.verdict is not Verdict.REGRESSION or cpu is None or cpu.change is None:
            continue
        allowed = cpu.max_regression if cpu.max_regression is not None else 0.0
        if cpu.verdict not in (Verdict.UNCHANGED, Verdict.IMPROVEMENT) or cpu.change > 1 + allowed:
            continue
        decided[(name, metric)] = replace(
            wall,
            verdict=Verdict.SUSPECTED,
            reason=(
                f"wall time only: {wall.reason}; CPU time {format_change(cpu.change)} is within the "
                f"{format_percent(allowed)} allowed — contention on the runner (another job on the core), not "
                "code, unless the change makes it wait: confirm with `perfgate run`"
            ),
        )
