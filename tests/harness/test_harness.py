"""perfgate run's harness on real git repositories (two commits, real worktrees) with the real tools: hyperfine,
`go test -bench`, pytest-benchmark, a Google Benchmark binary built by the set-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfgate import formats
from perfgate.errors import CommandFailed, ConfigError, InputError, RepositoryError
from perfgate.harness import (
    Job,
    Round,
    Step,
    Trees,
    as_command,
    changes,
    checkout,
    filled,
    head_commit,
    resolve_base,
    run_rounds,
    schedule,
    set_up,
)
from perfgate.model import ParsedResults

from .repos import commit, git, make_repo, needs, user_env, worktrees


def _state(repo: Path) -> tuple[str, str, str]:
    """What perfgate must leave alone: HEAD, the index's entries, the working tree's status."""
    return git(repo, "rev-parse", "HEAD"), git(repo, "ls-files", "-s"), git(repo, "status", "--porcelain")


def _parsed(rounds: tuple[Round, ...]) -> dict[tuple[str, int], ParsedResults]:
    return {(r.side, r.index): formats.read_bytes(r.data, r.label, name=r.file) for r in rounds}


def _medians(results: ParsedResults) -> dict[str, float]:
    return {s.name: s.summary.median for s in results.series if s.summary.median is not None}


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    where, _, _ = make_repo(tmp_path / "repo", {"work.txt": "base\n"}, {"work.txt": "head\n"})
    yield where
    assert worktrees(where) == [f"worktree {where}"]  # no test leaves a worktree behind


# --- which commit is the base ------------------------------------------------------------------------------------


def test_on_main_the_base_is_the_parent_commit(tmp_path: Path) -> None:
    repo, base, _ = make_repo(tmp_path / "r", {"a": "1"}, {"a": "2"})
    found = resolve_base(repo, None, "main")
    assert (found.commit, found.chosen) == (base, "HEAD~1 (HEAD is on main)")


def test_on_a_branch_the_base_is_the_merge_base_with_main(tmp_path: Path) -> None:
    repo, fork, _ = make_repo(tmp_path / "r", {"a": "1"}, {"a": "2"})
    git(repo, "checkout", "-q", "-b", "feature", fork)
    commit(repo, {"a": "feature"}, "feature")
    found = resolve_base(repo, None, "main")
    assert (found.commit, found.chosen) == (fork, "the merge-base of HEAD and main")
    assert resolve_base(repo, "main", "main").commit == git(repo, "rev-parse", "main")  # --base main


def test_without_a_local_main_the_remotes_main_is_used(tmp_path: Path) -> None:
    origin, fork, _ = make_repo(tmp_path / "origin", {"a": "1"}, {"a": "2"})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(clone, "checkout", "-q", "-b", "feature", fork)
    git(clone, "branch", "-q", "-D", "main")
    commit(clone, {"a": "feature"}, "feature")
    assert resolve_base(clone, None, "main").chosen == "the merge-base of HEAD and origin/main"
    with pytest.raises(
        RepositoryError,
        match=r"cannot find the main branch 'trunk' here to choose the base \(tried trunk, origin/trunk\)",
    ) as error:
        resolve_base(clone, None, "trunk")
    assert error.value.exit_code == 3


def test_a_shallow_clone_says_how_to_fetch_the_history(tmp_path: Path) -> None:
    origin, base, _ = make_repo(tmp_path / "origin", {"a": "1"}, {"a": "2"})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    for ref in (None, base):
        with pytest.raises(RepositoryError, match=r"git fetch --unshallow.*fetch-depth: 0") as error:
            resolve_base(clone, ref, "main")
        assert error.value.exit_code == 3


def test_an_unknown_ref_or_no_repository_is_a_clear_error(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(RepositoryError, match=r"the base 'v9' is not a commit of this repository. check its spelling"):
        resolve_base(repo, "v9", "main")
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(RepositoryError, match="is not inside a git repository"):
        resolve_base(outside, None, "main")


# --- the head: uncommitted changes -------------------------------------------------------------------------------


def test_uncommitted_changes_are_found_and_a_results_file_is_not_one(repo: Path) -> None:
    assert not changes(repo)
    (repo / "work.txt").write_text("edited\n")
    (repo / "new.py").write_text("")
    (repo / "out.json").write_text("{}")
    found = changes(repo, ignoring=("out.json",))
    assert (found.changed, found.untracked) == (("work.txt",), ("new.py",))
    assert found


# --- the base's worktree -----------------------------------------------------------------------------------------


def test_the_base_is_checked_out_beside_and_removed_leaving_the_users_tree_alone(repo: Path) -> None:
    commit(repo, {"sub/x.txt": "base"}, "a subdirectory")
    commit(repo, {"sub/x.txt": "head"}, "its change")
    (repo / "work.txt").write_text("uncommitted\n")
    git(repo, "add", "work.txt")  # staged, so the index differs from HEAD
    before = _state(repo)
    with checkout(repo / "sub", resolve_base(repo, None, "main").commit) as trees:
        assert trees.head == repo / "sub" and trees.base.name == "sub"
        assert (trees.base / "x.txt").read_text() == "base"
        assert git(trees.base, "status", "--porcelain") == ""
        assert len(worktrees(repo)) == 2
        folder = trees.base.parent.parent
    assert not folder.exists()
    assert _state(repo) == before


def test_the_worktree_is_removed_when_the_rounds_fail(repo: Path) -> None:
    with pytest.raises(CommandFailed), checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        folder = trees.base.parent
        (trees.base / "build-output").write_text("left by a build")
        run_rounds(trees, Job("exit 1"), 1, user_env())
    assert not folder.exists()


def test_a_directory_missing_at_the_base_is_an_error(repo: Path) -> None:
    (repo / "new").mkdir()
    missing = pytest.raises(RepositoryError, match="the directory new does not exist at the base")
    with missing, checkout(repo / "new", resolve_base(repo, None, "main").commit):
        pass


_INTERRUPTED = """
import sys
from os import environ
from pathlib import Path
from perfgate.harness import Job, checkout, resolve_base, run_rounds
repo, marker = Path(sys.argv[1]), Path(sys.argv[2])
with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
    marker.with_suffix(".tree").write_text(str(trees.base))
    run_rounds(trees, Job(f'echo $$ > {marker}.tmp && mv {marker}.tmp {marker} && exec sleep 60'), 2, dict(environ))
"""


@pytest.mark.parametrize(("number", "status"), [(signal.SIGINT, -signal.SIGINT), (signal.SIGTERM, 128 + 15)])
def test_ctrl_c_or_sigterm_kill_the_round_and_remove_the_worktree(
    repo: Path, tmp_path: Path, number: signal.Signals, status: int
) -> None:
    marker = tmp_path / "pid"
    child = subprocess.Popen([sys.executable, "-c", _INTERRUPTED, str(repo), str(marker)], env=user_env())
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the round never started"
        tree = Path(marker.with_suffix(".tree").read_text())
        assert tree.is_dir()
        child.send_signal(number)
        assert child.wait(timeout=30) == status
    finally:
        child.kill()
        child.wait()
    assert not tree.exists() and not tree.parent.exists()
    assert worktrees(repo) == [f"worktree {repo}"]
    with pytest.raises(ProcessLookupError):  # the round's own process was killed too, not left running
        os.kill(int(marker.read_text()), 0)


# --- the schedule --------------------------------------------------------------------------------------------------


def test_the_order_is_abba_baab_and_cancels_linear_and_quadratic_drift() -> None:
    order = schedule(8)
    sides = "".join("A" if side == "base" else "B" for _, side in order)
    assert sides == "AB BA BA AB BA AB AB BA".replace(" ", "")
    for rounds in (2, 4, 6, 8, 16):
        for degree in (1, 2):
            if degree == 2 and rounds % 4:
                continue
            drift = {step: float(t**degree) for t, step in enumerate(schedule(rounds))}  # time t's slowdown
            differences = [drift[(r, "head")] - drift[(r, "base")] for r in range(1, rounds + 1)]
            assert sum(differences) == 0, (rounds, degree)
    drift = {step: float(t) for t, step in enumerate(schedule(3))}  # an odd count leaves one round's drift
    assert sum(drift[(r, "head")] - drift[(r, "base")] for r in (1, 2, 3)) != 0


def test_rounds_run_in_the_schedules_order_with_side_and_round_in_the_environment(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    steps: list[Step] = []
    ticks = iter(range(1000))
    command = f'echo "$PERFGATE_SIDE $PERFGATE_ROUND $(cat work.txt)" >> {log}; echo "$PERFGATE_ROUND"'
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        rounds = run_rounds(trees, Job(command), 4, user_env(), progress=steps.append, clock=lambda: float(next(ticks)))
    ran = log.read_text().splitlines()
    expected = [(0, "base"), (0, "head"), *schedule(4)]
    assert ran == [f"{side} {index} {side}" for index, side in expected]  # each side ran its own commit's files
    assert [(r.index, r.side, r.data) for r in rounds] == [(i, s, f"{i}\n".encode()) for i, s in expected[2:]]
    assert rounds[0].label == "base round 1" and rounds[0].seconds == 1.0
    # Progress before each step: k of N, the side, and the time left from the mean step so far (1 s here).
    assert [(s.done, s.total, s.what) for s in steps[:3]] == [
        (0, 10, "base warm-up"),
        (1, 10, "head warm-up"),
        (2, 10, "base round 1"),
    ]
    assert [s.seconds_left for s in steps] == [None, *[float(10 - k) for k in range(1, 10)]]


def test_each_rounds_results_are_handed_over_as_they_come_the_warm_ups_too(repo: Path) -> None:
    seen: list[str] = []

    def read(ran: Round) -> None:
        seen.append(ran.label)
        if ran.label == "head round 1":
            raise InputError(ran.label, "unrecognised results")

    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        with pytest.raises(InputError, match=r"^head round 1: unrecognised"):
            run_rounds(trees, Job("echo $PERFGATE_ROUND"), 4, user_env(), results=read)
        kept = run_rounds(trees, Job("echo $PERFGATE_ROUND"), 1, user_env(), results=lambda ran: None)
    assert seen == ["base warm-up", "head warm-up", "base round 1", "head round 1"]  # stopped there, not at the end
    assert [r.label for r in kept] == ["base round 1", "head round 1"]


def test_the_heads_commit_is_heads(repo: Path) -> None:
    assert head_commit(repo) == git(repo, "rev-parse", "HEAD")
    empty = repo.parent / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    with pytest.raises(RepositoryError, match="the repository has no commit yet"):
        head_commit(empty)


def test_confirmation_rounds_follow_on_without_a_warm_up(repo: Path) -> None:
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        more = run_rounds(trees, Job('echo "$PERFGATE_ROUND"'), 2, user_env(), first=5, warm_up=False)
    assert [(r.index, r.side) for r in more] == list(schedule(6)[8:])
    assert [r.data for r in more] == [b"5\n", b"5\n", b"6\n", b"6\n"]


# --- results: stdout or a file, never a stale one --------------------------------------------------------------


def test_a_stale_results_file_is_removed_before_each_round(repo: Path) -> None:
    (repo / "out.txt").write_text("stale, from an earlier run\n")
    writes = 'echo "$PERFGATE_SIDE $PERFGATE_ROUND" > out.txt'
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        (trees.base / "out.txt").write_text("stale\n")
        rounds = run_rounds(trees, Job(writes, results="out.txt"), 2, user_env())
        assert {r.data for r in rounds} == {b"base 1\n", b"head 1\n", b"base 2\n", b"head 2\n"}
        skips_round_2 = f'test "$PERFGATE_ROUND" = 2 || {writes}'
        with pytest.raises(CommandFailed, match=r"did not write its results file out.txt") as error:
            run_rounds(trees, Job(skips_round_2, results="out.txt"), 2, user_env())
    assert (error.value.side, error.value.round) == ("head", 2)  # round 2 runs head first
    (repo / "out.txt").unlink(missing_ok=True)  # the failed round removed it
    (repo / "out.txt").mkdir()
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees, pytest.raises(CommandFailed) as error:
        run_rounds(trees, Job(writes, results="out.txt"), 1, user_env(), warm_up=False)
    assert str(error.value).startswith("head round 1: `echo")  # the base's out.txt is a file, the head's not
    assert "its results path out.txt is a directory" in str(error.value)


def test_a_results_path_outside_the_tree_is_refused() -> None:
    for path in ("/tmp/out.json", "../out.json", ""):
        with pytest.raises(ConfigError, match="must be a path inside the tree"):
            Job(("true",), results=path)


# --- failures -----------------------------------------------------------------------------------------------------


def test_a_failing_set_up_names_its_side_and_what_it_printed(repo: Path) -> None:
    setup = 'echo "building $PERFGATE_SIDE"; test "$PERFGATE_SIDE" = base || { echo "fatal: head broke" >&2; exit 2; }'
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees, pytest.raises(CommandFailed) as error:
        set_up(trees, setup, user_env())
    failed = error.value
    assert (failed.side, failed.round, failed.exit_code) == ("head", None, 3)
    assert str(failed).startswith(f"set-up of head: `{setup}` exited with status 2; it printed at the end:\n")
    assert failed.tail == "    building head\n    fatal: head broke"


def test_a_failing_round_names_side_round_command_and_the_tail_of_its_stderr(repo: Path) -> None:
    fails = 'if [ "$PERFGATE_SIDE $PERFGATE_ROUND" = "head 2" ]; then seq 1 30 >&2; exit 1; fi; echo ok'
    command = ("sh", "-c", fails)
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees, pytest.raises(CommandFailed) as error:
        run_rounds(trees, Job(command), 3, user_env())
    failed = error.value
    assert (failed.side, failed.round, failed.step) == ("head", 2, "head round 2")
    assert str(failed).startswith(f"head round 2: `sh -c '{fails}'` exited with status 1; it printed at the end:\n")
    assert failed.tail.split() == [str(n) for n in range(11, 31)]  # the last 20 lines


def test_a_round_that_fails_on_stdout_alone_is_quoted_from_stdout(repo: Path) -> None:
    go_like = "echo '--- FAIL: BenchmarkParse'; echo 'FAIL'; exit 1"  # `go test` reports failures on stdout
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees, pytest.raises(CommandFailed) as error:
        run_rounds(trees, Job(go_like), 1, user_env())
    assert error.value.tail == "    --- FAIL: BenchmarkParse\n    FAIL"


def test_a_round_killed_by_a_signal_or_not_found_says_so(repo: Path) -> None:
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        with pytest.raises(CommandFailed, match=r"base warm-up: `kill -9 \$\$` was killed by SIGKILL"):
            run_rounds(trees, Job("kill -9 $$"), 1, user_env())
        with pytest.raises(CommandFailed, match=r"base warm-up: `no-such-tool --bench` could not start: No such file"):
            run_rounds(trees, Job(("no-such-tool", "--bench")), 1, user_env())


# --- the {filter} placeholder ------------------------------------------------------------------------------------


def test_the_filter_placeholder_is_filled_or_given_its_default() -> None:
    argv = ("./bench", "--benchmark_filter={filter}", "-k", "{filter:}")
    assert filled(argv, None) == ("./bench", "--benchmark_filter=.*", "-k", "")
    assert filled(argv, "^BM_(a|b)$") == ("./bench", "--benchmark_filter=^BM_(a|b)$", "-k", "^BM_(a|b)$")
    assert filled("go test -bench {filter} -k {filter:}", None) == "go test -bench '.*' -k ''"
    assert filled("go test -bench={filter}", "A|B") == "go test -bench='A|B'"
    assert filled(("echo", "{}", "{filters}"), "x") == ("echo", "{}", "{filters}")
    assert as_command(["go test -bench . | tee out"]) == "go test -bench . | tee out"
    assert as_command(["./bench", "--x"]) == ("./bench", "--x")


# --- real tools ----------------------------------------------------------------------------------------------------


def test_a_hyperfine_round_with_its_json_results_file(tmp_path: Path) -> None:
    needs("hyperfine")
    repo, _, _ = make_repo(tmp_path / "r", {"work.sh": "sleep 0.01\n"}, {"work.sh": "sleep 0.06\n"})
    command = ("hyperfine", "-N", "--style", "none", "--runs", "3", "--export-json", "h.json", "sh work.sh")
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        parsed = _parsed(run_rounds(trees, Job(command, results="h.json"), 2, user_env()))
    assert {p.format for p in parsed.values()} == {"hyperfine"}
    for index in (1, 2):
        base, head = _medians(parsed["base", index]), _medians(parsed["head", index])
        assert list(base) == list(head) == ["sh work.sh"]
        assert (
            head["sh work.sh"] > base["sh work.sh"] + 0.015
        )  # the head's commit sleeps 50 ms longer (a loaded runner blurs some)


_GO = """
package work

import "testing"

var sink int

func work(n int) int { s := 0; for i := 0; i < n; i++ { s += i * i }; return s }

func BenchmarkWork(b *testing.B) { for i := 0; i < b.N; i++ { sink += work(SIZE) } }
func BenchmarkOther(b *testing.B) { for i := 0; i < b.N; i++ { sink += work(10) } }
"""


def test_a_go_test_bench_round_filtered_on_its_standard_output(tmp_path: Path) -> None:
    needs("go")
    mod = "module example.com/work\n\ngo 1.19\n"
    base = {"go.mod": mod, "work_test.go": _GO.replace("SIZE", "1000")}
    repo, _, _ = make_repo(tmp_path / "r", base, {"work_test.go": _GO.replace("SIZE", "20000")})
    command = ("go", "test", "-run", "^$", "-bench", "{filter}", "-benchtime", "2000x", "-count", "3")
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        every = _parsed(run_rounds(trees, Job(command), 1, user_env()))
        only = _parsed(run_rounds(trees, Job(command), 1, user_env(), pattern="^BenchmarkWork$"))
    assert {p.format for p in every.values()} == {"go-bench"}
    assert sorted(_medians(every["head", 1])) == ["BenchmarkOther", "BenchmarkWork"]
    assert list(_medians(only["base", 1])) == list(_medians(only["head", 1])) == ["BenchmarkWork"]
    assert _medians(every["head", 1])["BenchmarkWork"] > 5 * _medians(every["base", 1])["BenchmarkWork"]


_PYTEST = """
def slow():
    return sum(i * i for i in range(SIZE))

def test_slow(benchmark):
    benchmark(slow)

def test_fast(benchmark):
    benchmark(lambda: None)
"""


def test_a_pytest_benchmark_round_with_results_and_a_keyword_filter(tmp_path: Path) -> None:
    base = {"pytest.ini": "[pytest]\n", "test_bench.py": _PYTEST.replace("SIZE", "200")}
    repo, _, _ = make_repo(tmp_path / "r", base, {"test_bench.py": _PYTEST.replace("SIZE", "20000")})
    timing = ("--benchmark-min-rounds=5", "--benchmark-max-time=0.02", "--benchmark-warmup=off")
    command = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "{filter:}", *timing)
    job = Job((*command, "--benchmark-json=bench.json"), results="bench.json")
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        every = _parsed(run_rounds(trees, job, 1, user_env()))
        only = _parsed(run_rounds(trees, job, 1, user_env(), pattern="test_slow", warm_up=False))
    assert {p.format for p in every.values()} == {"pytest-benchmark"}
    assert sorted(_medians(every["base", 1])) == ["test_fast", "test_slow"]
    assert list(_medians(only["base", 1])) == list(_medians(only["head", 1])) == ["test_slow"]
    assert _medians(every["head", 1])["test_slow"] > 10 * _medians(every["base", 1])["test_slow"]


_GOOGLE = """
#include <benchmark/benchmark.h>
static int work(int n) { int s = 0; for (int i = 0; i < n; ++i) benchmark::DoNotOptimize(s += i); return s; }
static void BM_Work(benchmark::State& state) { for (auto _ : state) work(SIZE); }
static void BM_Other(benchmark::State& state) { for (auto _ : state) work(10); }
BENCHMARK(BM_Work);
BENCHMARK(BM_Other);
BENCHMARK_MAIN();
"""


def test_a_google_benchmark_binary_built_by_the_set_up_in_each_tree(tmp_path: Path) -> None:
    needs("g++")
    base = {"bench.cc": _GOOGLE.replace("SIZE", "100"), ".gitignore": "bench\n"}
    repo, _, _ = make_repo(tmp_path / "r", base, {"bench.cc": _GOOGLE.replace("SIZE", "5000")})
    setup = 'g++ -O2 -o bench bench.cc -lbenchmark -lpthread && echo "$PERFGATE_SIDE" > built-for'
    command = ("./bench", "--benchmark_format=json", "--benchmark_min_time=0.01", "--benchmark_filter={filter}")
    with checkout(repo, resolve_base(repo, None, "main").commit) as trees:
        set_up(trees, setup, user_env())
        assert [(trees.of(s) / "built-for").read_text() for s in ("base", "head")] == ["base\n", "head\n"]
        every = _parsed(run_rounds(trees, Job(command), 2, user_env()))
        only = _parsed(run_rounds(trees, Job(command), 1, user_env(), pattern="^BM_Work$", first=3, warm_up=False))
    assert {p.format for p in every.values()} == {"google-benchmark"}
    assert sorted(_medians(every["base", 2])) == ["BM_Other", "BM_Work"]
    assert list(_medians(only["head", 3])) == ["BM_Work"]
    for index in (1, 2):
        assert _medians(every["head", index])["BM_Work"] > 5 * _medians(every["base", index])["BM_Work"]


def test_results_read_from_bytes_are_named_by_their_round() -> None:
    with pytest.raises(InputError, match=r"^head round 2: unrecognised results"):
        formats.read_bytes(b"no benchmark here\n", "head round 2")


def test_trees_name_each_sides_directory(tmp_path: Path) -> None:
    trees = Trees(base=tmp_path / "b", head=tmp_path / "h")
    assert (trees.of("base"), trees.of("head")) == (tmp_path / "b", tmp_path / "h")
