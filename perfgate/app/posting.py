"""What the gate tells GitHub — a PR comment and a check — decided apart from telling it.

``plan`` is pure: the verdict, the comment policy and the job's context in, a ``Posting`` out. ``post``
sends one, the comment and the check each on its own, and returns notices instead of raising: the
verdict never depends on delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from perfgate.deliver.github import GitHubPublisher, GitHubTarget
from perfgate.errors import DeliveryError
from perfgate.gate.phrases import format_change
from perfgate.gate.report import Report, Verdict
from perfgate.github_env import GitHubContext
from perfgate.render.markdown import MARKER

FORK_HELP = (
    "perfgate could not comment: this job's token is read-only (a pull request from a fork). "
    "The report is in the job summary and the perfgate-report artifact; to get the PR comment, add the "
    "trusted publish workflow described in docs/github-action.md (Forks)."
)
PublisherFactory = Callable[[GitHubTarget], GitHubPublisher]


@dataclass(frozen=True)
class Posting:
    """What one job tells GitHub."""

    body: str  # the comment, and the check's summary
    head_sha: str  # the commit the check goes on
    comment_on: int | None  # the pull request whose comment to keep up to date; None: no comment
    create_comment: bool  # create one when there is none (else only one already there is updated)
    guard_head: bool  # leave the comment to a newer job when the pull request has moved on
    check_name: str
    conclusion: str  # success, failure or neutral
    title: str
    details_url: str | None


def plan(
    report: Report | None,
    body: str,
    ctx: GitHubContext,
    comment: str,
    *,
    fails: bool,
    pr_number: int | None,
    check_name: str,
    guard_head: bool,
) -> Posting:
    """What to post for ``report`` under the ``comment`` policy (always, on-change, on-regression, never).

    No report means nothing was compared: the check is neutral (never a green tick), and the comment that
    says so is posted unless the policy asks for regressions only, or for no comment."""
    comparisons = report.comparisons if report is not None else ()
    if report is None:
        create, conclusion = comment in ("always", "on-change"), "neutral"
    else:
        changed = any(c.verdict is not Verdict.UNCHANGED for c in comparisons)
        # A warn-only regression (mode = "warn") is shown as one: the comment is made, the check is neutral.
        regressed = report.failed or bool(report.warn_only)
        create = {"always": True, "on-change": changed, "on-regression": regressed, "never": False}[comment]
        # A whole run slower than allowed is not shown as a pass: a slower runner, or a change that slows everything.
        conclusion = "failure" if fails else "neutral" if report.warned else "success"
    failing = sum(1 for c in comparisons if c.fails)
    warn_only = len(report.warn_only) if report is not None else 0
    waived = len(report.label_waived) if report is not None else 0
    title = (
        f"{failing} failing of {len(comparisons)} series"
        if failing
        else f"{warn_only} failing of {len(comparisons)} series, warn-only"
        if warn_only
        else f"{waived} of {len(comparisons)} series waived by the label {report.accepted.label!r}"
        if report is not None and waived and report.accepted is not None
        else f"{len(comparisons)} series, no regression beyond the whole run's {format_change(report.run_shift.ratio)}"
        if report is not None and report.warned and report.run_shift is not None
        else f"{len(comparisons)} series, no regression"
        if comparisons
        else "nothing was compared"
    )
    return Posting(
        body=body,
        head_sha=ctx.sha,
        comment_on=pr_number if comment != "never" else None,
        create_comment=create,
        guard_head=guard_head,
        check_name=check_name,
        conclusion=conclusion,
        title=title,
        details_url=ctx.run_url,
    )


def post(posting: Posting, ctx: GitHubContext, publisher: PublisherFactory) -> list[str]:
    """Post the comment and the check (a failure of one never skips the other); notices for the job summary."""
    if not ctx.token:
        return ["no GitHub token was given: no PR comment and no check (the job summary has the report)"]
    try:
        client = publisher(GitHubTarget(ctx.api_url, ctx.repository, ctx.token))
    except DeliveryError as exc:
        return [f"{exc} — the verdict above stands; no PR comment and no check were posted"]
    try:
        notices, read_only = _comment(client, posting)
        return notices + _check(client, posting, fork_told=read_only)
    finally:
        client.close()


def _comment(client: GitHubPublisher, posting: Posting) -> tuple[list[str], bool]:
    """The notices of posting the comment, and whether the token turned out to be read-only."""
    if posting.comment_on is None:
        return [], False
    number = posting.comment_on
    try:
        outcome = client.upsert_comment(
            number,
            posting.body,
            MARKER,
            create=posting.create_comment,
            head_sha=posting.head_sha if posting.guard_head else None,
        )
    except DeliveryError as exc:
        return [FORK_HELP if exc.read_only else f"{exc} — the verdict above stands; the PR comment is missing"], (
            exc.read_only
        )
    if outcome.action == "stale":
        return [f"PR #{number} has moved on to a newer commit: its comment was left to the newer job"], False
    if outcome.action == "skipped":
        return [], False
    return [f"PR comment {outcome.action}: {outcome.url}"], False


def _check(client: GitHubPublisher, posting: Posting, *, fork_told: bool) -> list[str]:
    try:
        kind = client.report_check(
            posting.head_sha,
            conclusion=posting.conclusion,
            title=posting.title,
            summary=posting.body,
            details_url=posting.details_url,
            name=posting.check_name,
        )
    except DeliveryError as exc:
        if exc.read_only and fork_told:  # one fork notice is enough
            return []
        return [FORK_HELP if exc.read_only else f"{exc} — the verdict above stands; the check is missing"]
    return [f"{kind} {posting.check_name!r} on {posting.head_sha[:12]}: {posting.conclusion}"]
