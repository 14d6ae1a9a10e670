"""`perfgate publish`: the trusted second workflow for pull requests from forks posts a report that an
untrusted job made — validated, re-rendered from its data, and only while the pull request is at the
commit the report is for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from perfgate.app.action import exit_code
from perfgate.app.posting import PublisherFactory, plan, post
from perfgate.deliver.github import CHECK_NAME, GitHubPublisher, GitHubTarget
from perfgate.errors import DeliveryError, InputError, UsageError
from perfgate.github_env import read_context
from perfgate.model import Origin
from perfgate.render import json_report, markdown


@dataclass(frozen=True)
class PublishRequest:
    environ: Mapping[str, str]  # the workflow_run job's environment
    report: Path  # perfgate-report.json from the untrusted job
    comment: str  # one of COMMENT_POLICIES
    fail_on: str  # one of FAIL_ON: decides the check's conclusion


@dataclass(frozen=True)
class Published:
    lines: tuple[str, ...]  # for the job log


def publish(request: PublishRequest, publisher: PublisherFactory = GitHubPublisher) -> Published:
    """Post a report made by an untrusted job (a fork's pull request): validate, re-render, find the PR."""
    ctx = read_context(request.environ)
    report_path = request.report
    try:
        raw = report_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(report_path), f"cannot be read: {exc.strerror}") from None
    report = json_report.load(raw, str(report_path))  # re-rendered from data: nothing of the file is posted as is
    head_sha = ctx.sha  # the workflow_run's head: what the untrusted job ran on, per GitHub, not per the file
    if report.origin and report.origin.head_sha and report.origin.head_sha != head_sha:
        raise InputError(
            str(report_path), f"the report is for {report.origin.head_sha[:12]}, the workflow run for {head_sha[:12]}"
        )
    if not ctx.token:
        raise UsageError("perfgate publish needs a token (GITHUB_TOKEN) with pull-requests and checks write")
    client = publisher(GitHubTarget(ctx.api_url, ctx.repository, ctx.token))
    try:
        pulls = (
            [client.pull(ctx.pr_number)]
            if ctx.pr_number
            else [p for p in client.pulls_for_commit(head_sha) if p.state == "open"]
        )
    except DeliveryError as exc:
        raise InputError("workflow_run", f"cannot find the pull request of {head_sha[:12]}: {exc}") from None
    finally:
        client.close()
    if not pulls:
        return Published((f"no open pull request has head {head_sha[:12]}: nothing to post",))
    pull = pulls[0]
    if pull.head_sha != head_sha:
        return Published(
            (
                f"PR #{pull.number} has moved on to {pull.head_sha[:12]}; this report (for {head_sha[:12]}) is stale: not posted",
            )
        )
    # The run's link comes from the workflow_run event (GitHub's word), never from the untrusted file.
    report = replace(report, origin=Origin(ctx.repository, pull.number, head_sha, ctx.workflow_run_url))
    fails = bool(exit_code(report, request.fail_on))
    body = markdown.render(report)
    posting = plan(
        report, body, ctx, request.comment, fails=fails, pr_number=pull.number, check_name=CHECK_NAME, guard_head=False
    )
    return Published(tuple(post(posting, ctx, publisher)))
