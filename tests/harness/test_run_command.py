"""`perfgate run` and `perfgate compare --paired` through the real command line, in a process of its own, on real git
repositories with two commits and real tools (hyperfine, pytest-benchmark): exit codes, what goes to stdout and to
stderr, the report's notes, no worktree left behind."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from perfgate.harness import schedule

from .repos import Files, git, make_repo, needs, user_env, worktrees

PERFGATE = (sys.executable, "-m", "perfgate")


def _perfgate(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PERFGATE, *args], cwd=cwd, capture_output=True, text=True, env=user_env(), timeout=300, check=False
    )


def _row(report: str, name: str) -> str:
    """The table row of the series ``name``."""
    return next(line for line in report.splitlines() if line.startswith(f"{name} "))


def _left_alone(repo: Path) -> None:
    assert worktrees(repo) == [f"worktree {repo}"]


def _go_bench(nanoseconds: int) -> Files:
    """Results as `go test -bench` prints them, committed: ``cat bench.txt`` is a round that costs nothing."""
    lines = "".join(f"BenchmarkWork-8   \t    1000\t      {nanoseconds + k} ns/op\n" for k in (-5, 0, 5))
    return {"bench.txt": f"goos: linux\n{lines}PASS\n"}


@pytest.fixture
def cat_repo(tmp_path: Path) -> Path:
    repo, _, _ = make_repo(tmp_path / "cat", _go_bench(1000), {"README.md": "the head changes words only\n"})
    return repo


# --- real tools: a regression, an unchanged benchmark ----------------------------------------------------------


HYPERFINE = ("hyperfine", "-N", "--style", "none", "--runs", "3", "--export-json", "h.json", "sh work.sh")


def test_a_head_that_sleeps_longer_fails_the_gate_with_the_report_alone_on_stdout(tmp_path: Path) -> None:
    needs("hyperfine")
    repo, base, _ = make_repo(tmp_path / "r", {"work.sh": "sleep 0.01\n"}, {"work.sh": "sleep 0.06\n"})
    saved = tmp_path / "report.json"
    done = _perfgate(repo, "run", "--results", "h.json", "--output-format", "json", "-o", str(saved), "--", *HYPERFINE)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr == ""  # not a terminal: no progress
    assert done.stdout.startswith("baseline:  base round 1, base round 2, ")  # the report, nothing before it
    assert "base round 10" in done.stdout and "base round 11" not in done.stdout  # 10 rounds by default
    assert "regression" in _row(done.stdout, "sh work.sh")
    assert f"note: base: {base[:12]}, HEAD~1 (HEAD is on main)\n" in done.stdout
    assert "note: head: the working tree, at " in done.stdout and "with no uncommitted changes" in done.stdout
    assert "note: paired: 10 interleaved rounds in one job" in done.stdout
    report = json.loads(saved.read_text())
    time_series = next(s for s in report["series"] if s["metric"] == "time")
    assert (report["verdict"], time_series["verdict"]) == ("fail", "regression")
    assert time_series["change"] > 1.4  # 60 ms against 10 ms, and the sh around it (its start-up grows with load)
    assert [ref["commit"] for ref in report["baseline"]] == [base] * 10
    _left_alone(repo)


_PYTEST = """
def work():
    return sum(i * i for i in range(5000))

def test_work(benchmark):
    benchmark(work)
"""


def test_an_unchanged_pytest_benchmark_passes_and_uncommitted_changes_are_named(tmp_path: Path) -> None:
    repo, _, head = make_repo(
        tmp_path / "r", {"pytest.ini": "[pytest]\n", "test_bench.py": _PYTEST}, {"README.md": "words only\n"}
    )
    (repo / "README.md").write_text("words, edited and not committed\n")
    (repo / "notes.txt").write_text("new\n")
    timing = ("--benchmark-min-rounds=20", "--benchmark-max-time=0.05", "--benchmark-warmup=off")
    plugin = ("-p", "pytest_benchmark.plugin")  # and no other: the rounds start faster
    only_benchmark = ("env", "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1", sys.executable, "-m", "pytest", *plugin)
    pytest_command = (*only_benchmark, "-q", "-p", "no:cacheprovider", *timing)
    # This machine is shared: a round's ratio may be off by 10 %, and an A/A test must not fail on it.
    args = ("--rounds", "6", "--max-regression", "15%", "--results", "bench.json", "--", *pytest_command)
    done = _perfgate(repo, "run", *args, "--benchmark-json=bench.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("PASS: 1 "), done.stdout  # unchanged, or suspected when noisy
    assert "a regression beyond 15%" in done.stdout
    assert (
        f"note: head: the working tree, at {head[:12]} with uncommitted changes (not that commit's results): "
        "README.md, notes.txt (untracked)\n"
    ) in done.stdout  # bench.json, which the head's rounds wrote, is not a change
    assert "note: paired: 6 interleaved rounds in one job" in done.stdout
    assert (repo / "README.md").read_text() == "words, edited and not committed\n"
    _left_alone(repo)


# --- failures: exit 3 naming the side and the round ------------------------------------------------------------


def test_a_failing_set_up_is_exit_3_naming_its_side(cat_repo: Path) -> None:
    setup = 'echo "building $PERFGATE_SIDE"; test "$PERFGATE_SIDE" = base || { echo "cc: error" >&2; exit 2; }'
    done = _perfgate(cat_repo, "run", "--setup", setup, "--", "cat", "bench.txt")
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.startswith(f"perfgate: error: set-up of head: `{setup}` exited with status 2; it printed")
    assert done.stderr.endswith("    building head\n    cc: error\n")
    _left_alone(cat_repo)


def test_a_failing_round_is_exit_3_naming_side_and_round(cat_repo: Path) -> None:
    fails = 'test "$PERFGATE_SIDE $PERFGATE_ROUND" != "head 3" || { echo "segfault" >&2; exit 139; }; cat bench.txt'
    done = _perfgate(cat_repo, "run", "--rounds", "4", "--", fails)
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.startswith(f"perfgate: error: head round 3: `{fails}` exited with status 139")
    _left_alone(cat_repo)


def test_unreadable_output_stops_the_job_at_the_warm_up(cat_repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "ran"
    done = _perfgate(cat_repo, "run", "--", f'echo "$PERFGATE_SIDE $PERFGATE_ROUND" >> {log}; echo "all good"')
    assert done.returncode == 3
    assert done.stderr.startswith("perfgate: error: base warm-up: unrecognised results")
    assert log.read_text() == "base 0\n"  # not 22 runs first
    _left_alone(cat_repo)


def test_a_command_that_prints_nothing_is_told_where_results_are_read(cat_repo: Path) -> None:
    done = _perfgate(cat_repo, "run", "--", "true")
    assert done.returncode == 3
    assert done.stderr.startswith("perfgate: error: base warm-up: the command printed nothing on its standard output")
    assert "--results FILE" in done.stderr
    _left_alone(cat_repo)


def test_usage_errors_are_exit_2(cat_repo: Path) -> None:
    both = _perfgate(cat_repo, "run", "--base", "HEAD~1", "--against", "main", "--", "cat", "bench.txt")
    assert (both.returncode, both.stderr) == (2, "perfgate: error: give --base REF or --against BRANCH, not both\n")
    assert _perfgate(cat_repo, "run").returncode == 2  # no command
    too_few = _perfgate(cat_repo, "run", "--rounds", "2", "--", "cat", "bench.txt")
    assert (too_few.returncode, too_few.stdout) == (2, "")
    assert too_few.stderr == "perfgate: error: --rounds must be at least 3, not 2: fewer cannot be judged as pairs\n"


def test_an_odd_number_of_rounds_and_the_base_given_are_said(cat_repo: Path) -> None:
    done = _perfgate(cat_repo, "run", "--rounds", "3", "--base", "main~1", "--", "cat", "bench.txt")
    assert done.returncode == 0, done.stderr
    base = git(cat_repo, "rev-parse", "main~1")
    assert f"note: base: {base[:12]}, main~1 (--base)\n" in done.stdout
    assert "note: 3 rounds: an odd number leaves one round's worth of drift uncancelled" in done.stdout


# --- Ctrl-C and the terminal -----------------------------------------------------------------------------------


def test_ctrl_c_exits_130_and_removes_the_worktree(cat_repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    command = f"echo $$ > {marker}.tmp && mv {marker}.tmp {marker} && exec sleep 60"
    child = subprocess.Popen(
        [*PERFGATE, "run", "--", command], cwd=cat_repo, env=user_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the warm-up never started"
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 130
    assert stdout == b""
    assert stderr == b"perfgate: interrupted; the base's worktree was removed\n"
    _left_alone(cat_repo)
    assert not list(Path(tempfile.gettempdir()).glob(f"perfgate-base-*/{cat_repo.name}"))
    assert _ended(int(marker.read_text())), "the round was left sleeping, not killed"


def _ended(pid: int, wait: float = 10.0) -> bool:
    """Whether the process is gone or dead (a zombie its new parent has not reaped yet, as on a loaded
    machine), waiting up to ``wait`` seconds for the kill to land."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return True
        except (FileNotFoundError, IndexError):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_progress_goes_to_a_terminals_stderr_and_never_to_stdout(cat_repo: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [*PERFGATE, "run", "--rounds", "4", "--setup", "true", "--", "cat", "bench.txt"],
            cwd=cat_repo,
            env=user_env(),
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=60,
            check=False,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert done.returncode == 0, shown
    assert done.stdout.startswith("baseline:  base round 1, base round 2, base round 3, base round 4\n")
    lines = [line for line in shown.decode().split("\r\x1b[K") if line]
    assert lines[:4] == [
        "set-up of base (step 1 of 2)",
        "set-up of head (step 2 of 2)",
        "base warm-up (step 1 of 10)",
        "head warm-up (step 2 of 10, about 1 s left)",
    ]
    assert lines[4].startswith("base round 1 of 4 (step 3 of 10, about ")
    assert len(lines) == 12  # and the line is cleared at the end


# --- compare --paired on rounds made by hand ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten rounds a side of hyperfine, the sides alternating as perfgate run would (AB BA BA AB BA AB AB BA BA AB):
    the head sleeps 40 ms where the base sleeps 10 (at 20 ms, a machine at load 12 slowed enough base rounds to leave
    the regression suspected). Six rounds would not do on a busy machine: their smallest p is
    1/64, and one round slowed by a neighbour (a base as slow as its head) makes it 2/64, too much for three
    metrics at q = 0.05."""
    needs("hyperfine")
    folder = tmp_path_factory.mktemp("rounds")
    sleeps = {"base": "sleep 0.01", "head": "sleep 0.04"}
    for index, side in schedule(10):
        out = folder / f"{side}-{index:02}.json"
        hyperfine = ("hyperfine", "-N", "--style", "none", "--runs", "3", "-n", "work", sleeps[side])
        subprocess.run([*hyperfine, "--export-json", str(out)], check=True, capture_output=True)
    return folder


def test_compare_paired_judges_the_kth_files_as_a_pair(rounds: Path) -> None:
    done = _perfgate(rounds, "compare", "--paired", "--base", "base-*.json", "--head", "head-*.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("baseline:  base-01.json, base-02.json, ")
    assert "regression" in _row(done.stdout, "work")
    assert "note: paired: 10 interleaved rounds in one job" in done.stdout


def test_compare_paired_with_unequal_counts_is_exit_2_listing_both(rounds: Path) -> None:
    done = _perfgate(rounds, "compare", "--paired", "--base", "base-*.json", "--head", "head-0[1-5].json")
    assert done.returncode == 2
    heads = ", ".join(f"head-0{k}.json" for k in range(1, 6))
    assert "there are 10 base files (base-01.json, base-02.json, " in done.stderr
    assert f"and 5 head files ({heads})" in done.stderr
    alone = _perfgate(rounds, "compare", "--paired", "base-01.json", "head-01.json")
    assert alone.returncode == 2 and "--paired compares rounds given as --base" in alone.stderr
