"""The accept label, as the Action finds it: from the event when it says, else from GitHub's API (a workflow_run),
who added it and when from the issue events; what stands when GitHub cannot be asked. Real HTTP to the fake."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from perfgate.app.acceptance import find
from perfgate.deliver.github import GitHubPublisher
from perfgate.gate.rules import Acceptance
from perfgate.github_env import GitHubContext

from ..fake_github import FakeGitHub, Fault

LABEL = "perfgate: accept"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.add_pull(7, "1" * 40)
    yield server
    server.stop()


def _ctx(fake: FakeGitHub, **changes: Any) -> GitHubContext:
    base = GitHubContext(
        event="workflow_run",
        repository=fake.full_name,
        api_url=fake.url,
        server_url="https://github.example",
        run_id="42",
        run_attempt="1",
        sha="1" * 40,
        branch="feature",
        pr_number=7,
        token="s3cret-token",
    )
    return replace(base, **changes)


def test_a_workflow_run_reads_the_labels_and_the_events_from_the_api(fake: FakeGitHub) -> None:
    fake.add_label(7, LABEL, "alice", "2026-12-03T07:05:07Z")
    accepted, said = find(_ctx(fake), LABEL, GitHubPublisher)
    assert accepted == Acceptance(LABEL, "alice", datetime(2026, 12, 3, 7, 5, 7, tzinfo=UTC)) and said == []
    assert [c.path for c in fake.calls] == ["/repos/acme/shop/issues/7/labels", "/repos/acme/shop/issues/7/events"]


def test_no_label_no_waiver_and_one_question_at_most(fake: FakeGitHub) -> None:
    fake.add_label(7, "needs review", "carol")
    assert find(_ctx(fake), LABEL, GitHubPublisher) == (None, [])
    assert [c.path for c in fake.calls] == ["/repos/acme/shop/issues/7/labels"]  # the events were not needed
    fake.calls.clear()
    assert find(_ctx(fake, labels=("needs review",)), LABEL, GitHubPublisher) == (None, [])
    assert fake.calls == []  # the event said so
    assert find(_ctx(fake, pr_number=None), LABEL, GitHubPublisher) == (None, [])  # a push: no pull request


def test_when_github_cannot_say_who_the_events_word_stands(fake: FakeGitHub) -> None:
    fake.add_label(7, LABEL, "alice")
    fake.faults.append(Fault("GET", r"/issues/7/events", 403, message="Must have admin rights to Repository."))
    labeled = _ctx(
        fake,
        event="pull_request",
        labels=(LABEL,),
        action="labeled",
        event_label=LABEL,
        sender="alice",
        pr_updated_at="2026-12-03T07:05:09Z",
    )
    accepted, said = find(labeled, LABEL, GitHubPublisher)
    assert accepted == Acceptance(LABEL, "alice", datetime(2026, 12, 3, 7, 5, 9, tzinfo=UTC))
    assert len(said) == 1 and "who added the label 'perfgate: accept' could not be read" in said[0]
    assert "GitHub answered 403" in said[0] and "s3cret-token" not in said[0]
    # Labels unreadable (a workflow_run): nothing is waived on a guess.
    fake.faults.append(Fault("GET", r"/issues/7/labels", 404, message="Not Found"))
    accepted, said = find(_ctx(fake), LABEL, GitHubPublisher)
    assert accepted is None and "the labels of PR #7 could not be read" in said[0]


def test_without_a_token_only_the_event_can_tell(fake: FakeGitHub) -> None:
    accepted, said = find(_ctx(fake, token=None, labels=(LABEL,)), LABEL, GitHubPublisher)
    assert accepted == Acceptance(LABEL) and said == []  # a synchronize event: who and when unknown
    accepted, said = find(_ctx(fake, token=None), LABEL, GitHubPublisher)
    assert accepted is None and "no GitHub token" in said[0]
    assert find(_ctx(fake, labels=(LABEL,)), "", GitHubPublisher) == (None, [])  # accept_label = "": off
    assert fake.calls == []
