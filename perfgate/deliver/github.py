"""GitHub through PyGithub: one living PR comment, a check run (or a commit status), PR lookups.

GitHub's answers are told apart (``classify``): a read-only token ("Resource not accessible by
integration": a fork's pull request), a rate limit (403 or 429 with a ``retry-after`` header, which
PyGithub hands over lower-cased, or a message that says so), a used-up primary rate limit
(``x-ratelimit-remaining: 0``: nothing will succeed before ``x-ratelimit-reset``), a transient fault (5xx, a
lost connection), and everything else. Rate limits and transient faults are retried, and every wait together
is bounded (``GitHubTarget.max_wait``): a job never sleeps for an hour because GitHub asked it to; a primary
limit that resets later than that is given up at once.

Writes are not retried blindly: a comment create that failed or timed out is followed by a fresh
listing, and only re-sent when the comment is not there, so a retry never duplicates it. Only
perfgate's own comments are ever edited or deleted, whatever a user's comment starts with: those of a bot
(the Actions token, an app) or, with a personal access token, of that token's user (asked once, and only
when a marker comment by a user exists).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubObject import NotSet

from perfgate.errors import DeliveryError
from perfgate.model import MergedPull, Window

T = TypeVar("T")
CHECK_NAME = "perfgate"
WRITE_ATTEMPTS = 3
READ_WAIT_CAP = 10.0  # seconds: the longest a read waits on one Retry-After
READ_ONLY_MESSAGES = ("Resource not accessible by integration", "Resource not accessible by personal access token")


@dataclass(frozen=True)
class GitHubTarget:
    api_url: str
    repository: str  # owner/name
    token: str
    timeout: int = 15
    secondary_rate_wait: float = 60.0
    between_requests: float = 0.0  # PyGithub's default pacing; tests set 0
    max_wait: float = 90.0  # all waits on rate limits and retries together, per job
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time  # to tell how far off a rate limit's reset is


@dataclass(frozen=True)
class CommentOutcome:
    action: str  # "created", "updated", "unchanged", "skipped", "stale"
    url: str
    duplicates_removed: int = 0


@dataclass(frozen=True)
class PullInfo:
    number: int
    head_sha: str
    state: str


@dataclass(frozen=True)
class LabelEvent:
    """A label added to or removed from an issue or pull request (its issue events)."""

    action: str  # "labeled" or "unlabeled"
    label: str
    actor: str | None  # the login of who did it (None: a deleted user)
    at: datetime


@dataclass(frozen=True)
class IssueInfo:
    number: int
    title: str
    body: str
    url: str


class GitHubPublisher:
    def __init__(self, target: GitHubTarget) -> None:
        self.target = target
        if not target.token.isascii() or any(c.isspace() for c in target.token):
            raise DeliveryError("the GitHub token holds spaces or non-ASCII characters: it is not a token")
        if not target.api_url.startswith(("https://", "http://")):
            raise DeliveryError(f"GITHUB_API_URL {target.api_url[:100]!r} is not an http(s) URL")
        self._waited = 0.0
        # Reads are retried by urllib3 (never longer than secondary_rate_wait, whatever Retry-After says);
        # writes here, where a lost answer is told apart from a refused request.
        retry = _BoundedRetry(
            total=4,
            backoff_factor=0.2,
            secondary_rate_wait=min(target.secondary_rate_wait, READ_WAIT_CAP),
            max_rate_limit_wait=READ_WAIT_CAP,  # PyGithub would sleep until a used-up limit resets (an hour)
            allowed_methods=frozenset({"GET", "HEAD"}),
        )
        self._github = Github(
            auth=Auth.Token(target.token),
            base_url=target.api_url.rstrip("/"),
            timeout=target.timeout,
            retry=retry,
            seconds_between_requests=target.between_requests,
            seconds_between_writes=target.between_requests,
            per_page=100,
            lazy=True,
        )
        self._repo = self._github.get_repo(target.repository)
        self._login: str | None = None
        self._login_asked = False

    def close(self) -> None:
        self._github.close()

    # --- comments ------------------------------------------------------------------------------

    def upsert_comment(
        self, pr_number: int, body: str, marker: str, *, create: bool = True, head_sha: str | None = None
    ) -> CommentOutcome:
        """Create or edit the bot's one comment whose first line is ``marker``; remove extra copies.

        With ``create`` false an existing comment is still kept up to date, but none is started. With
        ``head_sha``, nothing is written when the pull request has moved on to a newer commit (a late job
        must not overwrite the verdict on a newer head)."""
        if head_sha is not None and self.pull(pr_number).head_sha != head_sha:
            return CommentOutcome("stale", "")
        for attempt in range(WRITE_ATTEMPTS):
            ours = self._ours(pr_number, marker)
            removed = self._remove(ours[1:])
            if ours:
                comment = ours[0]
                if (comment.body or "") == body:
                    return CommentOutcome("unchanged", comment.html_url, removed)
                try:
                    self._write("editing the PR comment", partial(comment.edit, body), idempotent=True)
                except _Gone:
                    continue  # deleted meanwhile: list again, and create it anew
                return CommentOutcome("updated", comment.html_url, removed)
            if not create:
                return CommentOutcome("skipped", "")
            try:
                created = self._write(
                    "creating the PR comment", partial(self._repo.get_issue(pr_number).create_comment, body)
                )
            except _Retry:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise DeliveryError("GitHub kept failing while creating the PR comment") from None
                continue  # the comment may exist although the answer was lost: list again first
            return self._settle(pr_number, marker, created)
        raise DeliveryError("the PR comment kept disappearing while perfgate wrote it")

    def _settle(self, pr_number: int, marker: str, created: Any) -> CommentOutcome:
        """Two first runs at once each create a comment: the oldest one stays, newer copies go."""
        ours = self._ours(pr_number, marker)
        if ours and ours[0].id != created.id:
            self._remove(ours[1:])
            self._write("editing the PR comment", partial(ours[0].edit, created.body), idempotent=True)
            return CommentOutcome("updated", ours[0].html_url, len(ours) - 1)
        return CommentOutcome("created", created.html_url)

    def _ours(self, pr_number: int, marker: str) -> list[Any]:
        """perfgate's comments that start with the marker, oldest first (another user's never match)."""
        comments = self._call(lambda: list(self._repo.get_issue(pr_number).get_comments()))
        marked = [c for c in comments if (c.body or "").startswith(marker)]
        by_users = [c for c in marked if getattr(c.user, "type", None) != "Bot"]
        own = self._own_login() if by_users else None
        return [c for c in marked if getattr(c.user, "type", None) == "Bot" or (own and c.user.login == own)]

    def _own_login(self) -> str | None:
        """The login of a personal access token's user; None for the Actions token and apps (GET /user: 403)."""
        if not self._login_asked:
            self._login_asked = True
            with contextlib.suppress(DeliveryError):
                self._login = self._call(lambda: self._github.get_user().login)
        return self._login

    def _remove(self, comments: list[Any]) -> int:
        for duplicate in comments:
            with contextlib.suppress(_Gone):  # someone else removed it
                self._write("removing a duplicate PR comment", duplicate.delete, idempotent=True)
        return len(comments)

    # --- checks --------------------------------------------------------------------------------

    def report_check(
        self,
        head_sha: str,
        *,
        conclusion: str,
        title: str,
        summary: str,
        details_url: str | None,
        name: str = CHECK_NAME,
    ) -> str:
        """A check run on the head commit; a commit status when check runs may not be written."""
        try:
            self._write(
                "creating the check run",
                lambda: self._repo.create_check_run(
                    name=name,
                    head_sha=head_sha,
                    status="completed",
                    conclusion=conclusion,
                    output={"title": title[:255], "summary": summary[:65_000]},
                    details_url=details_url or NotSet,
                ),
                idempotent=True,  # a second run of the same name replaces the first in the UI
            )
            return "check-run"
        except DeliveryError as exc:
            if not exc.read_only:
                raise
        state = "failure" if conclusion == "failure" else "success"  # statuses have no "neutral"
        self._write(
            "creating the commit status",
            lambda: self._repo.get_commit(head_sha).create_status(
                state=state, description=title[:140], context=name, target_url=details_url or NotSet
            ),
            idempotent=True,
        )
        return "status"

    # --- pull requests ---------------------------------------------------------------------------

    def pull(self, number: int) -> PullInfo:
        pull = self._call(lambda: self._repo.get_pull(number))
        return PullInfo(pull.number, pull.head.sha, pull.state)

    def labels(self, number: int) -> tuple[str, ...]:
        """The labels on an issue or pull request now (GET /repos/{o}/{r}/issues/{n}/labels)."""
        return self._call(lambda: tuple(label.name for label in self._repo.get_issue(number).get_labels()))

    def label_events(self, number: int) -> tuple[LabelEvent, ...]:
        """Labels added and removed, oldest first (GET /repos/{o}/{r}/issues/{n}/events, every page)."""
        events = self._call(lambda: list(self._repo.get_issue(number).get_events()))
        return tuple(
            LabelEvent(e.event, e.label.name, e.actor.login if e.actor is not None else None, e.created_at)
            for e in events
            if e.event in ("labeled", "unlabeled") and e.label is not None
        )

    def pulls_for_commit(self, sha: str) -> list[PullInfo]:
        pulls = self._call(lambda: list(self._repo.get_commit(sha).get_pulls()))
        return [PullInfo(p.number, p.head.sha, p.state) for p in pulls]

    # --- issues (perfgate alert) -----------------------------------------------------------------

    def open_issues(self, label: str) -> list[IssueInfo]:
        """Open issues (not pull requests) with the label, oldest first."""
        found = self._call(
            lambda: list(self._repo.get_issues(state="open", labels=[label], sort="created", direction="asc"))
        )
        # Pull requests are issues too; told apart by their page, since reading ``pull_request`` (absent from an
        # issue's listing) would make the lazy object ask GitHub once per issue.
        return [_issue(i) for i in found if "/pull/" not in (i.html_url or "")]

    def ensure_label(self, name: str, color: str, description: str) -> None:
        """The label exists (GitHub drops an unknown label from a new issue when the token may not create it)."""
        try:
            _ = self._repo.get_label(name).color  # the object is lazy: reading a field is what asks GitHub
            return
        except GithubException as exc:
            if exc.status != 404:
                raise self._masked(delivery_error("reading the label", exc)) from None
        except requests.RequestException as exc:
            raise self._masked(delivery_error("reading the label", exc)) from None

        def create() -> None:
            try:
                self._repo.create_label(name, color, description)
            except GithubException as exc:
                if exc.status != 422:  # 422 "already_exists": another job created it meanwhile
                    raise

        self._write("creating the label", create, idempotent=True)

    def create_issue(
        self, title: str, body: str, labels: list[str], existing: Callable[[], IssueInfo | None]
    ) -> IssueInfo:
        """Open an issue; when the answer is lost, ``existing`` looks for it before it is sent again."""
        for _ in range(WRITE_ATTEMPTS):
            try:
                return _issue(
                    self._write("opening the issue", lambda: self._repo.create_issue(title, body, labels=labels))
                )
            except _Retry:
                if (found := existing()) is not None:
                    return found
        raise DeliveryError("GitHub kept failing while opening the issue")

    def edit_issue(self, number: int, *, title: str | None, body: str) -> None:
        """A new body, and title (None: the title kept)."""
        issue = self._call(lambda: self._repo.get_issue(number))
        edit = partial(issue.edit, title=title, body=body) if title is not None else partial(issue.edit, body=body)
        self._write("editing the issue", edit, idempotent=True)

    def close_issue(self, number: int, comment: str, *, reason: str = "completed") -> None:
        """Comment, then close (``reason``: completed or not_planned)."""
        issue = self._call(lambda: self._repo.get_issue(number))
        self._write("commenting on the issue", partial(issue.create_comment, comment))
        self._write("closing the issue", partial(issue.edit, state="closed", state_reason=reason), idempotent=True)

    def comment_issue(self, number: int, comment: str) -> None:
        issue = self._call(lambda: self._repo.get_issue(number))
        self._write("commenting on the issue", partial(issue.create_comment, comment))

    def window(self, base: str, head: str, *, limit: int = 30) -> Window:
        """The commits after ``base`` up to ``head`` and the pull requests merged with the newest ``limit`` of them."""
        comparison = self._call(lambda: self._repo.compare(base, head))
        commits = self._call(lambda: list(comparison.commits))[-limit:]
        pulls: dict[int, MergedPull] = {}
        for commit in reversed(commits):
            for pull in self._call(partial(_pulls_of, commit)):
                if pull.merged_at is not None and pull.number not in pulls:
                    author = pull.user.login if pull.user is not None else None
                    pulls[pull.number] = MergedPull(pull.number, pull.title or "", pull.html_url, author)
        return Window(int(comparison.total_commits or len(commits)), tuple(pulls.values()), len(commits))

    # --- calls -----------------------------------------------------------------------------------

    def _call(self, action: Callable[[], T]) -> T:
        """A read (urllib3 retried it already)."""
        try:
            return action()
        except (GithubException, requests.RequestException) as exc:
            raise self._masked(delivery_error("talking to GitHub", exc)) from None

    def _write(self, doing: str, action: Callable[[], T], *, idempotent: bool = False) -> T:
        """A write, retried on rate limits (never sent) and, when ``idempotent``, on transient faults.

        A non-idempotent write that met a transient fault raises _Retry: the caller checks what happened."""
        delay = 1.0
        while True:
            try:
                return action()
            except (GithubException, requests.RequestException) as exc:
                kind = classify(exc)
                if kind == "gone":
                    raise _Gone() from None
                if kind == "exhausted":
                    reset = _header(exc, "x-ratelimit-reset")
                    wait = float(reset) - self.target.clock() + 1 if reset and reset.isdigit() else math.inf
                    if self._waited + max(wait, 0.0) > self.target.max_wait:
                        raise self._masked(delivery_error(doing, exc)) from None
                    self._waited += max(wait, 0.0)
                    self.target.sleep(max(wait, 0.0))
                    continue
                if kind == "transient" and not idempotent:
                    raise _Retry() from None
                if kind not in ("rate-limited", "transient"):
                    raise self._masked(delivery_error(doing, exc)) from None
                wait = retry_after(exc) or delay
                if self._waited + wait > self.target.max_wait:
                    note = f"perfgate waits at most {self.target.max_wait:.0f} s in all"
                    raise self._masked(delivery_error(doing, exc, note=note)) from None
                self._waited += wait
                self.target.sleep(wait)
                delay = min(delay * 2, 10.0)

    def _masked(self, error: DeliveryError) -> DeliveryError:
        """The error without the token, should GitHub (or a proxy) have echoed it back."""
        text = str(error)
        if self.target.token and self.target.token in text:
            return DeliveryError(text.replace(self.target.token, "***"), read_only=error.read_only)
        return error


def _pulls_of(commit: Any) -> list[Any]:
    return list(commit.get_pulls())


def _issue(issue: Any) -> IssueInfo:
    return IssueInfo(issue.number, issue.title or "", issue.body or "", issue.html_url)


class _BoundedRetry(GithubRetry):
    """PyGithub's retry of reads, with every Retry-After wait capped (a 3600 s answer must not stall a job)."""

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, READ_WAIT_CAP)


class _Gone(Exception):
    """The comment is no longer there (404 or 410)."""


class _Retry(Exception):
    """A create may or may not have happened: list again before trying again."""


def classify(exc: Exception) -> str:
    """ "read-only", "exhausted", "rate-limited", "transient", "gone" or "refused"."""
    if not isinstance(exc, GithubException):
        return "transient"  # a timeout or a lost connection
    message = _message(exc)
    if exc.status == 403 and any(m in message for m in READ_ONLY_MESSAGES):
        return "read-only"
    if exc.status in (403, 429) and _header(exc, "x-ratelimit-remaining") == "0":
        return "exhausted"  # the primary limit: every request fails until x-ratelimit-reset
    if exc.status in (403, 429) and (retry_after(exc) is not None or "rate limit" in message.lower()):
        return "rate-limited"
    if exc.status in (404, 410):
        return "gone"
    if exc.status >= 500:
        return "transient"
    return "refused"


def retry_after(exc: Exception) -> float | None:
    """Seconds GitHub asked to wait."""
    value = _header(exc, "retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _header(exc: Exception, name: str) -> str | None:
    """A header of GitHub's answer; names are compared case-insensitively (PyGithub lower-cases them)."""
    headers = {str(k).lower(): str(v) for k, v in ((getattr(exc, "headers", None) or {}).items())}
    return headers.get(name)


def _message(exc: GithubException) -> str:
    data = exc.data
    message = data.get("message") if isinstance(data, dict) else None
    return message if isinstance(message, str) else str(exc.message or "")


def delivery_error(doing: str, exc: Exception, *, note: str = "") -> DeliveryError:
    """One sentence for the job log: what perfgate was doing and what GitHub said (never the token)."""
    kind = classify(exc)
    if isinstance(exc, GithubException):
        text = f"GitHub answered {exc.status} while {doing}: {_message(exc)[:300] or 'no message'}"
        if kind == "exhausted":
            text += f" ({_exhausted(exc)}; perfgate gave up at once rather than wait for it)"
        elif kind == "rate-limited":
            wait = retry_after(exc)
            text += f" (a rate limit{f'; it asked to wait {wait:.0f} s' if wait else ''}{'; ' + note if note else ''})"
        elif note:
            text += f" ({note})"
        return DeliveryError(text, read_only=kind == "read-only")
    return DeliveryError(f"GitHub could not be reached while {doing}: {type(exc).__name__}")


def _exhausted(exc: Exception) -> str:
    """A used-up primary rate limit, in words: how many requests, which resource, when it resets."""
    limit, resource, reset = (_header(exc, f"x-ratelimit-{h}") for h in ("limit", "resource", "reset"))
    of = f"all {limit} requests" if limit and limit.isdigit() else "every request"
    text = f"the API rate limit is used up: {of} of this hour{f' ({resource})' if resource else ''}"
    if reset and reset.isdigit() and int(reset) < 2**40:
        text += f", until {datetime.fromtimestamp(int(reset), UTC):%H:%M} UTC"
    return text
