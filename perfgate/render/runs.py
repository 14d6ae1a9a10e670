"""`perfgate runs`: stored runs as a table or as JSON, and what a delete removed, in words."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from perfgate.model import RunListing
from perfgate.render.cells import plain
from perfgate.units import count

JSON_VERSION = 1  # of the JSON `perfgate runs list --format json` writes: new keys may come, none go
_HEADER = ("id", "recorded (UTC)", "suite", "branch", "commit", "PR", "format", "series")
_RIGHT = {0, 5, 7}  # numbers line up on the right


def runs_table(runs: Sequence[RunListing]) -> str:
    """One line per run, in the order given (newest first, as listed)."""
    rows = [
        (
            str(r.id),
            f"{r.recorded_at:%Y-%m-%d %H:%M}",
            plain(r.suite, 40),
            plain(r.branch, 40),
            plain(r.commit[:12], None),
            f"#{r.pr_number}" if r.pr_number is not None else "-",
            plain(r.source_format, None),
            f"{r.series:,}",
        )
        for r in runs
    ]
    widths = [max(len(row[i]) for row in [_HEADER, *rows]) for i in range(len(_HEADER))]
    lines = [
        "  ".join(
            c.rjust(w) if i in _RIGHT else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [_HEADER, *rows]
    ]
    return "\n".join(lines) + "\n"


def run_list_text(runs: Sequence[RunListing], total: int, recorded: int, database: str) -> str:
    """The table, and a line that says how much of the selection it shows, or why it is empty."""
    if not recorded:
        return (
            f"no runs are recorded in {database} yet: 'perfgate ingest FILE --branch main' or the Action's main-branch "
            "job records them\n"
        )
    if not runs:
        return f"no runs match (of {count(recorded, 'run')} in {database})\n"
    shown = (
        f"{count(total, 'run')}, newest first"
        if len(runs) == total
        else f"the newest {len(runs):,} of {total:,} runs (--limit N shows more)"
    )
    return runs_table(runs) + f"\n{shown}, in {database}\n"


def run_list_json(runs: Sequence[RunListing], total: int) -> str:
    """Every column of each run, for scripts: `jq '.runs[].id'`."""
    document = {"perfgate_runs": JSON_VERSION, "total": total, "runs": [_run(r) for r in runs]}
    return json.dumps(document, indent=2) + "\n"


def _run(run: RunListing) -> dict[str, object]:
    return {
        "id": run.id,
        "suite": run.suite,
        "branch": run.branch,
        "commit": run.commit,
        "pr_number": run.pr_number,
        "merge_base": run.merge_base,
        "recorded_at": run.recorded_at.isoformat(),
        "source_format": run.source_format,
        "series": run.series,
        "idempotency_key": run.idempotency_key,
        "environment": dict(run.environment.as_pairs()),
    }


def deleted_line(runs: Sequence[RunListing], database: str, *, done: bool) -> str:
    """'deleted 2 runs (1,234 series) of suite default on branch mian from DATABASE', or 'would delete …' on a dry
    run; runs of several suites or branches are counted per suite and branch."""
    verb = "deleted" if done else "would delete"
    series = sum(r.series for r in runs)
    groups = Counter((r.suite, r.branch) for r in runs)
    head = f"{verb} {count(len(runs), 'run')} ({series:,} series)"
    if len(groups) == 1:
        ((suite, branch),) = groups
        line = f"{head} of suite {plain(suite)} on branch {plain(branch)} from {database}"
    else:
        parts = [f"{n} of suite {plain(s)} on branch {plain(b)}" for (s, b), n in sorted(groups.items())]
        line = f"{head} from {database}: {', '.join(parts)}"
    return line if done else f"{line}; nothing deleted (--dry-run)"
