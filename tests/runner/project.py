"""A user's repository on the fake GitHub, and the events its developers cause (pushes, pull requests, re-runs).

A test makes a Project, commits files to it (benchmark output included: the benchmark step of a workflow
is replaced by a check that the committed output is there), opens pull requests (same repository or fork)
and runs workflow jobs for those events through the runner in job.py.
"""

from __future__ import annotations

import itertools
import secrets
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..fake_github import FakeGitHub
from .git_http import GitServer
from .job import Event, JobResult, Runner, Site
from .services import ArtifactStore, CacheService

_RUN_IDS = itertools.count(5000)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@dataclass
class Project:
    site: Site
    local: Path  # the developers' clone
    private: bool = False
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)  # the GITHUB_TOKEN of each job run, in order

    @classmethod
    def create(
        cls,
        where: Path,
        machine: Path,
        git_server: GitServer,
        full_name: str,
        files: Mapping[str, str],
        *,
        default_branch: str = "main",
        private: bool = False,
        wheelhouse: Path | None = None,
    ) -> Project:
        local = where / "local"
        local.mkdir(parents=True)
        git(local, "init", "--quiet", "-b", default_branch)
        _write(local, files)
        git(local, "add", "-A")
        _commit(local, "initial commit")
        git_server.create(full_name, local, private=private)
        owner, name = full_name.split("/")
        api = FakeGitHub(owner, name).start()
        site = Site(
            full_name,
            default_branch,
            git_server,
            api,
            CacheService(where / "caches"),
            ArtifactStore(where / "artifacts"),
            machine,
            wheelhouse,
        )
        return cls(site, local, private)

    @property
    def bare(self) -> Path:
        return self.site.git.root / f"{self.site.full_name}.git"

    def stop(self) -> None:
        self.site.api.stop()

    # --- what developers do ---------------------------------------------------------------------------

    def commit(self, branch: str, files: Mapping[str, str], message: str = "change") -> str:
        """Commit on ``branch`` (created from the default branch if new) and push it; the new SHA."""
        exists = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", branch], cwd=self.local, capture_output=True
        )
        if exists.returncode == 0:
            git(self.local, "checkout", "--quiet", branch)
        else:
            git(self.local, "checkout", "--quiet", "-b", branch, self.site.default_branch)
        _write(self.local, files)
        git(self.local, "add", "-A")
        _commit(self.local, message)
        git(self.local, "push", "--quiet", "--force", str(self.bare), f"{branch}:refs/heads/{branch}")
        return git(self.local, "rev-parse", "HEAD")

    def push_event(self, branch: str | None = None) -> Event:
        branch = branch or self.site.default_branch
        sha = git(self.bare, "rev-parse", f"refs/heads/{branch}")
        payload = {"ref": f"refs/heads/{branch}", "after": sha, "repository": self._repository()}
        return Event("push", f"refs/heads/{branch}", sha, payload)

    def pull_request(self, number: int, branch: str, *, fork: bool = False, actor: str = "octocat") -> Event:
        """Open (or update) pull request ``number`` from ``branch``: refs/pull/N/head and /merge, as GitHub makes them."""
        base = self.site.default_branch
        head_sha = git(self.local, "rev-parse", branch)
        base_sha = git(self.local, "rev-parse", base)
        git(self.local, "checkout", "--quiet", "--detach", base)
        git(self.local, "-c", "user.name=GitHub", "-c", "user.email=noreply@github.com", "merge", "--quiet",
            "--no-ff", "-m", f"Merge {head_sha} into {base_sha}", head_sha)  # fmt: skip
        merge_sha = git(self.local, "rev-parse", "HEAD")
        git(self.local, "checkout", "--quiet", base)
        git(self.local, "push", "--quiet", "--force", str(self.bare),
            f"{head_sha}:refs/pull/{number}/head", f"{merge_sha}:refs/pull/{number}/merge")  # fmt: skip
        if fork:
            git(self.local, "push", "--quiet", str(self.bare), f":refs/heads/{branch}")  # a fork's branch is not here
        head_repo = f"someone/{self.site.full_name.split('/')[1]}" if fork else self.site.full_name
        if number not in self.site.api.pulls:
            self.site.api.add_pull(number, head_sha, fork=fork, base_sha=base_sha, base_ref=base)
        pull = self.site.api.pulls[number]
        pull["head"]["sha"] = head_sha
        pull["_commits"].append(head_sha)
        payload = {
            "action": "synchronize",
            "number": number,
            "pull_request": {
                "number": number,
                "head": {"ref": branch, "sha": head_sha, "repo": {"full_name": head_repo, "fork": fork}},
                "base": {"ref": base, "sha": base_sha, "repo": {"full_name": self.site.full_name}},
                "labels": list(pull.get("labels", [])),  # as GitHub sends them (the fake's, when a test labels it)
            },
            "repository": self._repository(),
            "sender": {"login": actor},
        }
        self.pulls[number] = {"head_sha": head_sha, "fork": fork, "branch": branch, "head_repo": head_repo}
        return Event("pull_request", f"refs/pull/{number}/merge", merge_sha, payload, actor=actor)

    def workflow_run(self, number: int, run_id: str, conclusion: str) -> Event:
        """The event of the trusted publish workflow, after the pull request's workflow run ``run_id``."""
        pull = self.pulls[number]
        base = self.site.default_branch
        sha = git(self.bare, "rev-parse", f"refs/heads/{base}")
        payload = {
            "action": "completed",
            "workflow_run": {
                "id": int(run_id),
                "event": "pull_request",
                "head_sha": pull["head_sha"],
                "head_branch": pull["branch"],
                "head_repository": {"full_name": pull["head_repo"]},
                "pull_requests": [] if pull["fork"] else [{"number": number}],
                "conclusion": conclusion,
                "html_url": f"{self.site.git.url}/{self.site.full_name}/actions/runs/{run_id}",
            },
            "repository": self._repository(),
        }
        return Event("workflow_run", f"refs/heads/{base}", sha, payload)

    def _repository(self) -> dict[str, Any]:
        return {"full_name": self.site.full_name, "default_branch": self.site.default_branch, "private": self.private}

    # --- CI ------------------------------------------------------------------------------------------------

    def run(
        self,
        workflow: Path | dict[str, Any],
        event: Event,
        *,
        job: str = "bench",
        secrets_: Mapping[str, str] | None = None,
        run_id: str | None = None,
        attempt: int = 1,
        matrix: Mapping[str, Any] | None = None,
        job_index: int = 0,
        job_total: int = 1,
        replace: Mapping[str, str] | None = None,
    ) -> JobResult:
        """One job, with a GITHUB_TOKEN as GitHub would mint it: the job's permissions, read-only for forks."""
        spec = yaml.safe_load(workflow.read_text()) if isinstance(workflow, Path) else workflow
        permissions = spec["jobs"][job].get("permissions", spec.get("permissions")) or {}
        fork = bool(event.payload.get("pull_request", {}).get("head", {}).get("repo", {}).get("fork"))
        dependabot = event.actor == "dependabot[bot]"
        token = "ghs_" + secrets.token_hex(18)
        self.tokens.append(token)
        contents = permissions.get("contents", "none") if isinstance(permissions, dict) else "read"
        self.site.git.tokens[token] = "read" if fork or dependabot or contents != "write" else "write"
        if fork or dependabot or not isinstance(permissions, dict) or permissions.get("pull-requests") != "write":
            self.site.api.read_only_tokens.add(token)
        if fork or dependabot or not isinstance(permissions, dict) or permissions.get("issues") != "write":
            self.site.api.no_issues_tokens.add(token)
        runner = Runner(
            self.site,
            event,
            job=job,
            token=token,
            secrets={} if fork or dependabot else dict(secrets_ or {}),  # forks and Dependabot get no secrets
            run_id=run_id or str(next(_RUN_IDS)),
            attempt=attempt,
            matrix=matrix,
            job_index=job_index,
            job_total=job_total,
        )
        return runner.run(spec, replace)


def _write(where: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = where / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _commit(where: Path, message: str) -> None:
    git(
        where,
        "-c",
        "user.name=dev",
        "-c",
        "user.email=dev@example.com",
        "commit",
        "--quiet",
        "--allow-empty",
        "-m",
        message,
    )
