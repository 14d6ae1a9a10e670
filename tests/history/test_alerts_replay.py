"""The replay of real histories through `perfgate alert` (benchmarks/replay_alerts.py) counts what perfgate
announced. On a step over more series than one run announces (MAX_NEW_STEPS), ``alerts.find`` calls the rest new
again on the next run: they waited, they were not announced twice. The replay counted every step ``find`` called
new as an alert opened, and so each waiting step as a duplicate of itself (395 on pandas' 165 commits)."""

from __future__ import annotations

import sys
from pathlib import Path

from perfgate.app.alert import MAX_NEW_STEPS

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.append(str(BENCHMARKS))  # replay_alerts imports replay_history beside it; last, so it shadows nothing

import replay_alerts  # noqa: E402

# A history folder laid out as ../shared/histories' (not a format's fixtures, so not in tests/data): its PROVENANCE.txt.
BURST = Path(__file__).resolve().parent / "replays" / "asv-pandas-alert-burst"


def test_a_step_left_for_the_next_run_is_counted_once() -> None:
    result, _ = replay_alerts.replay(BURST, None, github=True)
    duplicates, flaps = replay_alerts._repeats(result)

    first_run = [o for o in result.opened if o.at == 26]
    assert len(first_run) == MAX_NEW_STEPS and {o.first_bad for o in first_run} == {24}  # run 024: a68048ea02
    assert [(w.at, w.first_bad) for w in result.waiting] == [(26, 24)]
    [waited] = result.waiting
    [later] = [o for o in result.opened if o.step.key == waited.step.key]
    assert (later.at, later.step.first_bad.commit) == (27, waited.step.first_bad.commit)
    assert len(result.opened) == result.issues == result.messages["regression"] == 14
    assert (duplicates, flaps) == ([], [])
