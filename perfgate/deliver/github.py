"""GitHub through PyGithub: one living PR comment, a check run (or a commit status), PR lookups.

Retries: PyGithub's GithubRetry waits out secondary rate limits (403 with Retry-After) and retries
429 and 5xx for reads. Writes are not retried blindly: a comment create that failed or timed out is
followed by a fresh listing, and only re-sent when the comment is not there, so a retry never
duplicates it. A 403 without Retry-After means the token may not write (a fork's pull request).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubObject import NotSet

from perfgate.errors import DeliveryError

T = TypeVar("T")
CHECK_NAME = "perfgate"
WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class GitHubTarget:
    api_url: str
    repository: str  # owner/name
    token: str
    timeout: int = 15
    secondary_rate_wait: float = 60.0
    between_requests: float = 0.0  # PyGithub's default pacing; tests set 0


@dataclass(frozen=True)
class CommentOutcome:
    action: str  # "created", "updated", "unchanged"
    url: str
    duplicates_removed: int = 0


@dataclass(frozen=True)
class PullInfo:
    number: int
    head_sha: str
    state: str


class GitHubPublisher:
    def __init__(self, target: GitHubTarget) -> None:
        self.target = target
        # Reads are retried by urllib3; writes are not (a lost answer would duplicate a comment): see upsert_comment.
        retry = GithubRetry(
            total=4,
            backoff_factor=0.2,
            secondary_rate_wait=target.secondary_rate_wait,
            allowed_methods=frozenset({"GET", "HEAD"}),
        )
        self._github = Github(
            auth=Auth.Token(target.token),
            base_url=target.api_url,
            timeout=target.timeout,
            retry=retry,
            seconds_between_requests=target.between_requests,
            seconds_between_writes=target.between_requests,
            per_page=100,
            lazy=True,
        )
        self._repo = self._github.get_repo(target.repository)

    def close(self) -> None:
        self._github.close()

    # --- comments ------------------------------------------------------------------------------

    def upsert_comment(self, pr_number: int, body: str, marker: str, *, create: bool = True) -> CommentOutcome:
        """Create or edit the one comment whose first line is ``marker``; remove extra copies.

        With ``create`` false an existing comment is still kept up to date, but none is started.
        """
        for attempt in range(WRITE_ATTEMPTS):
            ours = self._call(lambda: [c for c in self._comments(pr_number) if c.body.startswith(marker)])
            for duplicate in ours[1:]:
                self._call(duplicate.delete)
            if ours:
                comment = ours[0]
                if comment.body == body:
                    return CommentOutcome("unchanged", comment.html_url, len(ours) - 1)
                self._call(partial(comment.edit, body))
                return CommentOutcome("updated", comment.html_url, len(ours) - 1)
            if not create:
                return CommentOutcome("skipped", "")
            try:
                created = self._repo.get_issue(pr_number).create_comment(body)
                return CommentOutcome("created", created.html_url)
            except (GithubException, requests.RequestException) as exc:
                if _read_only(exc) or attempt == WRITE_ATTEMPTS - 1:
                    raise _delivery_error("creating the PR comment", exc) from None
                # The comment may have been created before the connection failed: list again first.
        raise AssertionError("unreachable")

    def _comments(self, pr_number: int) -> list[Any]:
        return list(self._repo.get_issue(pr_number).get_comments())

    # --- checks --------------------------------------------------------------------------------

    def report_check(self, head_sha: str, *, conclusion: str, title: str, summary: str, details_url: str | None) -> str:
        """A check run on the head commit; a commit status when check runs may not be written."""
        try:
            self._repo.create_check_run(
                name=CHECK_NAME,
                head_sha=head_sha,
                status="completed",
                conclusion=conclusion,
                output={"title": title[:255], "summary": summary[:65_000]},
                details_url=details_url or NotSet,
            )
            return "check-run"
        except (GithubException, requests.RequestException) as exc:
            if not _read_only(exc):
                raise _delivery_error("creating the check run", exc) from None
        state = {"success": "success", "failure": "failure"}.get(conclusion, "success")
        self._call(
            lambda: self._repo.get_commit(head_sha).create_status(
                state=state, description=title[:140], context=CHECK_NAME, target_url=details_url or NotSet
            )
        )
        return "status"

    # --- pull requests ---------------------------------------------------------------------------

    def pull(self, number: int) -> PullInfo:
        pull = self._call(lambda: self._repo.get_pull(number))
        return PullInfo(pull.number, pull.head.sha, pull.state)

    def pulls_for_commit(self, sha: str) -> list[PullInfo]:
        pulls = self._call(lambda: list(self._repo.get_commit(sha).get_pulls()))
        return [PullInfo(p.number, p.head.sha, p.state) for p in pulls]

    def _call(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except (GithubException, requests.RequestException) as exc:
            raise _delivery_error("talking to GitHub", exc) from None


def _read_only(exc: Exception) -> bool:
    return isinstance(exc, GithubException) and exc.status == 403 and "Retry-After" not in (exc.headers or {})


def _delivery_error(doing: str, exc: Exception) -> DeliveryError:
    if isinstance(exc, GithubException):
        message = exc.data.get("message") if isinstance(exc.data, dict) else None
        text = f"GitHub answered {exc.status} while {doing}: {message or exc}"
        return DeliveryError(text, read_only=_read_only(exc))
    return DeliveryError(f"GitHub could not be reached while {doing}: {type(exc).__name__}")
