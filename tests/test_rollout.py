"""Staged rollout through the Action's real path (`perfgate gate` as a workflow step runs it, against the fake GitHub
on loopback): a warn-only series never fails the check; the accept label waives a pull request's failing verdicts,
with who added it and when in the comment, the JUnit, the JSON report and the stored decision; removing it restores
them on the next run."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from perfgate.model import GateDecision
from perfgate.store import Store

from .conftest import EXAMPLES
from .fake_github import FakeGitHub
from .runner.expressions import condition
from .runner.job import ROOT
from .test_github import HEAD_SHA, _ours, _outputs, _step

LABEL = "perfgate: accept"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


@pytest.fixture
def recorded(fake: FakeGitHub, tmp_path: Path) -> Path:
    """main's run recorded, PR 7 open at HEAD_SHA with the slower head.json (test_tokenize regresses)."""
    for name in ("base.json", "head.json"):
        shutil.copy(EXAMPLES / "pytest-benchmark" / name, tmp_path / name)
    done, _, _ = _step(fake, tmp_path, "push", "push.json", "gate", "base.json")
    assert done.returncode == 0, done.stderr
    fake.add_pull(7, HEAD_SHA)
    return tmp_path


def _event(tmp_path: Path, action: str, labels: list[str], label: str | None = None, sender: str = "alice") -> str:
    """A pull_request event as GitHub sends it (the fields perfgate reads, in their real shapes)."""
    payload: dict[str, Any] = {
        "action": action,
        "number": 7,
        "pull_request": {
            "number": 7,
            "state": "open",
            "title": "Faster tokenizer",
            "updated_at": "2026-12-03T07:05:09Z",
            "labels": [{"id": 1, "name": n, "color": "0e8a16", "default": False, "description": None} for n in labels],
            "head": {"ref": "feature", "sha": HEAD_SHA, "repo": {"full_name": "acme/shop", "fork": False}},
            "base": {"ref": "main", "sha": "2" * 40, "repo": {"full_name": "acme/shop"}},
        },
        "repository": {"full_name": "acme/shop", "default_branch": "main"},
        "sender": {"login": sender, "type": "User"},
    }
    if label is not None:
        payload["label"] = {"id": 1, "name": label, "color": "0e8a16"}
    path = tmp_path / f"event-{action}.json"
    path.write_text(json.dumps(payload))
    return str(path)


def _gate(fake: FakeGitHub, tmp_path: Path, event: str) -> tuple[int, str, dict[str, Any], str, dict[str, str]]:
    """One PR job: exit code, job log, JSON report, JUnit XML, step outputs."""
    done, _, outputs = _step(fake, tmp_path, "pull_request", event, "gate", "head.json", sha="9" * 40)
    out = _outputs(outputs)
    out_dir = tmp_path / Path(out["report"]).parent
    report = json.loads((tmp_path / out["report"]).read_text())
    junit = (out_dir / Path(out["junit"]).name).read_text()
    outputs.unlink()
    return done.returncode, done.stdout + done.stderr, report, junit, out


def _decisions(tmp_path: Path) -> list[GateDecision]:
    return Store(f"sqlite:///{tmp_path / 'history.db'}").gate_decisions(
        "default", since=datetime(2000, 1, 1, tzinfo=UTC), until=datetime(2100, 1, 1, tzinfo=UTC)
    )


def _series(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in report["series"] if s["name"] == name)


def test_the_label_waives_and_its_removal_restores(fake: FakeGitHub, recorded: Path) -> None:
    tmp_path = recorded
    code, _, _, _, _ = _gate(fake, tmp_path, _event(tmp_path, "synchronize", []))
    assert code == 1 and fake.check_runs[-1]["conclusion"] == "failure"
    assert not fake.requests("GET", "/labels|/events")  # no label in the event: GitHub is not asked

    fake.add_label(7, LABEL, "alice", "2026-12-03T07:05:07Z")
    code, log, report, junit, out = _gate(fake, tmp_path, _event(tmp_path, "labeled", [LABEL], LABEL))
    assert code == 0, log
    who = "by @\u200balice on 2026-12-03 07:05 UTC"  # escaped: the comment mentions nobody
    (comment,) = _ours(fake, 7)
    body = str(comment["body"])
    assert f"### :white_check_mark: perfgate: 1 failing series waived by the label `{LABEL}`" in body
    assert f"Waived by the label '{LABEL}' (added {who}): these do not fail the check" in body
    assert f"regression waived by the label '{LABEL}' (added {who}): +" in body
    check = fake.check_runs[-1]
    assert (
        check["conclusion"] == "success" and check["output"]["title"] == f"1 of 3 series waived by the label '{LABEL}'"
    )
    assert out["verdict"] == "pass" and out["regressions"] == "0"
    assert report["verdict"] == "pass"
    assert report["accepted"] == {"label": LABEL, "by": "alice", "at": "2026-12-03T07:05:07Z"}
    tokenize = _series(report, "test_tokenize")
    assert tokenize["verdict"] == "waived" and tokenize["waived_by"] == "label" and not tokenize["fails"]
    assert 'failures="0"' in junit and "<failure" not in junit
    assert f"waived: regression waived by the label '{LABEL}' (added by @alice on 2026-12-03 07:05 UTC)" in junit
    kept = _decisions(tmp_path)[-1]
    assert kept.verdict == "pass" and [(d.name, d.verdict) for d in kept.decided] == [("test_tokenize", "waived")]
    assert f"waived by the label '{LABEL}' (added by @alice on 2026-12-03 07:05 UTC)" in kept.decided[0].reason

    fake.remove_label(7, LABEL, "bob", "2026-12-03T08:00:00Z")
    code, _, report, junit, out = _gate(fake, tmp_path, _event(tmp_path, "unlabeled", [], LABEL, sender="bob"))
    assert code == 1 and out["verdict"] == "fail" and report["accepted"] is None
    (comment,) = _ours(fake, 7)  # the same comment, judged again
    assert "### :x: perfgate: 1 regression beyond the allowed change" in str(comment["body"])
    assert LABEL not in str(comment["body"])
    assert fake.check_runs[-1]["conclusion"] == "failure"
    assert _series(report, "test_tokenize")["verdict"] == "regression" and 'failures="1"' in junit
    assert _decisions(tmp_path)[-1].verdict == "fail"

    # A re-run of the labeled job replays its event, which still has the label: GitHub says it was removed since.
    code, log, report, _, _ = _gate(fake, tmp_path, _event(tmp_path, "labeled", [LABEL], LABEL))
    assert code == 1 and report["accepted"] is None
    assert f"the label '{LABEL}' was removed from PR #7 by @bob on 2026-12-03 08:00 UTC" in log


def test_a_label_on_a_synchronize_event_is_dated_by_the_issue_events_across_pages(
    fake: FakeGitHub, recorded: Path
) -> None:
    tmp_path = recorded
    for i in range(120):  # other events first: the label's is on the second page of 100
        fake.add_issue_event(7, "assigned", "carol", f"2026-12-01T00:{i % 60:02d}:00Z", assignee={"login": "carol"})
    fake.add_label(7, "needs review", "carol", "2026-12-02T09:00:00Z")
    fake.add_label(7, LABEL, None, "2026-12-02T10:00:00Z")  # a deleted user (GitHub's null actor)
    code, log, report, _, _ = _gate(fake, tmp_path, _event(tmp_path, "synchronize", ["needs review", LABEL]))
    assert code == 0, log
    assert report["accepted"] == {"label": LABEL, "by": None, "at": "2026-12-02T10:00:00Z"}
    assert len(fake.requests("GET", r"/issues/7/events$")) == 2  # both pages were read


def test_a_warn_budget_never_fails_the_check(fake: FakeGitHub, recorded: Path) -> None:
    tmp_path = recorded
    (tmp_path / "perfgate.toml").write_text('[[budget]]\nmatch = "test_tokenize"\nmode = "warn"\n')
    code, log, report, junit, out = _gate(fake, tmp_path, _event(tmp_path, "synchronize", []))
    assert code == 0, log
    body = str(_ours(fake, 7)[0]["body"])
    assert (
        '### :warning: perfgate: warn-only: 1 regression beyond the allowed change (mode = "warn": does not fail the '
        "check)" in body
    )
    assert ":warning: Warn-only: judged as failing" in body and "| regression (warn-only) |" not in body
    assert 'warn-only (mode = "warn": does not fail the check): +' in body
    check = fake.check_runs[-1]
    assert check["conclusion"] == "neutral" and check["output"]["title"] == "1 failing of 3 series, warn-only"
    assert out["verdict"] == "neutral" and out["regressions"] == "0"
    tokenize = _series(report, "test_tokenize")
    assert tokenize["verdict"] == "regression" and tokenize["warn_only"] and not tokenize["fails"]
    assert report["verdict"] == "neutral" and 'failures="0"' in junit and "regression: warn-only (mode" in junit
    kept = _decisions(tmp_path)[-1]
    assert kept.verdict == "neutral" and kept.decided == ()  # it blocked nothing

    # Everything warns but this series, moved to blocking: it fails the check again.
    (tmp_path / "perfgate.toml").write_text(
        '[perfgate]\nmode = "warn"\n\n[[budget]]\nmatch = "test_tokenize"\nmode = "block"\n'
    )
    code, _, report, _, _ = _gate(fake, tmp_path, _event(tmp_path, "synchronize", []))
    assert code == 1 and fake.check_runs[-1]["conclusion"] == "failure" and report["verdict"] == "fail"


def test_an_empty_accept_label_switches_the_label_off(fake: FakeGitHub, recorded: Path) -> None:
    tmp_path = recorded
    (tmp_path / "perfgate.toml").write_text('[perfgate]\naccept_label = ""\n')
    fake.add_label(7, LABEL, "alice")
    code, _, report, _, _ = _gate(fake, tmp_path, _event(tmp_path, "labeled", [LABEL], LABEL))
    assert code == 1 and report["accepted"] is None
    assert not fake.requests("GET", "/labels|/events")


@pytest.mark.parametrize(
    ("event", "payload", "runs"),
    [
        ("pull_request", {"action": "synchronize"}, True),
        ("pull_request", {"action": "labeled", "label": {"name": LABEL}}, True),
        ("pull_request", {"action": "unlabeled", "label": {"name": LABEL}}, True),
        ("pull_request", {"action": "labeled", "label": {"name": "needs review"}}, False),
        ("push", {}, True),
    ],
)
def test_the_documented_trigger_reruns_the_gate_for_the_accept_label_only(
    event: str, payload: dict[str, Any], runs: bool
) -> None:
    """docs/github-action.md's `if:` for the labeled/unlabeled triggers, as the runner emulator evaluates it."""
    docs = (ROOT / "docs" / "github-action.md").read_text()
    block = re.search(r"```yaml\n(on:\n  pull_request:\n    types: \[[^\]]*labeled, unlabeled\].*?)```", docs, re.S)
    assert block is not None
    spec = yaml.safe_load(block.group(1))
    assert spec[True]["pull_request"]["types"] == ["opened", "synchronize", "reopened", "labeled", "unlabeled"]
    (job,) = spec["jobs"].values()
    contexts = {"github": {"event_name": event, "event": payload}}
    assert condition(job["if"], contexts, {"success": lambda: True}) is runs
