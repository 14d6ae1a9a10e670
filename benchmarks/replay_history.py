"""Replay real benchmark histories commit by commit, as the Action would on every push to main, and score
the decisions against what the history did next.

Run by hand:  python benchmarks/replay_history.py [--limit-commits N] [--source pandas] [HISTORY_DIR …]

A history is a folder like ``../shared/histories/pandas``: ``order.json`` (the runs in commit order, each with
its ``file``), asv results files (API v2, or v1 as pvlib's; perfgate's asv reader reads both)
and asv's ``benchmarks.json``. For each commit after the first, the run is gated against main's recorded
history through perfgate's own use case (``app.compare.compare_with_history``: the latest ``baseline_runs``
runs, the run-to-run term, Benjamini-Hochberg), then recorded (``app.ingest.store_results``) in a SQLite
database in a temporary folder: exactly what the Action does on main, one push at a time.

With ``alert: true`` the Action also runs `perfgate alert` after each run is recorded on main: it opens an
issue for a step once three runs confirm it. Its rows: "perfgate alert", the issues' series counted as alarms
at the commit whose run announced them (their level: the step's level before), and "the Action", the gate and
alert together: a step caught by either (an alert is at the earliest two commits after the step's, inside the
window below), every failing series and every announced one an alarm, the commits red the gate's alone (an
issue on main blocks no pull request). ``--no-alert`` leaves them out (half the time).

Printed per history and rule:
- commits red: commits on which at least one series fails;
- alarms that hold up: of the failing series (with 3 more runs to look at), the share whose next 3 runs all
  stay >= 5 % worse than the baseline the alarm was raised against (the baseline runs' median for perfgate,
  the previous run for a ratio rule);
- steps caught: of the history's steps >= 10 % worse, the share failed at the step's commit or within the 2
  commits after. Steps are located per series on the whole history of run medians by perfgate's own change
  point detector (``history.change_points.steps``, Otava's t-test E-divisive: min segment 3 runs, p < 1e-5);
  with ``--otava``, by Apache Otava's own detector instead (``compute_change_points``, its defaults: windows of
  50 runs, p < 0.001). ``apache-otava`` is an optional import, never a perfgate dependency; it pins its own
  numpy, so install it apart: ``pip install --no-deps --target /tmp/otava apache-otava`` and run with
  ``PYTHONPATH=/tmp/otava``;
- failing + suspected series per 100 commits (a ratio rule has no "suspected": its alerts only);
- the share of alarms that fall on commits where >= 5 series fail together.

Side by side: github-action-benchmark's rule, an alert when a value is above ``threshold`` times the previous
run's (110 %, 150 %, 200 %); and Bencher's Student's t-test threshold with its documented example model
(bencher.dev/docs/explanation/thresholds: ``--threshold-test t_test --threshold-max-sample-size 64
--threshold-upper-boundary 0.99``): an alert when a value is above the mean of the previous <= 64 runs plus the
t distribution's 0.99 quantile (n - 1 degrees of freedom) times their standard deviation, from 2 runs on.

And a bound no rule that judges one run against main's history can beat by much, "one-run oracle": each series'
own spread between runs known from the *whole* history (the future included: the robust spread of its
run-to-run differences, the runs' shifts taken out), the candidate against the mean of the 5 runs before with
the run's shift out, "worse by more than 5 %", Benjamini-Hochberg at 5 %, with tails as a t with 2.5 or 4
degrees of freedom or normal. Where even it misses a goal, history alone cannot meet it: only more runs of the
candidate can (`perfgate run`, or main's next runs: `perfgate alert`). Where the tool wrote its own interval of
each run's median (asv), the oracle is printed again knowing it, as the gate does: each run weighed by how sure
it was of its median (docs/statistics.md, A run's own uncertainty).

Each run has ~1,500 series on pandas: the full replay takes a few minutes per history on one core.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from perfgate.app.alert import main_histories, remember_recovery
from perfgate.app.compare import compare_with_history
from perfgate.app.ingest import RunInfo, store_results
from perfgate.app.reading import read_all
from perfgate.config import AlertSettings
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import own_variance
from perfgate.gate.report import FAILING, Report, Verdict
from perfgate.gate.settings import Settings
from perfgate.history import alerts
from perfgate.history.change_points import steps
from perfgate.model import Direction, ParsedResults
from perfgate.render.alert import announced
from perfgate.store import Store

HISTORIES = Path(__file__).resolve().parent.parent.parent / "shared" / "histories"
SUITE = "replay"
BASELINE_RUNS = 5  # the config's default
HOLD_RUNS = 3  # an alarm holds up when the next 3 runs stay worse ...
HOLD_WORSE = 0.05  # ... by at least 5 %
STEP = 0.10  # a real step: >= 10 % worse, persistent (a change point)
STEP_WINDOW = 2  # caught at the step's commit or within 2 commits after
RATIOS = (1.10, 1.50, 2.00)
BENCHER_WINDOW = 64  # --threshold-max-sample-size
BENCHER_BOUNDARY = 0.99  # --threshold-upper-boundary
BENCHER_MIN = 2  # --threshold-min-sample-size (Bencher's default)
TOGETHER = 5  # series failing on one commit: the signature of the machine, not of code
ORACLE_TAILS = (2.5, 4.0, None)  # Student's t degrees of freedom of the oracle's test; None: normal
ORACLE_MARGIN = 0.05  # the allowance its test is "worse by more than" (the config's default max_regression)


@dataclass
class Tally:
    """What one rule did over a history: per commit, the series it failed (and suspected, for perfgate)."""

    failing: list[set[str]] = field(default_factory=list)
    suspected: list[int] = field(default_factory=list)
    baseline: list[dict[str, float]] = field(default_factory=list)  # the level each alarm was raised against
    notes: list[tuple[str, ...]] = field(default_factory=list)
    issues: list[int] = field(default_factory=list)  # perfgate alert: issues opened (one per first bad commit)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("histories", nargs="*", type=Path, help="history folders (default: ../shared/histories/*)")
    parser.add_argument("--limit-commits", type=int, default=None, help="replay only the first N commits")
    parser.add_argument("--otava", action="store_true", help="locate steps with apache-otava (if installed)")
    parser.add_argument("--no-alert", action="store_true", help="skip perfgate alert's replay (half the time)")
    parser.add_argument("--show-notes", action="store_true", help="print each commit's whole-run notes")
    args = parser.parse_args(argv)
    folders = args.histories or sorted(p for p in HISTORIES.iterdir() if (p / "order.json").is_file())
    for folder in folders:
        replay(folder, args.limit_commits, otava=args.otava, show_notes=args.show_notes, no_alert=args.no_alert)


def replay(
    folder: Path, limit: int | None, *, otava: bool = False, show_notes: bool = False, no_alert: bool = False
) -> None:
    order = json.loads((folder / "order.json").read_text())[:limit]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="perfgate-replay-") as tmp:
        runs = _prepare(folder, order, Path(tmp))
        medians = [{s.name: float(s.summary.median or math.nan) for s in r.series} for r in runs]
        variances = [{s.name: own_variance(s.summary) for s in r.series} for r in runs]
        perfgate, alert = _replay_perfgate(runs, Path(tmp) / "history.db", show_notes, alerts=not no_alert)
    ratios = {t: _replay_ratio(medians, t) for t in RATIOS}
    bencher = _replay_bencher(medians)
    found = _steps(medians, otava)
    elapsed = time.perf_counter() - started
    print(f"\n{folder.name}: {len(runs)} commits, {len(medians[0])} series in the first run ({elapsed:.0f} s)")
    print(f"steps >= {STEP:.0%} worse: {len(found)} ({'apache-otava' if otava else 'perfgate change_points'})")
    print(
        "| rule | commits red | alarms that hold up | steps caught | failing + suspected per 100 commits "
        f"| alarms on commits with >= {TOGETHER} failing |"
    )
    print("|---|---|---|---|---|---|")
    print(_row("perfgate (the pull request's gate)", perfgate, medians, found))
    if alert is not None:
        print(_row("perfgate alert (main: issues opened)", alert, medians, found))
        print(_row("the Action: gate, and alert on main", _both(perfgate, alert), medians, found, red_from=perfgate))
        opened = sum(alert.issues)
        print(f"perfgate alert: {opened} issues opened ({100 * opened / max(len(runs) - 1, 1):.0f} per 100 commits)")
    for t, tally in ratios.items():
        print(_row(f"ratio {t:.0%}", tally, medians, found))
    print(_row("Bencher t-test (64 runs, 0.99)", bencher, medians, found))
    for tails in ORACLE_TAILS:
        label = f"one-run oracle, {'normal tails' if tails is None else f't({tails:g}) tails'}"
        print(_row(label, _replay_oracle(medians, tails), medians, found))
    if any(math.isfinite(v) for run in variances for v in run.values()):
        for tails in ORACLE_TAILS:
            label = f"one-run oracle with the runs' own intervals, {'normal tails' if tails is None else f't({tails:g}) tails'}"
            print(_row(label, _replay_oracle(medians, tails, variances), medians, found))
    shifted = sum(1 for notes in perfgate.notes if any("whole run" in n for n in notes))
    print(f"perfgate commits with a whole-run note: {shifted}")


def _prepare(folder: Path, order: list[dict[str, Any]], tmp: Path) -> list[ParsedResults]:
    """Each run's results as perfgate reads them (asv API v1, as pvlib's, or v2), benchmarks.json beside them."""
    shutil.copy(folder / "benchmarks.json", tmp / "benchmarks.json")
    paths = []
    for entry in order:
        with gzip.open(folder / entry["file"]) as packed:
            raw = packed.read()
        path = tmp / Path(entry["file"]).name.removesuffix(".gz")
        path.write_bytes(raw)
        paths.append(str(path))
    return read_all(paths, "asv")


def _replay_perfgate(
    runs: list[ParsedResults], db: Path, show_notes: bool, *, alerts: bool
) -> tuple[Tally, Tally | None]:
    """The gate on each commit against main's history, then the run recorded; with ``alerts``, after each record
    `perfgate alert` as the Action runs it on main (``alert: true``): the issues it opens, at the commit it opens
    them."""
    store = Store(f"sqlite:///{db}")
    tally = Tally()
    opened = Tally() if alerts else None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for i, run in enumerate(runs):
        if i:
            report = compare_with_history(
                store,
                [run],
                suite=SUITE,
                branch="main",
                settings=Settings(),
                baseline_runs=BASELINE_RUNS,
                policy=Policy(),
            )
            _count(tally, report)
            if show_notes:
                for note in report.notes:
                    if "whole run" in note:
                        print(f"  {i:3d} {run.commit or '?':.10}: {note}", file=sys.stderr)
        else:
            _count(tally, None)
        store_results(store, [(run, RunInfo(SUITE, "main", run.commit))], now=now + timedelta(minutes=i))
        if opened is not None:
            _alert(store, opened, now + timedelta(minutes=i))
    store.close()
    return tally, opened


def _alert(store: Store, tally: Tally, now: datetime) -> None:
    """What `perfgate alert` does after a main run is recorded (app.alert, without GitHub and webhooks): the new
    steps announced (every step of at most MAX_NEW_ISSUES commits a run, the largest first; each commit one
    issue), the recovered ones remembered."""
    histories = main_histories(store, SUITE, "main", AlertSettings().runs)
    known = store.announcements(SUITE)
    found = alerts.find(histories, known, Policy(), Settings(), today=now.date())
    names, levels, commits = set(), {}, set()
    groups, _ = alerts.this_run(found.new)
    for step in (step for group in groups for step in group):
        if store.announce(announced(step), last_good=step.last_good.commit, after=step.step.after, now=now):
            names.add(step.history.name)
            levels[step.history.name] = step.step.before
            commits.add(step.first_bad.commit)
    for recovery in found.recovered:
        remember_recovery(store, recovery, now)
    tally.failing.append(names)
    tally.suspected.append(0)
    tally.baseline.append(levels)
    tally.notes.append(())
    tally.issues.append(len(commits - {a.first_bad for a in known if not a.recovered}))  # an open one gains them


def _both(gate: Tally, alert: Tally) -> Tally:
    """The gate's failures and alert's issues together: a step is caught by either; each is an alarm."""
    both = Tally()
    for i in range(len(gate.failing)):
        both.failing.append(gate.failing[i] | alert.failing[i])
        both.suspected.append(gate.suspected[i])
        both.baseline.append({**alert.baseline[i], **gate.baseline[i]})
        both.notes.append(())
    return both


def _count(tally: Tally, report: Report | None) -> None:
    if report is None:
        tally.failing.append(set())
        tally.suspected.append(0)
        tally.baseline.append({})
        tally.notes.append(())
        return
    failing = {c.name for c in report.comparisons if c.verdict in FAILING}
    tally.failing.append(failing)
    tally.suspected.append(sum(1 for c in report.comparisons if c.verdict is Verdict.SUSPECTED))
    levels = {}
    for c in report.comparisons:
        if c.name in failing and c.baseline is not None and c.direction is Direction.LOWER_IS_BETTER:
            levels[c.name] = float(c.baseline.median or math.nan)
    tally.baseline.append(levels)
    tally.notes.append(report.notes)


def _replay_ratio(medians: list[dict[str, float]], threshold: float) -> Tally:
    """github-action-benchmark: an alert when the value is above threshold times the previous run's."""
    tally = Tally()
    for i, run in enumerate(medians):
        prev = medians[i - 1] if i else {}
        failing = {n for n, v in run.items() if n in prev and prev[n] > 0 and v > threshold * prev[n]}
        tally.failing.append(failing)
        tally.suspected.append(0)
        tally.baseline.append({n: prev[n] for n in failing})
        tally.notes.append(())
    return tally


def _replay_bencher(medians: list[dict[str, float]]) -> Tally:
    """Bencher's t-test threshold: above mean + t(0.99, n-1) x sd of the previous <= 64 values (n >= 2)."""
    from scipy import special

    tally = Tally()
    past: dict[str, list[float]] = {}
    for run in medians:
        failing, levels = set(), {}
        for name, value in run.items():
            history = past.setdefault(name, [])
            if len(history) >= BENCHER_MIN and math.isfinite(value):
                window = np.array(history[-BENCHER_WINDOW:])
                mean, sd = float(np.mean(window)), float(np.std(window, ddof=1))
                if value > mean + float(special.stdtrit(window.size - 1, BENCHER_BOUNDARY)) * sd:
                    failing.add(name)
                    levels[name] = mean
            if math.isfinite(value):
                history.append(value)
        tally.failing.append(failing)
        tally.suspected.append(0)
        tally.baseline.append(levels)
        tally.notes.append(())
    return tally


def _replay_oracle(
    medians: list[dict[str, float]], tails: float | None, variances: list[dict[str, float]] | None = None
) -> Tally:
    """The one-run oracle (see the module's docstring): what a single run can show at best. ``variances``: each
    run's own variance of its log median (the tool's interval), known to the oracle as to the gate: each run then
    weighs 1 / (tau² + its own), tau² being what the whole history's spread leaves once the typical run's own
    variance is taken out, split as the gate splits it (`stats.runs.unexplained`: the runner keeps at least a
    tenth), but with each run's own variance as the tool gave it, not shrunk."""
    from scipy import special

    from perfgate.stats import benjamini_hochberg
    from perfgate.stats.common import MAD_TO_SD
    from perfgate.stats.runs import unexplained
    from perfgate.stats.suite import _nanmedian

    names = sorted(set().union(*medians))
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.array([[m.get(n, math.nan) for n in names] for m in medians]))
    logs[~np.isfinite(logs)] = math.nan
    shifted = logs - np.nan_to_num(_nanmedian(logs - _nanmedian(logs, axis=0), axis=1))[:, None]
    steps_ = np.diff(shifted, axis=0)
    spread = MAD_TO_SD * _nanmedian(np.abs(steps_ - _nanmedian(steps_, axis=0)), axis=0) / math.sqrt(2)
    own = None
    if variances is not None:
        own = np.array([[v.get(n, math.nan) for n in names] for v in variances])
        typical = _nanmedian(own, axis=0)
        own = np.nan_to_num(np.where(np.isfinite(own), own, typical))  # a run without one: a typical one
        between = np.where(np.isfinite(typical), unexplained(spread**2, typical), spread**2)
    tally = Tally()
    _count(tally, None)
    for i in range(1, len(medians)):
        start = max(0, i - BASELINE_RUNS)
        before = shifted[start:i]
        with np.errstate(invalid="ignore", divide="ignore"):
            if own is None:
                level = np.nanmean(before, axis=0) if np.isfinite(before).any() else np.full(len(names), math.nan)
                se = spread * math.sqrt(1 + 1 / len(before))
            else:
                weights = np.where(np.isfinite(before), 1 / (between + own[start:i]), 0.0)
                level = np.sum(np.nan_to_num(before) * weights, axis=0) / np.sum(weights, axis=0)
                se = np.sqrt(between + own[i] + 1 / np.sum(weights, axis=0))
            z = (shifted[i] - level - math.log1p(ORACLE_MARGIN)) / se
        p = special.ndtr(-z) if tails is None else special.stdtr(tails, -z)
        p = np.where(np.isfinite(p), p, 1.0)
        q = np.array(benjamini_hochberg(p.tolist()))
        alarms = np.flatnonzero(q <= 0.05)
        with np.errstate(invalid="ignore"):  # the level each alarm is raised against: the runs' own, unshifted
            levels = np.exp(np.nanmean(logs[start:i, alarms], axis=0))
        tally.failing.append({names[j] for j in alarms})
        tally.suspected.append(0)
        tally.baseline.append({names[j]: float(v) for j, v in zip(alarms, levels, strict=True)})
        tally.notes.append(())
    return tally


def _steps(medians: list[dict[str, float]], otava: bool) -> list[tuple[str, int]]:
    """(series, index of the run where it got >= STEP worse) over the whole history."""
    names = sorted(set().union(*medians))
    found = []
    for name in names:
        values = np.array([m.get(name, math.nan) for m in medians])
        present = np.flatnonzero(np.isfinite(values) & (values > 0))
        if present.size < 6:
            continue
        at = _otava_steps(values[present]) if otava else _perfgate_steps(values[present])
        found += [(name, int(present[j])) for j in at]
    return found


def _perfgate_steps(values: np.ndarray) -> list[int]:
    return [s.index for s in steps(values, min_step=STEP) if s.ratio >= 1 + STEP]


def _otava_steps(values: np.ndarray) -> list[int]:
    """Otava's own detector with its defaults (windows of 50 runs, p < 0.001), steps >= STEP worse."""
    try:
        from otava.analysis import compute_change_points  # type: ignore[import-not-found]
    except ImportError:
        raise SystemExit("--otava needs apache-otava importable (not a perfgate dependency)") from None
    points, _ = compute_change_points(values.tolist(), window_len=50, max_pvalue=0.001)
    return [int(p.index) for p in points if p.stats.forward_change_percent() >= STEP * 100]


def _row(
    label: str,
    tally: Tally,
    medians: list[dict[str, float]],
    found: list[tuple[str, int]],
    *,
    red_from: Tally | None = None,
) -> str:
    """``red_from``: the rule whose failures make a commit red (an alert's issue does not fail a commit)."""
    commits = len(medians) - 1
    red = sum(1 for f in (red_from or tally).failing[1:] if f)
    judged = held = 0
    for i, failing in enumerate(tally.failing):
        if i + HOLD_RUNS >= len(medians):
            break
        for name in failing:
            level = tally.baseline[i].get(name)
            if level is None or not math.isfinite(level) or level <= 0:
                continue
            later = [medians[j].get(name, math.nan) for j in range(i + 1, i + 1 + HOLD_RUNS)]
            judged += 1
            held += all(math.isfinite(v) and v >= (1 + HOLD_WORSE) * level for v in later)
    caught = sum(1 for name, at in found if any(name in tally.failing[j] for j in _window(at, len(medians))))
    flagged = sum(len(f) for f in tally.failing[1:]) + sum(tally.suspected[1:])
    alarms = sum(len(f) for f in tally.failing)
    together = sum(len(f) for f in tally.failing if len(f) >= TOGETHER)
    return (
        f"| {label} | {red}/{commits} ({_pct(red, commits)}) | {held}/{judged} ({_pct(held, judged)}) "
        f"| {caught}/{len(found)} ({_pct(caught, len(found))}) | {100 * flagged / max(commits, 1):,.0f} "
        f"| {_pct(together, alarms)} |"
    )


def _window(at: int, size: int) -> range:
    return range(at, min(at + STEP_WINDOW + 1, size))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


if __name__ == "__main__":
    main()
