"""The pull request's accept label (``accept_label`` in perfgate.toml): whether the pull request has it, and who
added it when. With it, the gate waives that pull request's failing verdicts (`perfgate.gate.policy`).

The labels come from the event (a pull_request event carries them), else from the API (workflow_run). Only when
the label is there is GitHub asked who added it: its issue events also tell a label removed since the event was
sent (a re-run of an old job, or a late one), which then waives nothing. The label is the authority, as only
people with triage or write access can set one; when GitHub cannot be asked, the event's word stands.
"""

from __future__ import annotations

from datetime import UTC, datetime

from perfgate.app.posting import PublisherFactory
from perfgate.deliver.github import GitHubTarget, LabelEvent
from perfgate.errors import DeliveryError
from perfgate.gate.rules import Acceptance
from perfgate.github_env import GitHubContext


def find(ctx: GitHubContext, label: str, publisher: PublisherFactory) -> tuple[Acceptance | None, list[str]]:
    """The accept label on the job's pull request, if it is there; and notices for the job log."""
    number = ctx.pr_number
    if not label or number is None:
        return None, []
    labels = ctx.labels
    if labels is not None and label not in labels:
        return None, []  # the common case: the event says so, and GitHub need not be asked
    said = _from_the_event(ctx, label)
    if not ctx.token:
        if labels is None:
            return None, [f"no GitHub token: the labels of PR #{number} cannot be read, {label!r} waives nothing"]
        return said, []
    events: tuple[LabelEvent, ...] = ()
    try:
        client = publisher(GitHubTarget(ctx.api_url, ctx.repository, ctx.token))
        try:
            if labels is None and label not in client.labels(number):
                return None, []
            events = client.label_events(number)
        finally:
            client.close()
    except DeliveryError as exc:
        if labels is None:
            return None, [f"the labels of PR #{number} could not be read ({exc}): {label!r} waives nothing"]
        return said, [f"who added the label {label!r} could not be read ({exc}); it waives as the event says"]
    last = next((e for e in reversed(events) if e.label == label), None)
    if last is None:
        return said, []
    if last.action == "unlabeled":
        by = f" by @{last.actor}" if last.actor else ""
        return None, [
            f"the label {label!r} was removed from PR #{number}{by} on {_utc(last.at):%Y-%m-%d %H:%M} UTC, "
            "after this job's event: it waives nothing"
        ]
    return Acceptance(label, last.actor, _utc(last.at)), []


def _from_the_event(ctx: GitHubContext, label: str) -> Acceptance:
    """A `labeled` event for this label says who added it; the pull request's updated_at is when."""
    if ctx.action != "labeled" or ctx.event_label != label:
        return Acceptance(label)
    return Acceptance(label, ctx.sender, _time(ctx.pr_updated_at))


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return _utc(parsed)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
