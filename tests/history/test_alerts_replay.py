"""The replay of real histories through `perfgate alert` (benchmarks/replay_alerts.py) counts what perfgate
announced. A step over many series of one commit is one issue, announced at once: on the pandas run that slowed
14 series of one benchmark, the alert once announced ten a run and left four for the next (each series its own
issue); the replay must count each step once, and GitHub must hold one issue."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.append(str(BENCHMARKS))  # replay_alerts imports replay_history beside it; last, so it shadows nothing

import replay_alerts  # noqa: E402

# A history folder laid out as ../shared/histories' (not a format's fixtures, so not in tests/data): its PROVENANCE.txt.
BURST = Path(__file__).resolve().parent / "replays" / "asv-pandas-alert-burst"


def test_a_commits_steps_are_announced_at_once_in_one_issue() -> None:
    result, _ = replay_alerts.replay(BURST, None, github=True)
    duplicates, flaps = replay_alerts._repeats(result)

    # Run 026 finds 11 of the 14 steps of run 024 (a68048ea02), all announced at once; run 028 finds the other
    # three, and they join the commit's open issue.
    assert [(o.at, o.first_bad) for o in result.opened] == [(26, 24)] * 11 + [(28, 24)] * 3
    assert result.waiting == []
    assert len(result.opened) == result.messages["regression"] == 14  # a generic webhook event per step
    assert result.issues == 1 and result.slack_messages == 2  # Slack: the steps each run announced
    assert (duplicates, flaps) == ([], [])
