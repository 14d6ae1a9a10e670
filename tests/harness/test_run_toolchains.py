"""`perfgate run` through the command line with the compiled toolchains of docs/run.md's recipes: `go test -bench`
on its standard output, and a Google Benchmark binary that --setup builds in each tree (g++ and libbenchmark-dev).
The head's benchmark does far more work than the base's, so the paired test must call it a regression."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .repos import make_repo, needs, user_env, worktrees

PERFGATE = (sys.executable, "-m", "perfgate")
ROUNDS = "6"  # the signed-rank test's smallest p, 1/64, still passes Benjamini-Hochberg over two benchmarks

_GO = """
package work

import "testing"

var sink int

func work(n int) int { s := 0; for i := 0; i < n; i++ { s += i * i }; return s }

func BenchmarkWork(b *testing.B) { for i := 0; i < b.N; i++ { sink += work(SIZE) } }
func BenchmarkOther(b *testing.B) { for i := 0; i < b.N; i++ { sink += work(10) } }
"""

_GOOGLE = """
#include <benchmark/benchmark.h>
static int work(int n) { int s = 0; for (int i = 0; i < n; ++i) benchmark::DoNotOptimize(s += i); return s; }
static void BM_Work(benchmark::State& state) { for (auto _ : state) work(SIZE); }
static void BM_Other(benchmark::State& state) { for (auto _ : state) work(10); }
BENCHMARK(BM_Work);
BENCHMARK(BM_Other);
BENCHMARK_MAIN();
"""


def _run(repo: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    done = subprocess.run(
        [*PERFGATE, "run", "--rounds", ROUNDS, "--output-format", "json", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=user_env(),
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    verdicts = {c["name"]: c["verdict"] for c in report["series"] if c["metric"] in ("time", "real_time")}
    assert any(note.startswith(f"paired: {ROUNDS} interleaved rounds in one job") for note in report["notes"])
    assert worktrees(repo) == [f"worktree {repo}"]
    return done, verdicts


def test_go_test_bench_in_both_trees(tmp_path: Path) -> None:
    needs("go")
    base = {"go.mod": "module example.com/work\n\ngo 1.19\n", "work_test.go": _GO.replace("SIZE", "1000")}
    repo, _, _ = make_repo(tmp_path / "r", base, {"work_test.go": _GO.replace("SIZE", "20000")})
    done, verdicts = _run(repo, "--", "go", "test", "-run", "^$", "-bench", ".", "-benchtime", "2000x", "-count", "3")
    assert done.returncode == 1 and verdicts["BenchmarkWork"] == "regression"


def test_a_google_benchmark_binary_built_by_the_setup(tmp_path: Path) -> None:
    needs("g++")
    base = {"bench.cc": _GOOGLE.replace("SIZE", "100"), ".gitignore": "bench\n"}
    repo, _, _ = make_repo(tmp_path / "r", base, {"bench.cc": _GOOGLE.replace("SIZE", "5000")})
    setup = "g++ -O2 -o bench bench.cc -lbenchmark -lpthread"
    command = ("./bench", "--benchmark_format=json", "--benchmark_min_time=0.01", "--benchmark_repetitions=3")
    done, verdicts = _run(repo, "--setup", setup, "--", *command)
    assert done.returncode == 1 and verdicts["BM_Work"] == "regression"
