"""The composite Action's own pieces: its scripts run for real (git, bash), its YAML is well-formed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from perfgate.store import Store

from .conftest import EXAMPLES, Invoke

ROOT = Path(__file__).parent.parent
PERFGATE = str(Path(sys.executable).parent / "perfgate")


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _clone(origin: Path, where: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(origin), str(where)], check=True, capture_output=True)
    return where


def _history(job: Path, command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PERFGATE_")},
        "HISTORY_BRANCH": "perfgate-data",
        "PERFGATE": PERFGATE,
        "RUNNER_TEMP": str(tmp_path / f"tmp-{job.name}"),
        "GITHUB_SHA": "a" * 40,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    Path(env["RUNNER_TEMP"]).mkdir(exist_ok=True)
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "history-branch.sh"), command],
        cwd=job,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _ingest(job: Path, commit: str, key: str) -> None:
    subprocess.run(
        [
            PERFGATE,
            "ingest",
            str(EXAMPLES / "pytest-benchmark" / "base.json"),
            "--branch",
            "main",
            "--commit",
            commit,
            "--key",
            key,
        ],
        cwd=job,
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("PERFGATE_")},
    )


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    seed = tmp_path / "seed"
    seed.mkdir()
    _git(seed, "init", "--quiet", "-b", "main")
    (seed / "README").write_text("x")
    _git(seed, "add", "README")
    _git(seed, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "init")
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(seed), str(bare)], check=True)
    return bare


def test_branch_history_round_trip_and_concurrent_pushes(origin: Path, tmp_path: Path) -> None:
    first, second, reader = (_clone(origin, tmp_path / n) for n in ("job1", "job2", "pr-job"))
    _ingest(first, "c1", "k1")
    _ingest(second, "c2", "k2")
    # job2 restores before job1 saves: its later push is a non-fast-forward that must merge, not overwrite.
    assert _history(second, "restore", tmp_path).returncode == 0
    saved = _history(first, "save", tmp_path)
    assert saved.returncode == 0, saved.stderr
    raced = _history(second, "save", tmp_path)
    assert raced.returncode == 0, raced.stderr
    restored = _history(reader, "restore", tmp_path)
    assert restored.returncode == 0, restored.stderr
    runs = Store(f"sqlite:///{reader / '.perfgate' / 'history.db'}").latest_runs("default", "main", 10)
    assert sorted(r.commit for r in runs) == ["c1", "c2"]
    log = _git(origin, "log", "--oneline", "perfgate-data")
    assert log.count("perfgate: history") == 2  # the second job merged and pushed on top of the first
    assert _git(reader, "ls-tree", "--name-only", "origin/perfgate-data") == "runs.jsonl"


def _gate_script(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """scripts/gate.sh with the Action's default inputs and these."""
    env = {
        **os.environ,
        "INPUT_HISTORY": "cache",
        "GITHUB_EVENT_NAME": "push",
        "INPUT_MODE": "auto",
        "INPUT_COMMENT": "never",
        "INPUT_FAIL_ON": "regression",
        "INPUT_FORMAT": "auto",
        "INPUT_CONFIG": "",
        "INPUT_SUITE": "",
        "INPUT_RESULTS": "x.json",
        "INPUT_RUN": "",
        "INPUT_SETUP": "",
        "INPUT_ROUNDS": "",
        "PERFGATE": PERFGATE,
        "RUNNER_TEMP": str(tmp_path),
        **inputs,
    }
    return subprocess.run(["bash", str(ROOT / "scripts" / "gate.sh")], env=env, capture_output=True, text=True)


def test_gate_script_refuses_postgres_without_a_url(tmp_path: Path) -> None:
    done = _gate_script(tmp_path, INPUT_HISTORY="postgres", PERFGATE_DATABASE_URL="")
    assert done.returncode == 3 and "needs the database-url input" in done.stdout


def _recording_gate_script(tmp_path: Path, results: str) -> subprocess.CompletedProcess[str]:
    """scripts/gate.sh recording a push to main with the real perfgate, in tmp_path."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PERFGATE_", "GITHUB_"))},
        "PYTHONPATH": str(ROOT),  # this checkout's perfgate
        "INPUT_HISTORY": "cache",
        "INPUT_MODE": "record",
        "INPUT_COMMENT": "never",
        "INPUT_FAIL_ON": "regression",
        "INPUT_FORMAT": "auto",
        "INPUT_CONFIG": "",
        "INPUT_SUITE": "",
        "INPUT_RESULTS": results,
        "PERFGATE": PERFGATE,
        "RUNNER_TEMP": str(tmp_path),
        # A push to main: what record mode needs of the job's environment.
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(ROOT / "tests" / "data" / "github-events" / "push.json"),
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_SHA": "4" * 40,
        "GITHUB_REF": "refs/heads/main",
    }
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "gate.sh")], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "results",
    [
        "bench results/base.json",
        "  bench results/base.json\n  bench results/*head*.json\n",
        "plain.json other.json",
    ],
    ids=["a-path-with-a-space", "lines-and-a-glob-with-spaces", "one-line-split-on-spaces"],
)
def test_gate_script_keeps_a_path_with_spaces_one_argument(tmp_path: Path, results: str) -> None:
    spaced = tmp_path / "bench results"
    spaced.mkdir()
    for name, source in (("base.json", "base.json"), ("my head.json", "head.json")):
        (spaced / name).write_bytes((EXAMPLES / "pytest-benchmark" / source).read_bytes())
    for name, source in (("plain.json", "base.json"), ("other.json", "head.json")):
        (tmp_path / name).write_bytes((EXAMPLES / "pytest-benchmark" / source).read_bytes())
    done = _recording_gate_script(tmp_path, results)
    assert done.returncode == 0, done.stdout + done.stderr
    expected = 1 if results.count(".json") == 1 else 2
    assert Store(f"sqlite:///{tmp_path / '.perfgate' / 'history.db'}").count_runs() == expected


def test_action_inputs_reach_scripts_only_through_env() -> None:
    steps = yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
    scripts = [step["run"] for step in steps if "run" in step]
    assert len(scripts) >= 5
    for script in scripts:
        assert "${{" not in script, f"expression interpolated into a run script: {script[:80]}"


@pytest.mark.parametrize("name", ["action", "uv"])
def test_the_hashed_requirements_are_the_pins_of_their_source_list(name: str) -> None:
    """requirements/NAME.txt is generated from NAME.in: the same pins, each with its wheels' hashes (a pin
    edited in one file only would install something else than the list says, or fail every cold set-up)."""

    def pins(text: str) -> dict[str, str]:
        found = (re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line) for line in text.splitlines())
        return {m.group(1).lower().replace("_", "-"): m.group(2) for m in found if m}

    source = (ROOT / "requirements" / f"{name}.in").read_text()
    hashed = (ROOT / "requirements" / f"{name}.txt").read_text()
    assert pins(hashed) == pins(source) != {}
    for entry in re.split(r"\n(?=\S)", hashed):
        if not entry.startswith("#"):
            assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_zizmor_finds_no_injection_or_permission_problem() -> None:
    zizmor = Path(sys.executable).parent / "zizmor"
    targets = [str(ROOT / "action.yml"), *map(str, sorted((ROOT / "examples" / "github").glob("*.yml")))]
    done = subprocess.run(
        [
            str(zizmor),
            "--offline",
            "--no-progress",
            "--config",
            str(ROOT / "zizmor.yml"),
            "--min-severity",
            "medium",
            *targets,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "failed to parse" not in done.stderr, done.stderr  # every file was really audited


def test_gate_script_compares_nothing_on_a_pull_request_without_the_database_secret(tmp_path: Path) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PERFGATE_", "GITHUB_"))},
        "INPUT_HISTORY": "postgres",
        "PERFGATE_DATABASE_URL": "",
        "INPUT_MODE": "auto",
        "INPUT_COMMENT": "on-change",
        "INPUT_FAIL_ON": "regression",
        "INPUT_FORMAT": "auto",
        "INPUT_CONFIG": "",
        "INPUT_SUITE": "",
        "INPUT_RESULTS": str(EXAMPLES / "pytest-benchmark" / "head.json"),
        "PERFGATE": PERFGATE,
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(ROOT / "tests" / "data" / "github-events" / "pull_request_fork.json"),
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_SHA": "3" * 40,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
    }
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "gate.sh")], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "forks and Dependabot get no secrets" in done.stdout
    assert "nothing was compared" in summary.read_text() and "no-baseline" in outputs.read_text()


@pytest.mark.parametrize(
    ("inputs", "said"),
    [
        ({"INPUT_MODE": "ab", "INPUT_RUN": "  "}, "mode ab needs the run input"),
        ({"INPUT_MODE": "ab", "INPUT_RUN": "sh bench.sh", "INPUT_RESULTS": "a.json b.json"}, "not 2 files"),
        ({"INPUT_MODE": "compare", "INPUT_RUN": "sh bench.sh"}, "are for mode: ab (mode is compare)"),
    ],
    ids=["ab-without-run", "ab-with-two-results", "run-outside-ab"],
)
def test_gate_script_refuses_mode_ab_inputs_that_cannot_work(tmp_path: Path, inputs: dict[str, str], said: str) -> None:
    done = _gate_script(tmp_path, GITHUB_EVENT_NAME="pull_request", **inputs)
    assert done.returncode == 2 and said in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--mode", "ab"], "needs the benchmark command after --"),
        (["--setup", "make", "bench.json"], "--setup and --results are for --mode ab"),
        ([], "give the results files"),
    ],
)
def test_gate_options_for_mode_ab_are_checked_before_anything_runs(run_cli: Invoke, args: list[str], said: str) -> None:
    result = run_cli("gate", *args)
    assert result.exit_code == 2 and said in result.output, result.output
