"""The GitHub client against a fake GitHub REST server on loopback (PyGithub over real HTTP): one living comment,
found across pages and edited in place, never duplicated by a retry; a check run, or a commit status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from perfgate.deliver.github import GitHubPublisher, GitHubTarget
from perfgate.errors import DeliveryError
from perfgate.render.markdown import MARKER

from ..fake_github import FakeGitHub, Fault

HEAD_SHA = "1" * 40
FORK_SHA = "3" * 40


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


def _client(fake: FakeGitHub, timeout: int = 5) -> GitHubPublisher:
    return GitHubPublisher(
        GitHubTarget(fake.url, fake.full_name, "s3cret-token", timeout=timeout, secondary_rate_wait=0.2)
    )


def _ours(fake: FakeGitHub, number: int) -> list[dict[str, object]]:
    return [c for c in fake.comments[number] if str(c["body"]).startswith(MARKER)]


def test_one_comment_found_across_pages_and_edited_in_place(fake: FakeGitHub) -> None:
    fake.add_pull(7, HEAD_SHA)
    for i in range(150):  # our comment sits on the second page
        fake.add_comment(7, f"review {i}", login="alice")
        if i == 120:
            fake.add_comment(7, f"{MARKER}\nold report")
    client = _client(fake)
    outcome = client.upsert_comment(7, f"{MARKER}\nnew report", MARKER)
    assert outcome.action == "updated"
    assert [c["body"] for c in _ours(fake, 7)] == [f"{MARKER}\nnew report"]
    assert any(call.query.get("page") == ["2"] for call in fake.requests("GET", "/issues/7/comments"))
    assert client.upsert_comment(7, f"{MARKER}\nnew report", MARKER).action == "unchanged"
    assert len(fake.requests("PATCH")) == 1  # an unchanged body is not re-posted


def test_duplicates_are_removed(fake: FakeGitHub) -> None:
    fake.add_pull(7, HEAD_SHA)
    for _ in range(3):
        fake.add_comment(7, f"{MARKER}\ncopy")
    outcome = _client(fake).upsert_comment(7, f"{MARKER}\nreport", MARKER)
    assert outcome.duplicates_removed == 2 and len(_ours(fake, 7)) == 1


def test_a_lost_create_response_does_not_duplicate_the_comment(fake: FakeGitHub) -> None:
    fake.add_pull(7, HEAD_SHA)
    fake.faults.append(Fault("POST", r"/issues/7/comments$", 502, after=True))  # created, but the answer is lost
    outcome = _client(fake).upsert_comment(7, f"{MARKER}\nreport", MARKER)
    assert len(_ours(fake, 7)) == 1 and outcome.action in ("unchanged", "created")


def test_a_timeout_is_retried_after_listing_again(fake: FakeGitHub) -> None:
    fake.add_pull(7, HEAD_SHA)
    fake.faults.append(Fault("POST", r"/issues/7/comments$", 200, delay=2.5, after=True))
    _client(fake, timeout=1).upsert_comment(7, f"{MARKER}\nreport", MARKER)
    assert len(_ours(fake, 7)) == 1


def test_server_errors_and_rate_limits_on_reads_are_retried(fake: FakeGitHub) -> None:
    fake.add_pull(7, HEAD_SHA)
    fake.faults.append(Fault("GET", r"/issues/7/comments$", 502))
    fake.faults.append(Fault("GET", r"/issues/7/comments$", 429, headers={"Retry-After": "0"}))
    fake.faults.append(
        Fault(
            "GET",
            r"/issues/7/comments$",
            403,
            headers={"Retry-After": "0"},
            message="You have exceeded a secondary rate limit",
        )
    )
    assert _client(fake).upsert_comment(7, f"{MARKER}\nreport", MARKER).action == "created"
    assert len(fake.requests("GET", "/issues/7/comments")) >= 4


def test_a_read_only_token_is_told_apart(fake: FakeGitHub) -> None:
    fake.add_pull(8, FORK_SHA, fork=True)
    fake.faults.append(
        Fault("POST", r"/issues/8/comments$", 403, times=5, message="Resource not accessible by integration")
    )
    with pytest.raises(DeliveryError) as info:
        _client(fake).upsert_comment(8, f"{MARKER}\nreport", MARKER)
    assert info.value.read_only and "s3cret" not in str(info.value)


def test_check_run_falls_back_to_a_commit_status(fake: FakeGitHub) -> None:
    fake.faults.append(Fault("POST", "/check-runs", 403, message="Resource not accessible by integration"))
    kind = _client(fake).report_check(HEAD_SHA, conclusion="failure", title="1 failing", summary="…", details_url=None)
    assert kind == "status" and fake.statuses[0]["state"] == "failure" and fake.statuses[0]["context"] == "perfgate"
