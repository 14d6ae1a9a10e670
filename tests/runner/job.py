"""Runs a workflow job the way a GitHub-hosted runner does, composite actions (perfgate's action.yml) included.

What the runner does and this does too: expressions in ``with:``, ``env:``, ``if:`` and ``run:``; ``if:``
implicitly ``success() && …``; ``run:`` steps as ``bash --noprofile --norc -eo pipefail``; a fresh
``GITHUB_OUTPUT``/``GITHUB_ENV``/``GITHUB_STEP_SUMMARY`` file per step (a summary over 1 MiB is dropped);
workflow commands on stdout (``::error::``, ``::add-mask::``); secrets masked in the log; each job on a clean
machine whose paths are the same every time (like ``/home/runner/work/_temp``). The actions perfgate uses are
emulated with the rules that matter to it: actions/checkout (clone over smart HTTP with a token, shallow by
default, ``persist-credentials``), actions/setup-python (its pip cache hashes files with the real
``@actions/glob``), actions/cache, upload-artifact and download-artifact (see services.py).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..fake_github import FakeGitHub
from .expressions import condition, interpolate, to_string
from .git_http import GitServer
from .services import ArtifactConflict, ArtifactStore, CacheService, check_cache_key

ROOT = Path(__file__).resolve().parent.parent.parent
JS = Path(__file__).resolve().parent / "js"
SUMMARY_LIMIT = 1024 * 1024
# The Python that setup-python "installs": the interpreter the tests run on (not its virtual environment).
PYTHON = Path(getattr(sys, "_base_executable", sys.executable))


@dataclass
class Event:
    name: str  # push, pull_request, workflow_run
    ref: str  # refs/heads/main, refs/pull/7/merge
    sha: str
    payload: dict[str, Any]
    actor: str = "octocat"

    @property
    def base_ref(self) -> str:
        pull = self.payload.get("pull_request") or {}
        return str(pull.get("base", {}).get("ref", "")) if self.name.startswith("pull_request") else ""

    @property
    def head_ref(self) -> str:
        pull = self.payload.get("pull_request") or {}
        return str(pull.get("head", {}).get("ref", "")) if self.name.startswith("pull_request") else ""


@dataclass
class Site:
    """One repository on GitHub: its git remote, its REST API, its caches and artifacts, and a runner machine."""

    full_name: str
    default_branch: str
    git: GitServer
    api: FakeGitHub
    caches: CacheService
    artifacts: ArtifactStore
    machine: Path
    wheelhouse: Path | None = None  # pip and uv install from here, never from the network
    action: Path = ROOT  # the checkout of perfgate that `uses: acme/perfgate@…` runs (a test may change a copy)

    @property
    def clone_url(self) -> str:
        return f"{self.git.url}/{self.full_name}"


@dataclass
class StepResult:
    name: str
    outcome: str  # success, failure, skipped
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class JobResult:
    conclusion: str
    steps: list[StepResult]
    summary: str
    annotations: list[tuple[str, str]]
    log: str  # as GitHub shows it: secrets and ::add-mask:: values replaced by ***
    outputs: dict[str, str]
    raw_log: str = ""  # unmasked, without the ::add-mask:: commands themselves
    run_id: str = ""

    def step(self, name: str) -> StepResult:
        found = [s for s in self.steps if s.name == name]
        assert found, f"no step {name!r} in {[s.name for s in self.steps]}"
        return found[-1]

    def messages(self, level: str) -> list[str]:
        return [text for kind, text in self.annotations if kind == level]


_COMMAND = re.compile(r"^::(?P<cmd>[a-z-]+)(?: [^:]*)?::(?P<text>.*)$")


class Runner:
    def __init__(
        self,
        site: Site,
        event: Event,
        *,
        job: str,
        token: str,
        secrets: Mapping[str, str] | None = None,
        run_id: str = "1001",
        attempt: int = 1,
        matrix: Mapping[str, Any] | None = None,
        job_index: int = 0,
        job_total: int = 1,
    ) -> None:
        self.site, self.event, self.job, self.token = site, event, job, token
        self.secrets = dict(secrets or {})
        self.run_id, self.attempt = run_id, attempt
        self.matrix = dict(matrix or {})
        self.job_index, self.job_total = job_index, job_total
        self.masks: list[str] = [token, *self.secrets.values()]
        self.log: list[str] = []
        self.annotations: list[tuple[str, str]] = []
        self.summary: list[str] = []
        self.job_env: dict[str, str] = {}
        self.path_prefix: list[str] = []
        self.all_steps: list[StepResult] = []

    # --- the machine ---------------------------------------------------------------------------------

    @property
    def workspace(self) -> Path:
        name = self.site.full_name.split("/")[1]
        return self.site.machine / "work" / name / name

    @property
    def temp(self) -> Path:
        return self.site.machine / "work" / "_temp"

    @property
    def _event_path(self) -> Path:
        return self.temp / "_github_workflow" / "event.json"

    def _fresh_machine(self) -> None:
        for where in (self.workspace, self.temp, self.site.machine / "home"):
            shutil.rmtree(where, ignore_errors=True)
            where.mkdir(parents=True)
        self._event_path.parent.mkdir(parents=True)
        self._event_path.write_text(json.dumps(self.event.payload))
        (self.site.machine / "home" / ".gitconfig").write_text(
            "[user]\n\tname = runner\n\temail = runner@example.com\n[init]\n\tdefaultBranch = main\n"
        )

    def _base_env(self) -> dict[str, str]:
        venv_bin = str(Path(sys.executable).parent)
        path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin]
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("PERFGATE_", "GITHUB_", "RUNNER_", "PIP_", "UV_"))
        }
        env.pop("VIRTUAL_ENV", None)
        env.update(
            {
                "PATH": os.pathsep.join([*self.path_prefix, *path]),
                "HOME": str(self.site.machine / "home"),
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_EVENT_NAME": self.event.name,
                "GITHUB_EVENT_PATH": str(self._event_path),
                "GITHUB_REPOSITORY": self.site.full_name,
                "GITHUB_REPOSITORY_OWNER": self.site.full_name.split("/")[0],
                "GITHUB_SHA": self.event.sha,
                "GITHUB_REF": self.event.ref,
                "GITHUB_REF_NAME": self.event.ref.split("/", 2)[-1],
                "GITHUB_HEAD_REF": self.event.head_ref,
                "GITHUB_BASE_REF": self.event.base_ref,
                "GITHUB_RUN_ID": self.run_id,
                "GITHUB_RUN_ATTEMPT": str(self.attempt),
                "GITHUB_JOB": self.job,
                "GITHUB_ACTOR": self.event.actor,
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_SERVER_URL": self.site.git.url,
                "GITHUB_API_URL": self.site.api.url,
                "RUNNER_TEMP": str(self.temp),
                "RUNNER_OS": "Linux",
                "RUNNER_ARCH": "X64",
                "GIT_TERMINAL_PROMPT": "0",
                "GIT_CONFIG_NOSYSTEM": "1",
            }
        )
        if self.site.wheelhouse is not None:  # pip (which fetches uv) and uv (which installs perfgate) alike
            wheels = str(self.site.wheelhouse)
            env.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": wheels, "UV_NO_INDEX": "1", "UV_FIND_LINKS": wheels})
        return {**env, **self.job_env}

    def _contexts(
        self, steps: dict[str, Any], inputs: dict[str, Any] | None, action_path: Path | None
    ) -> dict[str, Any]:
        github = {
            "event_name": self.event.name,
            "event": self.event.payload,
            "ref": self.event.ref,
            "ref_name": self.event.ref.split("/", 2)[-1],
            "sha": self.event.sha,
            "repository": self.site.full_name,
            "repository_owner": self.site.full_name.split("/")[0],
            "run_id": self.run_id,
            "run_attempt": str(self.attempt),
            "job": self.job,
            "token": self.token,
            "actor": self.event.actor,
            "head_ref": self.event.head_ref,
            "base_ref": self.event.base_ref,
            "workspace": str(self.workspace),
            "server_url": self.site.git.url,
            "api_url": self.site.api.url,
            "action_path": str(action_path) if action_path else "",
        }
        return {
            "github": github,
            "env": {**self.job_env},
            "runner": {"temp": str(self.temp), "os": "Linux", "arch": "X64"},
            "secrets": {**self.secrets, "GITHUB_TOKEN": self.token},
            "matrix": self.matrix,
            "strategy": {"job-index": self.job_index, "job-total": self.job_total, "fail-fast": True},
            "job": {"status": "success"},
            "steps": steps,
            "inputs": inputs or {},
        }

    # --- running ---------------------------------------------------------------------------------------

    def run(self, workflow: Path | dict[str, Any], replace: Mapping[str, str] | None = None) -> JobResult:
        """Run one job of a workflow; ``replace`` swaps the ``run:`` of steps by name (e.g. the benchmark step)."""
        spec = yaml.safe_load(workflow.read_text()) if isinstance(workflow, Path) else workflow
        job = spec["jobs"][self.job]
        self._fresh_machine()
        self.job_env = {}  # the job's env: may use the github context (a token copied under another name)
        contexts, functions = self._contexts({}, None, None), self._status_functions([])
        self.job_env = {k: interpolate(to_string(v), contexts, functions) for k, v in (job.get("env") or {}).items()}
        steps = [dict(s) for s in job["steps"]]
        for step in steps:
            if replace and step.get("name") in replace:
                step["run"] = replace[step["name"]]
        if job.get("if") and not condition(job["if"], self._contexts({}, None, None), self._status_functions([])):
            return JobResult("skipped", [], "", [], "", {}, run_id=self.run_id)
        results, _ = self._steps(steps, inputs=None, action_path=None)
        failed = any(r.outcome == "failure" for r in results)
        action = next((r for r in results if "verdict" in r.outputs), None)
        return JobResult(
            "failure" if failed else "success",
            self.all_steps,
            "".join(self.summary),
            self.annotations,
            self._mask("\n".join(self.log)),
            action.outputs if action else {},
            "\n".join(line for line in "\n".join(self.log).splitlines() if not line.startswith("::add-mask::")),
            self.run_id,
        )

    def _status_functions(self, results: list[StepResult]) -> dict[str, Callable[..., Any]]:
        failed = any(r.outcome == "failure" for r in results)
        return {
            "success": lambda: not failed,
            "failure": lambda: failed,
            "always": lambda: True,
            "cancelled": lambda: False,
            "hashfiles": lambda *patterns: self._hash_files("\n".join(map(to_string, patterns))),
        }

    def _steps(
        self, steps: list[dict[str, Any]], *, inputs: dict[str, Any] | None, action_path: Path | None, prefix: str = ""
    ) -> tuple[list[StepResult], dict[str, Any]]:
        results: list[StepResult] = []
        by_id: dict[str, Any] = {}
        for index, step in enumerate(steps):
            name = prefix + str(step.get("name") or step.get("uses") or f"step {index}")
            contexts = self._contexts(by_id, inputs, action_path)
            functions = self._status_functions(results)
            if not condition(step.get("if"), contexts, functions):
                result = StepResult(name, "skipped")
            else:
                self.log.append(f"##[group]{name}")
                started = time.perf_counter()
                result = self._step(name, step, contexts, functions, action_path)
                result.seconds = time.perf_counter() - started
            results.append(result)
            self.all_steps.append(result)
            if step.get("id"):
                by_id[step["id"]] = {"outputs": result.outputs, "outcome": result.outcome, "conclusion": result.outcome}
        return results, by_id

    def _step(
        self,
        name: str,
        step: dict[str, Any],
        contexts: dict[str, Any],
        functions: dict[str, Callable[..., Any]],
        action_path: Path | None,
    ) -> StepResult:
        def ev(value: Any) -> str:
            return interpolate(to_string(value), contexts, functions)

        env = {k: ev(v) for k, v in (step.get("env") or {}).items()}
        if "run" in step:
            return self._run_script(name, ev(step["run"]), env, action_path)
        uses = str(step["uses"])
        with_ = {k: ev(v) for k, v in (step.get("with") or {}).items()}
        action = uses.split("@")[0]
        try:
            outputs = self._uses(action, with_, env)
        except StepFailed as failure:
            self.annotations.append(("error", str(failure)))
            self.log.append(f"::error::{failure}")
            return StepResult(name, "failure")
        if isinstance(outputs, StepResult):
            return StepResult(name, outputs.outcome, outputs.outputs)
        return StepResult(name, "success", outputs)

    def _run_script(self, name: str, script: str, env: dict[str, str], action_path: Path | None) -> StepResult:
        files = {k: self.temp / "_runner_file_commands" / f"{k.lower()}_{uuid.uuid4().hex}" for k in _FILE_COMMANDS}
        for path in files.values():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
        script_path = self.temp / f"{uuid.uuid4()}.sh"
        script_path.write_text(script)
        full_env = {**self._base_env(), **env, **{k: str(v) for k, v in files.items()}}
        if action_path is not None:
            full_env["GITHUB_ACTION_PATH"] = str(action_path)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_path)],
            cwd=self.workspace,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self._read_commands(done.stdout)
        self.log.extend([done.stdout, done.stderr])
        outputs = _read_pairs(files["GITHUB_OUTPUT"])
        self.job_env.update(_read_pairs(files["GITHUB_ENV"]))
        self.path_prefix[:0] = [p for p in files["GITHUB_PATH"].read_text().splitlines() if p]
        summary = files["GITHUB_STEP_SUMMARY"].read_text()
        if len(summary.encode()) > SUMMARY_LIMIT:
            self.annotations.append(
                ("error", "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k")
            )
        else:
            self.summary.append(summary)
        if done.returncode != 0:
            self.annotations.append(("error", f"Process completed with exit code {done.returncode}."))
            return StepResult(name, "failure", outputs)
        return StepResult(name, "success", outputs)

    def _read_commands(self, stdout: str) -> None:
        for line in stdout.splitlines():
            match = _COMMAND.match(line)
            if not match:
                continue
            cmd, text = match.group("cmd"), match.group("text")
            if cmd == "add-mask":
                self.masks.append(text)
            elif cmd in ("error", "warning", "notice"):
                self.annotations.append((cmd, self._mask(text)))

    def _mask(self, text: str) -> str:
        for secret in sorted((m for m in self.masks if m), key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    # --- actions -----------------------------------------------------------------------------------------

    def _uses(self, action: str, with_: dict[str, str], env: dict[str, str]) -> dict[str, str] | StepResult:
        if action == "./" or action.endswith("/perfgate"):
            return self._composite(self.site.action, with_)
        handlers: dict[str, Callable[[dict[str, str]], dict[str, str]]] = {
            "actions/checkout": self._checkout,
            "actions/setup-python": self._setup_python,
            "actions/cache/restore": self._cache_restore,
            "actions/cache/save": self._cache_save,
            "actions/upload-artifact": self._upload_artifact,
            "actions/download-artifact": self._download_artifact,
            "actions/upload-pages-artifact": self._upload_pages_artifact,
        }
        if action not in handlers:
            raise StepFailed(f"the test runner does not know the action {action}")
        return handlers[action](with_)

    def _composite(self, path: Path, with_: dict[str, str]) -> StepResult:
        spec = yaml.safe_load((path / "action.yml").read_text())
        unknown = set(with_) - set(spec.get("inputs") or {})
        for name in sorted(unknown):
            self.annotations.append(("warning", f"Unexpected input(s) '{name}'"))
        defaults_ctx = self._contexts({}, None, path)
        inputs: dict[str, Any] = {}
        for name, meta in (spec.get("inputs") or {}).items():
            default = to_string((meta or {}).get("default", ""))
            inputs[name] = with_.get(name, interpolate(default, defaults_ctx, self._status_functions([])))
        results, by_id = self._steps(spec["runs"]["steps"], inputs=inputs, action_path=path, prefix="perfgate / ")
        contexts = self._contexts(by_id, inputs, path)
        outputs = {
            name: interpolate(to_string(meta["value"]), contexts, self._status_functions(results))
            for name, meta in (spec.get("outputs") or {}).items()
        }
        failed = any(r.outcome == "failure" for r in results)
        return StepResult("perfgate", "failure" if failed else "success", outputs)

    def _auth(self, token: str) -> str:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        self.masks.append(basic)
        return f"AUTHORIZATION: basic {basic}"

    def _git(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["git", *args], cwd=cwd or self.workspace, env=self._base_env(), capture_output=True, text=True, timeout=120
        )
        self.log.append(self._mask(done.stdout + done.stderr))
        return done

    def _checkout(self, with_: dict[str, str]) -> dict[str, str]:
        token = with_.get("token") or self.token
        depth = int(with_.get("fetch-depth") or 1)
        persist = (with_.get("persist-credentials") or "true").lower() == "true"
        header = self._auth(token)
        ref = self.event.ref
        local = (
            "refs/remotes/pull/" + ref.split("/")[2] + "/merge"
            if ref.startswith("refs/pull/")
            else ("refs/remotes/origin/" + ref.removeprefix("refs/heads/"))
        )
        self._git("init", "--quiet")
        self._git("remote", "add", "origin", self.site.clone_url)
        shallow = ["--depth", str(depth)] if depth > 0 else []
        fetched = self._git(
            "-c", f"http.extraheader={header}", "fetch", "--no-tags", "--prune", *shallow, "origin", f"+{ref}:{local}"
        )
        if fetched.returncode != 0:
            raise StepFailed(f"The process '/usr/bin/git' failed with exit code {fetched.returncode}")
        if depth == 0:  # fetch-depth: 0 fetches every branch and tag
            self._git(
                "-c",
                f"http.extraheader={header}",
                "fetch",
                "--quiet",
                "--tags",
                "origin",
                "+refs/heads/*:refs/remotes/origin/*",
            )
        self._git("checkout", "--quiet", "--force", local)
        if persist:
            self._git("config", "--local", f"http.{self.site.git.url}/.extraheader", header)
        return {"ref": ref, "commit": self._git("rev-parse", "HEAD").stdout.strip()}

    def _hash_files(self, patterns: str) -> str:
        if not (JS / "node_modules" / "@actions" / "glob").is_dir():
            raise StepFailed(f"@actions/glob is not installed: run npm ci --prefix {JS}")
        done = subprocess.run(
            ["node", str(JS / "hash-files.mjs"), patterns],
            env=self._base_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        found = re.search(r"^hash=(.*)$", done.stdout, re.M)
        return found.group(1) if found else ""

    def _setup_python(self, with_: dict[str, str]) -> dict[str, str]:
        if with_.get("cache"):
            patterns = with_.get("cache-dependency-path") or "**/requirements.txt\n**/pyproject.toml"
            if not self._hash_files(patterns):
                listed = ",".join(patterns.splitlines())
                raise StepFailed(
                    f"No file in {self.workspace} matched to [{listed}], make sure you have checked out the target repository"
                )
        if (with_.get("update-environment") or "true").lower() == "true":
            self.path_prefix.insert(0, str(PYTHON.parent))
            self.job_env["pythonLocation"] = str(PYTHON.parent.parent)
        version = subprocess.run(
            [str(PYTHON), "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True
        ).stdout.strip()
        return {"python-version": version, "python-path": str(PYTHON), "cache-hit": "false"}

    def _scopes(self) -> list[str]:
        scopes = [self.event.ref]
        if self.event.base_ref:
            scopes.append(f"refs/heads/{self.event.base_ref}")
        scopes.append(f"refs/heads/{self.site.default_branch}")
        return list(dict.fromkeys(scopes))

    def _paths(self, text: str) -> list[str]:
        return [str(self.workspace / p) if not os.path.isabs(p) else p for p in text.splitlines() if p.strip()]

    def _cache_restore(self, with_: dict[str, str]) -> dict[str, str]:
        key = with_["key"]
        self._check_key(key)
        restore_keys = [k for k in (with_.get("restore-keys") or "").splitlines() if k.strip()]
        matched = self.site.caches.restore(key, restore_keys, self._paths(with_["path"]), self._scopes())
        self.log.append(f"Cache restored from key: {matched}" if matched else f"Cache not found for input keys: {key}")
        return {
            "cache-hit": "true" if matched == key else "false",
            "cache-primary-key": key,
            "cache-matched-key": matched or "",
        }

    def _cache_save(self, with_: dict[str, str]) -> dict[str, str]:
        key = with_["key"]
        self._check_key(key)
        if not self.site.caches.save(key, self._paths(with_["path"]), self.event.ref):
            message = f"Failed to save: Unable to reserve cache with key {key}, another job may be creating this cache."
            self.annotations.append(("warning", message))
        return {}

    def _check_key(self, key: str) -> None:
        try:
            check_cache_key(key)
        except ValueError as invalid:
            raise StepFailed(str(invalid)) from None

    def _upload_artifact(self, with_: dict[str, str]) -> dict[str, str]:
        source = Path(with_["path"])
        if not source.exists() or (source.is_dir() and not any(source.iterdir())):
            policy = with_.get("if-no-files-found") or "warn"
            message = f"No files were found with the provided path: {source}. No artifacts will be uploaded."
            if policy == "error":
                raise StepFailed(message)
            if policy == "warn":
                self.annotations.append(("warning", message))
            return {}
        try:
            self.site.artifacts.upload(self.run_id, with_.get("name") or "artifact", source)
        except ArtifactConflict as conflict:
            raise StepFailed(str(conflict)) from None
        return {"artifact-id": "1"}

    def _upload_pages_artifact(self, with_: dict[str, str]) -> dict[str, str]:
        """upload-pages-artifact v4: tar the directory (no links followed into the archive, no .git, .github or
        other hidden files), then upload-artifact the tar as "github-pages" with if-no-files-found: error."""
        source = self.workspace / (with_.get("path") or "_site/")
        tarball = self.temp / "artifact.tar"
        archived = subprocess.run(
            [
                "tar",
                "--dereference",
                "--hard-dereference",
                "--directory",
                str(source),
                "-cvf",
                str(tarball),
                "--exclude=.git",
                "--exclude=.github",
                "--exclude=.[^/]*",
                ".",
            ],
            capture_output=True,
            text=True,
        )
        if archived.returncode != 0:
            raise StepFailed(f"tar: {archived.stderr.strip()}")
        return self._upload_artifact(
            {"name": with_.get("name") or "github-pages", "path": str(tarball), "if-no-files-found": "error"}
        )

    def _download_artifact(self, with_: dict[str, str]) -> dict[str, str]:
        run_id = with_.get("run-id") or self.run_id
        target = self.workspace / (with_.get("path") or ".")
        pattern = with_.get("pattern") or with_.get("name") or "*"
        merge = (with_.get("merge-multiple") or "false").lower() == "true"
        names = self.site.artifacts.download(run_id, pattern, target, merge=merge)
        if with_.get("name") and not names:
            raise StepFailed(f"Unable to download artifact(s): Artifact not found for name: {with_['name']}")
        return {"download-path": str(target)}


class StepFailed(Exception):
    pass


_FILE_COMMANDS = ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_STATE")


def _read_pairs(path: Path) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as in GITHUB_OUTPUT and GITHUB_ENV."""
    pairs: dict[str, str] = {}
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            pairs[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            pairs[name] = value
        i += 1
    return pairs
