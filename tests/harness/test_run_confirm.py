"""`perfgate run --confirm` through the real command line on a real two-commit repository: a benchmark program in the
repository (a Python script printing `go test -bench` lines, honouring a -bench expression as go does) whose
BenchmarkNoisy is worse in the head by a little more than the allowance, in rounds that disagree, so that the first
rounds leave it `suspected`. Each run of the program appends the side, the round and the -bench expression it was
given to a log outside the repository: which series each round was asked for."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from .repos import make_repo, needs, user_env, worktrees

PERFGATE = (sys.executable, "-m", "perfgate")

# Per round (PERFGATE_ROUND, from 1), the head's BenchmarkNoisy against the base's, in percent. "steady": every
# round more than the 2 % allowed (4 rounds cannot prove it, their smallest p is 1/16; 8 can). "doubtful": worse
# on the whole, but a third of the rounds are better: no number of these rounds proves it.
_BENCH = """
import os, re, sys, time

STEADY = [5, 4, 6, 5, 4.5, 5.5, 5, 6, 4, 5, 5.5, 4.5]
DOUBTFUL = [8, -3, 8, 7, -3, 8, 7, -2, 8, 7, -3, 8]
SLOWER = {SLOWER}

args = dict(a.lstrip("-").split("=", 1) for a in sys.argv[1:])
side, index = os.environ["PERFGATE_SIDE"], int(os.environ["PERFGATE_ROUND"])
with open(args["log"], "a") as log:
    log.write(f"{side} {index} {args['bench']}\\n")
if index > int(args.get("hang_after", "1000")):
    with open(args["pid"] + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.rename(args["pid"] + ".tmp", args["pid"])
    time.sleep(60)
if index > int(args.get("fail_after", "1000")):
    sys.exit("bench.py: out of memory")
time.sleep(float(args.get("sleep", "0")))
pattern = re.compile(args["bench"])
shift = (DOUBTFUL if args.get("mode") == "doubtful" else STEADY)[(index - 1) % 12] if index else 0
work = {"BenchmarkSame": 1000.0, "BenchmarkNoisy": 2000.0 * (1 + SLOWER * shift / 100), "BenchmarkFast": 3000.0}
print("goos: linux")
for name, ns in work.items():
    if pattern.search(name):
        for k in (-2, -1, 0, 1, 2):
            print(f"{name}-8   \\t    1000\\t      {ns * (1 + k / 1000):.1f} ns/op")
print("PASS")
"""


def _repo(where: Path) -> Path:
    made, _, _ = make_repo(
        where, {"bench.py": _BENCH.replace("{SLOWER}", "0")}, {"bench.py": _BENCH.replace("{SLOWER}", "1")}
    )
    return made


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return _repo(tmp_path / "r")


def _perfgate(
    repo: Path, log: Path, *args: str, bench: str = "-bench={filter}", mode: str = "steady", extra: tuple[str, ...] = ()
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    command = (sys.executable, "bench.py", bench, f"log={log}", f"mode={mode}", *extra)
    done = subprocess.run(
        [*PERFGATE, "run", "--rounds", "4", "--max-regression", "2%", "--output-format", "json", *args, "--", *command],
        cwd=repo,
        capture_output=True,
        text=True,
        env=user_env(),
        timeout=300,
        check=False,
    )
    assert worktrees(repo) == [f"worktree {repo}"]
    report = json.loads(done.stdout) if done.stdout.startswith("{") else {}
    return done, report


def _asked(log: Path) -> dict[int, set[str]]:
    """Per round, the -bench expressions both sides were given."""
    asked: dict[int, set[str]] = {}
    for line in log.read_text().splitlines():
        _, index, bench = line.split(" ", 2)
        asked.setdefault(int(index), set()).add(bench)
    return asked


def _series(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in report["series"]}


def test_only_the_series_in_doubt_gets_more_rounds_and_fails_when_they_prove_it(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    done, report = _perfgate(repo, log, "--confirm")
    assert done.returncode == 1, done.stdout + done.stderr
    assert _asked(log) == {
        **{index: {".*"} for index in range(5)},  # the warm-up and the first 4 rounds: every benchmark
        **{index: {"^(BenchmarkNoisy)$"} for index in range(5, 9)},  # a look at 8 rounds: proved
    }
    series = _series(report)
    assert series["BenchmarkNoisy"]["verdict"] == "regression"
    assert "8 rounds, paired" in str(series["BenchmarkNoisy"]["reason"])
    assert (series["BenchmarkSame"]["verdict"], series["BenchmarkFast"]["verdict"]) == ("unchanged", "unchanged")
    assert "4 rounds, paired" in str(series["BenchmarkSame"]["reason"])
    notes = report["notes"]
    assert "paired: 4 to 8 interleaved rounds in one job, each round's head/base ratio a pair" in notes
    assert "confirmed: 1 series got 4 more rounds (looks at 4/8/12, Pocock spending): BenchmarkNoisy" in notes
    assert any(str(n).startswith("confirm: a series fails at a look when its q is at most") for n in notes)


def test_without_confirm_the_same_rounds_leave_it_suspected(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    done, report = _perfgate(repo, log)
    assert done.returncode == 0, done.stdout + done.stderr
    assert max(_asked(log)) == 4
    assert _series(report)["BenchmarkNoisy"]["verdict"] == "suspected"


def test_a_series_still_in_doubt_at_max_rounds_stays_suspected(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    done, report = _perfgate(repo, log, "--confirm", "--max-rounds", "8", mode="doubtful")
    assert done.returncode == 0, done.stdout + done.stderr
    assert max(_asked(log)) == 8
    assert _asked(log)[8] == {"^(BenchmarkNoisy)$"}
    assert _series(report)["BenchmarkNoisy"]["verdict"] == "suspected"
    assert "8 rounds, paired" in str(_series(report)["BenchmarkNoisy"]["reason"])
    notes = report["notes"]
    assert "confirmed: 1 series got 4 more rounds (looks at 4/8, Pocock spending): BenchmarkNoisy" in notes
    assert "confirm: 1 series still in doubt after 8 rounds (the last look) stays suspected" in notes


def test_the_time_budget_stops_before_a_batch_that_would_end_after_it(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    # Ten runs of at least 0.3 s before the first look; the next batch (eight runs) would end well after 4 s.
    done, report = _perfgate(repo, log, "--confirm", "--time-budget", "4s", extra=("sleep=0.3",))
    assert done.returncode == 0, done.stdout + done.stderr
    assert max(_asked(log)) == 4
    assert _series(report)["BenchmarkNoisy"]["verdict"] == "suspected"
    notes = [str(n) for n in report["notes"]]
    assert any(n.startswith("confirm: --time-budget 4 s stopped it: the next batch would take about ") for n in notes)
    assert "confirm: 1 series still in doubt after 4 rounds (look 1 of 3) stays suspected" in notes
    assert "confirmed: no series was in doubt after 4 rounds" not in " ".join(notes)


def test_without_a_placeholder_the_whole_command_reruns_and_only_the_doubtful_results_count(
    repo: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    done, report = _perfgate(repo, log, "--confirm", bench="-bench=.")
    assert done.returncode == 1, done.stdout + done.stderr
    assert _asked(log) == {index: {"."} for index in range(9)}
    series = _series(report)
    assert "8 rounds, paired" in str(series["BenchmarkNoisy"]["reason"])
    assert "4 rounds, paired" in str(series["BenchmarkSame"]["reason"])  # its rounds 5-8 were not used
    assert (
        "confirm: COMMAND has no {filter} placeholder: its extra rounds ran every benchmark, and only the results "
        "of the series in doubt were used"
    ) in report["notes"]


def test_confirm_usage_errors_are_exit_2(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    fewer, _ = _perfgate(repo, log, "--confirm", "--max-rounds", "3")
    assert (fewer.returncode, fewer.stdout) == (2, "")
    assert fewer.stderr == (
        "perfgate: error: --max-rounds must be at least --rounds (4), not 3: it is the most rounds a series in doubt "
        "may get, the first ones included\n"
    )
    alone, _ = _perfgate(repo, log, "--max-rounds", "8")
    assert alone.returncode == 2 and "give --confirm too" in alone.stderr
    bad, _ = _perfgate(repo, log, "--confirm", "--time-budget", "soon")
    assert bad.returncode == 2 and "expected a duration like '90s', '15m' or '1h30m', got 'soon'" in bad.stderr
    assert not log.exists()  # nothing ran


def test_a_failing_confirm_round_is_exit_3_naming_it(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "log"
    done, _ = _perfgate(repo, log, "--confirm", extra=("fail_after=4",))
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr.startswith("perfgate: error: head round 5: `")  # round 5 runs BA: the head first
    assert done.stderr.endswith("    bench.py: out of memory\n")


def test_ctrl_c_during_confirm_rounds_exits_130_and_removes_the_worktree(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "confirm-ctrl-c")  # a name of its own: the base's worktree is found by it
    log, marker = tmp_path / "log", tmp_path / "pid"
    command = (sys.executable, "bench.py", "-bench={filter}", f"log={log}", "hang_after=4", f"pid={marker}")
    child = subprocess.Popen(
        [*PERFGATE, "run", "--rounds", "4", "--max-regression", "2%", "--confirm", "--", *command],
        cwd=repo,
        env=user_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "no confirm round started"
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
        child.wait()
    assert (child.returncode, stdout) == (130, b"")
    assert stderr == b"perfgate: interrupted; the base's worktree was removed\n"
    assert worktrees(repo) == [f"worktree {repo}"]
    assert not list(Path(tempfile.gettempdir()).glob(f"perfgate-base-*/{repo.name}"))
    assert _asked(log)[5] == {"^(BenchmarkNoisy)$"}
    with pytest.raises(ProcessLookupError):  # the confirm round was killed, not left sleeping
        os.kill(int(marker.read_text()), 0)


def test_a_go_expression_from_the_names_selects_those_sub_benchmarks_in_real_go(tmp_path: Path) -> None:
    """filters.pattern for go-bench, handed to a real `go test -bench`: two sub-benchmarks of two benchmarks."""
    needs("go")
    from perfgate.formats import filters

    (tmp_path / "go.mod").write_text("module example.com/work\n\ngo 1.19\n")
    (tmp_path / "work_test.go").write_text(
        'package work\n\nimport "testing"\n\n'
        "func sizes(b *testing.B) {\n"
        '\tfor _, n := range []string{"small", "large"} {\n'
        "\t\tb.Run(n, func(b *testing.B) { for i := 0; i < b.N; i++ {} })\n\t}\n}\n\n"
        "func BenchmarkA(b *testing.B) { sizes(b) }\nfunc BenchmarkB(b *testing.B) { sizes(b) }\n"
        "func BenchmarkC(b *testing.B) { sizes(b) }\n"
    )
    expression = filters.pattern("go-bench", ["BenchmarkA/small", "BenchmarkB/small"])
    assert expression == "^(BenchmarkA|BenchmarkB)$/^(small)$"
    done = subprocess.run(
        ["go", "test", "-run", "^$", "-bench", expression, "-benchtime", "10x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**user_env(), "GOFLAGS": "-mod=mod"},
        timeout=300,
        check=True,
    )
    ran = sorted(line.split()[0].rsplit("-", 1)[0] for line in done.stdout.splitlines() if line.startswith("Benchmark"))
    assert ran == ["BenchmarkA/small", "BenchmarkB/small"]


def test_real_go_test_bench_reruns_only_the_benchmark_in_doubt(tmp_path: Path) -> None:
    """Six rounds of a 20x slower BenchmarkWork: every round worse, p = 1/64, which Benjamini-Hochberg over the two
    benchmarks makes q = 0.031, beyond the first look's 0.0226: in doubt, so six more rounds of it alone decide."""
    needs("go")
    from .test_run_toolchains import _GO

    base = {"go.mod": "module example.com/work\n\ngo 1.19\n", "work_test.go": _GO.replace("SIZE", "1000")}
    repo, _, _ = make_repo(tmp_path / "r", base, {"work_test.go": _GO.replace("SIZE", "20000")})
    log = tmp_path / "log"
    command = (
        f"echo \"$PERFGATE_ROUND\" {{filter}} >> {log}; go test -run '^$' -bench {{filter}} -benchtime 2000x -count 3"
    )
    done = subprocess.run(
        [*PERFGATE, "run", "--rounds", "6", "--confirm", "--output-format", "json", "--", command],
        cwd=repo,
        capture_output=True,
        text=True,
        env=user_env(),
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    series = _series(json.loads(done.stdout))
    assert series["BenchmarkWork"]["verdict"] == "regression"
    assert "12 rounds, paired" in series["BenchmarkWork"]["reason"]
    asked = [line.split(" ", 1) for line in log.read_text().splitlines()]
    assert {bench for index, bench in asked if int(index) <= 6} == {".*"}
    # Each later round reruns exactly the series still in doubt at its look. BenchmarkOther is unchanged, so it
    # is usually decided at the first look, but on a loaded machine it can stay in doubt too: then it reruns as well.
    rounds = {name: int(re.findall(r"(\d+) rounds", s["reason"])[0]) for name, s in series.items()}
    for index, bench in asked:
        if int(index) > 6:
            assert set(bench.strip()[2:-2].split("|")) == {name for name, n in rounds.items() if n >= int(index)}
    assert any(int(index) > 6 for index, _ in asked)
    assert worktrees(repo) == [f"worktree {repo}"]
