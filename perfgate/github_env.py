"""The GitHub Actions environment: the event that triggered the job, and the files a step writes.

An edge of the program: it reads the environment mapping and files it is handed, and writes the job
summary and step outputs. Only app uses it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from perfgate.errors import InputError

SUMMARY_LIMIT = 1024 * 1024  # GitHub refuses a step summary over 1 MiB


@dataclass(frozen=True)
class GitHubContext:
    event: str  # pull_request, push, workflow_run, …
    repository: str
    api_url: str
    server_url: str
    run_id: str | None
    run_attempt: str
    sha: str  # the commit to record (push) or to attach checks to (the PR head, never the merge commit)
    branch: str | None  # push: the branch; PR: the head branch
    pr_number: int | None = None
    base_sha: str | None = None
    base_branch: str | None = None
    is_fork: bool = False
    token: str | None = None
    summary_path: Path | None = None
    output_path: Path | None = None
    workflow_run_conclusion: str | None = None
    workflow_run_url: str | None = None  # workflow_run: the run that made the report, as GitHub says
    default_branch: str | None = None  # the repository's default branch, from the event payload
    actor_is_bot: bool = False  # Dependabot and other apps: no secrets, like a fork
    action: str | None = None  # the event's activity: opened, synchronize, labeled, unlabeled, …
    labels: tuple[str, ...] | None = None  # the pull request's labels, as the event says; None: it does not say
    event_label: str | None = None  # labeled/unlabeled: the label added or removed
    sender: str | None = None  # the login of who caused the event (labeled: who added the label)
    pr_updated_at: str | None = None  # the pull request's updated_at (a label's addition updates it), ISO 8601

    @property
    def run_url(self) -> str | None:
        if not self.run_id:
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    @property
    def idempotency_prefix(self) -> str:
        """Unique per repository, run and attempt; hashed when a long repository name would not fit the key column."""
        prefix = f"github:{self.repository}:{self.run_id}:{self.run_attempt}"
        if len(prefix) > 100:  # the key adds ":N" per file; the column holds 128
            prefix = "github:" + hashlib.sha256(prefix.encode()).hexdigest()
        return prefix


def read_context(environ: Mapping[str, str]) -> GitHubContext:
    """The context of the running job; an error that names what is missing outside GitHub Actions."""
    missing = [k for k in ("GITHUB_EVENT_NAME", "GITHUB_REPOSITORY", "GITHUB_SHA") if not environ.get(k)]
    if missing:
        raise InputError("environment", f"not a GitHub Actions job: {', '.join(missing)} not set")
    event_name = environ["GITHUB_EVENT_NAME"]
    payload = _payload(environ.get("GITHUB_EVENT_PATH"))
    repository = environ["GITHUB_REPOSITORY"]
    repo_info = _object(payload, "repository")
    default_branch = repo_info.get("default_branch")
    common = GitHubContext(
        event=event_name,
        repository=repository,
        api_url=environ.get("GITHUB_API_URL", "https://api.github.com"),
        server_url=environ.get("GITHUB_SERVER_URL", "https://github.com"),
        run_id=environ.get("GITHUB_RUN_ID"),
        run_attempt=environ.get("GITHUB_RUN_ATTEMPT", "1"),
        sha=environ["GITHUB_SHA"],
        branch=None,
        token=environ.get("GITHUB_TOKEN") or None,
        summary_path=Path(environ["GITHUB_STEP_SUMMARY"]) if environ.get("GITHUB_STEP_SUMMARY") else None,
        output_path=Path(environ["GITHUB_OUTPUT"]) if environ.get("GITHUB_OUTPUT") else None,
        default_branch=default_branch if isinstance(default_branch, str) and default_branch else None,
        actor_is_bot=environ.get("GITHUB_ACTOR", "").endswith("[bot]"),
        action=_text(payload.get("action")),
        sender=_text(_object(payload, "sender").get("login")),
    )
    pull = payload.get("pull_request")
    if isinstance(pull, dict):
        head, base = _object(pull, "head"), _object(pull, "base")
        head_repo = head.get("repo")  # null when the fork was deleted
        fork = not isinstance(head_repo, dict) or head_repo.get("full_name") != repository
        labels = pull.get("labels")
        return replace(
            common,
            sha=str(head.get("sha") or common.sha),
            branch=head.get("ref"),
            pr_number=int(pull["number"]) if "number" in pull else None,
            base_sha=base.get("sha"),
            base_branch=base.get("ref"),
            is_fork=fork,
            labels=tuple(n for item in labels if isinstance(item, dict) and isinstance(n := item.get("name"), str))
            if isinstance(labels, list)
            else None,
            event_label=_text(_object(payload, "label").get("name")),
            pr_updated_at=_text(pull.get("updated_at")),
        )
    run = payload.get("workflow_run")
    if isinstance(run, dict):
        pulls = [p for p in run.get("pull_requests") or [] if isinstance(p, dict)]
        head_repo = run.get("head_repository")
        return replace(
            common,
            sha=str(run.get("head_sha") or common.sha),
            branch=run.get("head_branch"),
            pr_number=int(pulls[0]["number"]) if pulls else None,  # empty for forks: look it up by SHA
            is_fork=not isinstance(head_repo, dict) or head_repo.get("full_name") != repository,
            workflow_run_conclusion=run.get("conclusion"),
            workflow_run_url=run.get("html_url") if isinstance(run.get("html_url"), str) else None,
        )
    ref = environ.get("GITHUB_REF", "")
    branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else environ.get("GITHUB_REF_NAME")
    return replace(common, sha=str(payload.get("after") or common.sha), branch=branch or None)


def _payload(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "GITHUB_EVENT_PATH names a file that does not exist") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON: {exc.msg}", where=f"{exc.lineno}:{exc.colno}") from None
    return data if isinstance(data, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _object(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def append_summary(path: Path | None, markdown: str) -> None:
    """Append to the job summary, cut to GitHub's cap with a line that says so."""
    if path is None:
        return
    existing = path.stat().st_size if path.exists() else 0
    room = SUMMARY_LIMIT - existing - 200
    data = markdown.encode("utf-8")
    if len(data) > room:
        data = data[: max(room, 0)].decode("utf-8", "ignore").rsplit("\n", 1)[0].encode() + (
            b"\n\n_The rest is in the JSON report (over GitHub's 1 MiB summary limit)._\n"
        )
    with open(path, "ab") as handle:
        handle.write(data)


def write_outputs(path: Path | None, outputs: Mapping[str, str]) -> None:
    """Step outputs, each in the multi-line form with a delimiter that cannot occur in the value."""
    if path is None:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for key, value in outputs.items():
            delimiter = f"perfgate_{secrets.token_hex(8)}"
            handle.write(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
