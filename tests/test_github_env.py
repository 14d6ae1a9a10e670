"""The Actions environment read into a context: the pull request's head (not the merge commit), a fork, a push to
main, a workflow_run after a fork's job."""

from __future__ import annotations

from pathlib import Path

from perfgate.github_env import read_context

from .conftest import DATA

EVENTS = DATA / "github-events"
HEAD_SHA = "1" * 40
FORK_SHA = "3" * 40


def test_context_of_each_event(tmp_path: Path) -> None:
    base = {"GITHUB_REPOSITORY": "acme/shop", "GITHUB_SHA": "f" * 40, "GITHUB_RUN_ID": "42", "GITHUB_RUN_ATTEMPT": "2"}
    pr = read_context(
        {**base, "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(EVENTS / "pull_request.json")}
    )
    assert (pr.pr_number, pr.sha, pr.base_sha, pr.is_fork) == (
        7,
        HEAD_SHA,
        "2" * 40,
        False,
    )  # the head, not the merge commit
    assert pr.idempotency_prefix == "github:acme/shop:42:2"
    fork = read_context(
        {**base, "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(EVENTS / "pull_request_fork.json")}
    )
    assert fork.is_fork and fork.pr_number == 8
    push = read_context(
        {
            **base,
            "GITHUB_EVENT_NAME": "push",
            "GITHUB_REF": "refs/heads/main",
            "GITHUB_EVENT_PATH": str(EVENTS / "push.json"),
        }
    )
    assert (push.branch, push.sha, push.pr_number) == ("main", "2" * 40, None)
    run = read_context(
        {**base, "GITHUB_EVENT_NAME": "workflow_run", "GITHUB_EVENT_PATH": str(EVENTS / "workflow_run_fork.json")}
    )
    assert (run.sha, run.pr_number, run.is_fork, run.workflow_run_conclusion) == (FORK_SHA, None, True, "failure")


def test_a_labeled_event_says_the_labels_the_label_and_who_added_it() -> None:
    base = {"GITHUB_REPOSITORY": "acme/shop", "GITHUB_SHA": "f" * 40, "GITHUB_EVENT_NAME": "pull_request"}
    labeled = read_context({**base, "GITHUB_EVENT_PATH": str(EVENTS / "pull_request_labeled.json")})
    assert labeled.labels == ("needs review", "perfgate: accept") and labeled.event_label == "perfgate: accept"
    assert (labeled.action, labeled.sender, labeled.pr_updated_at) == ("labeled", "alice", "2026-12-03T07:05:09Z")
    silent = read_context({**base, "GITHUB_EVENT_PATH": str(EVENTS / "pull_request.json")})
    assert silent.labels is None and silent.event_label is None  # no labels key: ask the API
