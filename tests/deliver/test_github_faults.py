"""GitHub's faults, as its REST API really answers them, against the fake server on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from perfgate.deliver import github as gh
from perfgate.deliver.github import GitHubPublisher, GitHubTarget
from perfgate.errors import DeliveryError
from perfgate.render.markdown import MARKER

from ..fake_github import PRIMARY_RATE_LIMIT, READ_ONLY, SECONDARY_RATE_LIMIT, FakeGitHub, Fault, exhausted

HEAD = "1" * 40
TOKEN = "ghs_s3cret"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    server.add_pull(7, HEAD)
    yield server
    server.stop()


def _client(
    fake: FakeGitHub, waits: list[float] | None = None, token: str = TOKEN, max_wait: float = 90, now: float = 0.0
) -> GitHubPublisher:
    sleep = waits.append if waits is not None else (lambda _: None)
    clock = (lambda: now) if now else time.time
    return GitHubPublisher(
        GitHubTarget(
            fake.url,
            fake.full_name,
            token,
            timeout=5,
            secondary_rate_wait=0.1,
            max_wait=max_wait,
            sleep=sleep,
            clock=clock,
        )
    )


def _bot_comments(fake: FakeGitHub) -> list[str]:
    return [str(c["body"]) for c in fake.comments[7] if c["user"]["type"] == "Bot"]


def test_a_secondary_rate_limit_on_a_write_is_waited_out_as_github_asks(fake: FakeGitHub) -> None:
    # PyGithub hands header names over lower-cased: the retry must still see retry-after.
    fake.faults.append(
        Fault("POST", r"/issues/7/comments$", 403, headers={"Retry-After": "7"}, message=SECONDARY_RATE_LIMIT)
    )
    waits: list[float] = []
    assert _client(fake, waits).upsert_comment(7, f"{MARKER}\nr", MARKER).action == "created"
    assert waits == [7.0] and len(_bot_comments(fake)) == 1


def test_a_read_only_token_is_recognised_by_githubs_message(fake: FakeGitHub) -> None:
    fake.faults.append(Fault("POST", r"/issues/7/comments$", 403, message=READ_ONLY))
    with pytest.raises(DeliveryError) as info:
        _client(fake).upsert_comment(7, f"{MARKER}\nr", MARKER)
    assert info.value.read_only


def test_a_plain_403_is_not_called_a_forks_token(fake: FakeGitHub) -> None:
    fake.faults.append(Fault("POST", r"/issues/7/comments$", 403, message="Must have admin rights to Repository."))
    with pytest.raises(DeliveryError) as info:
        _client(fake).upsert_comment(7, f"{MARKER}\nr", MARKER)
    assert not info.value.read_only and "admin rights" in str(info.value)


def test_an_hour_long_retry_after_is_not_waited(fake: FakeGitHub) -> None:
    fake.faults.append(
        Fault("PATCH", r"/issues/comments/", 429, headers={"Retry-After": "3600"}, message="API rate limit exceeded")
    )
    fake.add_comment(7, f"{MARKER}\nold")
    waits: list[float] = []
    with pytest.raises(DeliveryError, match="3600 s") as info:
        _client(fake, waits).upsert_comment(7, f"{MARKER}\nnew", MARKER)
    assert waits == [] and "waits at most 90 s" in str(info.value)


def test_an_hour_long_retry_after_on_a_read_is_capped(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gh, "READ_WAIT_CAP", 0.05)
    fake.faults.append(
        Fault("GET", r"/issues/7/comments$", 429, headers={"Retry-After": "3600"}, message="API rate limit exceeded")
    )
    assert _client(fake).upsert_comment(7, f"{MARKER}\nr", MARKER).action == "created"


def test_a_502_on_the_edit_is_retried_so_no_old_verdict_stands(fake: FakeGitHub) -> None:
    fake.add_comment(7, f"{MARKER}\nold verdict")
    fake.faults.append(Fault("PATCH", r"/issues/comments/", 502, times=2, message="Server Error"))
    assert _client(fake).upsert_comment(7, f"{MARKER}\nnew verdict", MARKER).action == "updated"
    assert _bot_comments(fake) == [f"{MARKER}\nnew verdict"]


def test_a_deleted_comment_is_created_again(fake: FakeGitHub) -> None:
    comment = fake.add_comment(7, f"{MARKER}\nold")
    fake.faults.append(Fault("PATCH", rf"/issues/comments/{comment['id']}$", 404, message="Not Found", after=False))
    fake.faults.append(Fault("GET", r"/issues/7/comments$", 0))  # served normally
    # The comment disappears between the listing and the edit:
    original = fake._serve_route

    def vanish(
        method: str, path: str, query: dict[str, list[str]], body: object, login: str = "github-actions[bot]"
    ) -> tuple[int, object, dict[str, str]]:
        if method == "PATCH":
            fake.comments[7] = [c for c in fake.comments[7] if c["id"] != comment["id"]]
        return original(method, path, query, body, login)

    fake._serve_route = vanish  # type: ignore[method-assign]
    assert _client(fake).upsert_comment(7, f"{MARKER}\nnew", MARKER).action == "created"
    assert _bot_comments(fake) == [f"{MARKER}\nnew"]


def test_a_users_comment_that_starts_with_the_marker_is_never_touched(fake: FakeGitHub) -> None:
    fake.add_comment(7, f"{MARKER}\nquoting the bot", login="alice")
    fake.add_comment(7, f"{MARKER}\nold")
    assert _client(fake).upsert_comment(7, f"{MARKER}\nnew", MARKER).action == "updated"
    bodies = [c["body"] for c in fake.comments[7]]
    assert f"{MARKER}\nquoting the bot" in bodies and f"{MARKER}\nnew" in bodies and len(bodies) == 2


def test_with_a_personal_access_token_its_users_comment_is_kept_up_to_date(fake: FakeGitHub) -> None:
    """A PAT writes as its user, not as a bot: that user's marker comment is perfgate's, others' are not."""
    fake.users["ghp_alice"] = "alice"
    fake.add_comment(7, f"{MARKER}\nquoting perfgate", login="bob")
    first = _client(fake, token="ghp_alice").upsert_comment(7, f"{MARKER}\nfirst", MARKER)
    second = _client(fake, token="ghp_alice").upsert_comment(7, f"{MARKER}\nsecond", MARKER)
    assert (first.action, second.action) == ("created", "updated")
    by_login = {c["user"]["login"]: c["body"] for c in fake.comments[7]}
    assert by_login == {"bob": f"{MARKER}\nquoting perfgate", "alice": f"{MARKER}\nsecond"}


def test_the_actions_token_never_asks_who_it_is_without_a_users_marker_comment(fake: FakeGitHub) -> None:
    fake.add_comment(7, f"{MARKER}\nold")
    _client(fake).upsert_comment(7, f"{MARKER}\nnew", MARKER)
    assert fake.requests("GET", r"^/user$") == []


def test_a_late_job_for_an_older_head_leaves_the_comment_alone(fake: FakeGitHub) -> None:
    fake.add_comment(7, f"{MARKER}\nverdict for the newer head")
    outcome = _client(fake).upsert_comment(7, f"{MARKER}\nold head", MARKER, head_sha="9" * 40)
    assert outcome.action == "stale" and _bot_comments(fake) == [f"{MARKER}\nverdict for the newer head"]


def test_two_first_runs_at_once_leave_one_comment(fake: FakeGitHub) -> None:
    fake.faults.append(Fault("POST", r"/issues/7/comments$", 0, times=2, delay=0.3))  # both list before either posts
    outcomes: list[str] = []
    threads = [
        threading.Thread(
            target=lambda n=n: outcomes.append(_client(fake).upsert_comment(7, f"{MARKER}\nrun {n}", MARKER).action)
        )
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == 2 and len(_bot_comments(fake)) == 1


def test_a_comment_with_a_null_body_does_not_crash(fake: FakeGitHub) -> None:
    comment = fake.add_comment(7, "x")
    comment["body"] = None
    assert _client(fake).upsert_comment(7, f"{MARKER}\nr", MARKER).action == "created"


def test_bad_tokens_and_urls_are_delivery_errors(fake: FakeGitHub) -> None:
    with pytest.raises(DeliveryError, match="not a token"):
        _client(fake, token="ghs_\u00e9t\u00e9")
    with pytest.raises(DeliveryError, match="not an http"):
        GitHubPublisher(GitHubTarget("ftp://nowhere", "acme/shop", TOKEN))


def test_a_token_echoed_back_is_masked(fake: FakeGitHub) -> None:
    fake.faults.append(Fault("POST", "/check-runs", 422, message=f"Validation failed for token {TOKEN}"))
    with pytest.raises(DeliveryError) as info:
        _client(fake).report_check(HEAD, conclusion="success", title="t", summary="s", details_url=None)
    assert TOKEN not in str(info.value) and "***" in str(info.value)


@pytest.mark.parametrize("status", [403, 429])
def test_a_used_up_primary_rate_limit_on_a_read_is_given_up_at_once(fake: FakeGitHub, status: int) -> None:
    # GitHub says when the hour's window resets, and sends no Retry-After: PyGithub would sleep until then.
    reset = time.time() + 3600
    fake.faults.append(
        Fault("GET", r"/issues/7/comments$", status, headers=exhausted(reset), message=PRIMARY_RATE_LIMIT)
    )
    started = time.monotonic()
    with pytest.raises(DeliveryError) as info:
        _client(fake).upsert_comment(7, f"{MARKER}\nr", MARKER)
    assert time.monotonic() - started < 10
    until = time.strftime("%H:%M", time.gmtime(reset))
    assert f"the API rate limit is used up: all 1000 requests of this hour (core), until {until} UTC" in str(info.value)
    assert "gave up at once" in str(info.value) and fake.comments[7] == []


def test_a_used_up_primary_rate_limit_on_a_write_is_not_waited_for(fake: FakeGitHub) -> None:
    now = time.time()
    fake.faults.append(Fault("POST", r"/check-runs$", 403, headers=exhausted(now + 3600), message=PRIMARY_RATE_LIMIT))
    waits: list[float] = []
    with pytest.raises(DeliveryError, match="rate limit is used up"):
        _client(fake, waits, now=now).report_check(HEAD, conclusion="success", title="t", summary="s", details_url=None)
    assert waits == [] and len(fake.requests("POST", r"/check-runs$")) == 1  # asked once, never again


def test_a_primary_rate_limit_that_resets_within_the_wait_budget_is_waited_out(fake: FakeGitHub) -> None:
    now = time.time()
    fake.faults.append(Fault("POST", r"/check-runs$", 403, headers=exhausted(now + 20), message=PRIMARY_RATE_LIMIT))
    waits: list[float] = []
    kind = _client(fake, waits, now=now).report_check(
        HEAD, conclusion="success", title="t", summary="s", details_url=None
    )
    assert kind == "check-run" and len(waits) == 1 and 20 <= waits[0] <= 22
