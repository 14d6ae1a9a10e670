"""docs/run-recipes.md's recipes, run as written: each `perfgate run` command line is read from the page (the fenced
block after `<!-- recipe: NAME -->`) and run on a two-commit repository with the real tool, whose head's benchmark
does far more work than the base's. The page's Action steps must run the same commands. Fewer rounds than the
page's default keep the tests short; the few other changes (shorter benchmark times, no network) are made to
exact arguments that must be on the page, and the page names them."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .repos import Files, make_repo, needs, user_env, worktrees
from .test_run_toolchains import _GO, _GOOGLE

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "run-recipes.md"
PERFGATE = (sys.executable, "-m", "perfgate")
HERE = Path(__file__).parent
WHEELS = (ROOT / ".wheelhouse", ROOT / ".wheelhouse" / "recipes")  # scripts/test-deps.sh fetches them
NODE_MODULES = HERE / "js" / "node_modules"  # scripts/test-deps.sh installs them
CRITERION = HERE / "rust" / "criterion"  # the crate; scripts/test-deps.sh builds criterion once, in CARGO_TARGET
CARGO_TARGET = ROOT / ".cargo-target"
# Enough for the paired test to fail the gate over two benchmarks (its smallest p is 2^-rounds, and Benjamini-Hochberg
# asks one regression among two for p <= 0.025); recipes whose rounds take seconds (a tool that starts slowly, or
# measures until its timings settle) run the fewest rounds allowed, and show a large change instead.
FAILING_ROUNDS = 6
FEWEST_ROUNDS = 3


@dataclass(frozen=True)
class Recipe:
    argv: tuple[str, ...]  # what follows `perfgate run`
    action: Mapping[str, str]  # the Action step's `with:`

    def option(self, name: str) -> str | None:
        options = self.argv[: self.argv.index("--")]
        return options[options.index(name) + 1] if name in options else None

    @property
    def command(self) -> tuple[str, ...]:
        return self.argv[self.argv.index("--") + 1 :]


def _recipes() -> dict[str, Recipe]:
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- recipe(-action)?: ([\w-]+) -->\n```(?:sh|yaml)\n(.*?)```", text, re.DOTALL)
    # `\` at the end of a line continues it, as in sh
    lines = {name: shlex.split(body.replace("\\\n", " ")) for action, name, body in blocks if not action}
    steps = {name: yaml.safe_load(body)[0] for action, name, body in blocks if action}
    assert lines.keys() == steps.keys(), "every recipe has its Action step"
    assert all(argv[:2] == ["perfgate", "run"] and "--" in argv for argv in lines.values()), lines
    return {name: Recipe(tuple(argv[2:]), steps[name]["with"]) for name, argv in lines.items()}


RECIPES = _recipes()
# Arguments on the page, and what the test runs instead.
Change = tuple[tuple[str, ...], tuple[str, ...]]


def _changed(argv: Sequence[str], old: Sequence[str], new: Sequence[str]) -> list[str]:
    """``argv`` with the run of arguments ``old``, which must be in it once, replaced by ``new``."""
    starts = [i for i in range(len(argv)) if tuple(argv[i : i + len(old)]) == tuple(old)]
    assert len(starts) == 1, f"{old} is not on the page once: {argv}"
    return [*argv[: starts[0]], *new, *argv[starts[0] + len(old) :]]


def _run(
    name: str,
    repo: Path,
    rounds: int,
    changes: Sequence[Change] = (),
    env: Mapping[str, str] = {},
) -> tuple[int, dict[str, tuple[str, float]]]:
    """The recipe run in ``repo``: the exit status, and each timing series' verdict and change."""
    argv = list(RECIPES[name].argv)
    for old, new in changes:
        argv = _changed(argv, old, new)
    done = subprocess.run(
        [*PERFGATE, "run", "--rounds", str(rounds), "--output-format", "json", *argv],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**user_env(), **env},
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert any(note.startswith(f"paired: {rounds} interleaved rounds in one job") for note in report["notes"])
    assert any(note.endswith("with no uncommitted changes") for note in report["notes"]), report["notes"]
    assert worktrees(repo) == [f"worktree {repo}"]
    timing = {"time", "real_time", "throughput"}
    return done.returncode, {s["name"]: (s["verdict"], s["change"]) for s in report["series"] if s["metric"] in timing}


def _repo(tmp_path: Path, base: Files, head: Files) -> Path:
    return make_repo(tmp_path / "r", base, head)[0]


# --- the page ----------------------------------------------------------------------------------------------------


TESTED = ("python", "go", "rust-criterion", "rust-libtest", "node-vitest", "node-benchmarkjs", "cpp", "hyperfine")


def test_every_recipe_is_tested_and_linked() -> None:
    assert sorted(RECIPES) == sorted(TESTED)
    assert "(run-recipes.md)" in (ROOT / "docs" / "run.md").read_text(encoding="utf-8")
    assert "(docs/run-recipes.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", TESTED)
def test_the_action_step_runs_the_command_lines_commands(name: str) -> None:
    """`run` is one shell command line, `{filter}` unquoted in it; the command line's is its arguments."""
    recipe = RECIPES[name]
    assert recipe.action["mode"] == "ab"
    assert shlex.split(recipe.action["run"]) == list(recipe.command)
    assert recipe.action.get("setup") == recipe.option("--setup")
    assert recipe.action.get("results") == recipe.option("--results")


# --- the recipes, run ----------------------------------------------------------------------------------------------

_PYPROJECT = """
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "work"
version = "0"

[tool.pytest.ini_options]
addopts = "-p no:cacheprovider --benchmark-max-time=0.05 --benchmark-min-rounds=10 --benchmark-warmup=off"
"""
_PY_BENCH = """
from work import work

def test_work(benchmark):
    benchmark(work)

def test_other(benchmark):
    benchmark(sum, range(10))
"""


def test_python_pytest_benchmark_with_a_virtual_environment_per_tree(tmp_path: Path) -> None:
    base = {
        "pyproject.toml": _PYPROJECT,
        "work/__init__.py": "def work():\n    return sum(i * i for i in range(200))\n",
        "benchmarks/test_work.py": _PY_BENCH,
        ".gitignore": ".venv/\n",
    }
    repo = _repo(tmp_path, base, {"work/__init__.py": "def work():\n    return sum(i * i for i in range(20000))\n"})
    missing = [w for w in WHEELS if not w.is_dir()]
    assert not missing, f"{missing} missing: run scripts/test-deps.sh (the tests never reach PyPI)"
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": " ".join(map(str, WHEELS)), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    status, series = _run("python", repo, FEWEST_ROUNDS, env=offline)
    assert status == 0  # 3 rounds cannot fail the gate: their smallest p is 1/8
    assert series.keys() == {"test_work", "test_other"}
    assert series["test_work"][1] > 10  # a change of +1000 % and more


def test_go_test_bench_built_once_per_tree(tmp_path: Path) -> None:
    needs("go")
    base = {"go.mod": "module example.com/work\n\ngo 1.19\n", "work_test.go": _GO.replace("SIZE", "1000")}
    repo = _repo(tmp_path, {**base, ".gitignore": "bench.test\n"}, {"work_test.go": _GO.replace("SIZE", "20000")})
    quick: Change = (("-test.benchtime", "1s", "-test.count", "5"), ("-test.benchtime", "2000x", "-test.count", "3"))
    status, series = _run("go", repo, FAILING_ROUNDS, (quick,))
    assert status == 1
    assert series.keys() == {"BenchmarkWork", "BenchmarkOther"}
    assert series["BenchmarkWork"][0] == "regression"


def _crate(lib: str, files: Files) -> Files:
    return {**files, "src/lib.rs": lib, ".gitignore": "target/\n"}


def test_rust_criterion_in_bencher_format(tmp_path: Path) -> None:
    needs("cargo")
    assert (CARGO_TARGET / "release").is_dir(), (
        f"{CARGO_TARGET} missing: run scripts/test-deps.sh (criterion, built once)"
    )
    names = ("Cargo.toml", "Cargo.lock", ".cargo/config.toml", "benches/work.rs", "src/lib.rs")
    files = {name: (CRITERION / name).read_text() for name in names}
    lib = files["src/lib.rs"]
    assert "(0..n)" in lib
    repo = _repo(tmp_path, _crate(lib, files), _crate(lib.replace("(0..n)", "(0..n * 20)"), {}))
    # Each tree's target/ starts with criterion built once (in each, it takes minutes); then only `work` is built.
    seeded: Change = (
        ("--setup", "cargo bench --no-run"),
        ("--setup", f"cp -a {CARGO_TARGET} target && cargo bench --no-run"),
    )
    status, series = _run("rust-criterion", repo, FAILING_ROUNDS, (seeded,), {"CARGO_NET_OFFLINE": "true"})
    assert status == 1
    assert series.keys() == {"work", "other"}
    assert series["work"][0] == "regression"


_LIBTEST = """
#![feature(test)]
extern crate test;

pub fn work(n: u64) -> u64 {
    (0..n).fold(0, |s, i| test::black_box(s + i * i))
}

#[bench]
fn bench_work(b: &mut test::Bencher) { b.iter(|| work(SIZE)) }

#[bench]
fn bench_other(b: &mut test::Bencher) { b.iter(|| work(10)) }
"""


def test_rust_libtest_bench_on_nightly(tmp_path: Path) -> None:
    needs("cargo")
    toolchains = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True, check=True).stdout
    assert "nightly" in toolchains, "no nightly toolchain: rustup toolchain install nightly --profile minimal"
    manifest = '[package]\nname = "work"\nversion = "0.1.0"\nedition = "2021"\n'
    base = _crate(_LIBTEST.replace("SIZE", "100"), {"Cargo.toml": manifest})
    repo = _repo(tmp_path, base, {"src/lib.rs": _LIBTEST.replace("SIZE", "5000")})
    # libtest measures each benchmark until its timings settle, seconds on a busy machine: the fewest rounds.
    status, series = _run("rust-libtest", repo, FEWEST_ROUNDS, env={"CARGO_NET_OFFLINE": "true"})
    assert status == 0  # 3 rounds cannot fail the gate
    assert series.keys() == {"bench_work", "bench_other"}
    assert series["bench_work"][1] > 10


def _node(files: Files) -> Files:
    package = {name: (HERE / "js" / name).read_text() for name in ("package.json", "package-lock.json")}
    return {**package, **files, ".gitignore": "node_modules\n"}


# The page's `npm ci` would reach the registry: link the node_modules that scripts/test-deps.sh installed instead.
_LINKED: Change = (("--setup", "npm ci"), ("--setup", f"ln -s {shlex.quote(str(NODE_MODULES))} node_modules"))

_VITEST = """
import { bench } from 'vitest'

function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i * i; return s }

bench('work', () => { work(SIZE) }, { time: 50, warmupTime: 10 })
bench('other', () => { work(10) }, { time: 50, warmupTime: 10 })
"""


def test_node_vitest_bench(tmp_path: Path) -> None:
    needs("node", "npm")
    assert (NODE_MODULES / "vitest").is_dir(), f"{NODE_MODULES} lacks vitest: run scripts/test-deps.sh"
    base = _node({"work.bench.js": _VITEST.replace("SIZE", "100")})
    repo = _repo(tmp_path, base, {"work.bench.js": _VITEST.replace("SIZE", "10000")})
    status, series = _run("node-vitest", repo, FEWEST_ROUNDS, (_LINKED,))
    assert status == 0  # 3 rounds cannot fail the gate
    assert series.keys() == {"work.bench.js > work", "work.bench.js > other"}
    assert series["work.bench.js > work"][1] > 10


_BENCHMARKJS = """
import Benchmark from 'benchmark'

function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i * i; return s }

new Benchmark.Suite()
  .add('work', () => work(SIZE), { maxTime: 0.1 })
  .add('other', () => work(10), { maxTime: 0.1 })
  .on('cycle', (event) => console.log(String(event.target)))
  .run()
"""


def test_node_benchmarkjs(tmp_path: Path) -> None:
    needs("node", "npm")
    assert (NODE_MODULES / "benchmark").is_dir(), f"{NODE_MODULES} lacks benchmark: run scripts/test-deps.sh"
    base = _node({"bench.js": _BENCHMARKJS.replace("SIZE", "100")})
    repo = _repo(tmp_path, base, {"bench.js": _BENCHMARKJS.replace("SIZE", "10000")})
    status, series = _run("node-benchmarkjs", repo, FAILING_ROUNDS, (_LINKED,))
    assert status == 1
    assert series.keys() == {"work", "other"}
    assert series["work"][0] == "regression"


def test_cpp_google_benchmark(tmp_path: Path) -> None:
    needs("g++")
    base = {"bench.cc": _GOOGLE.replace("SIZE", "100"), ".gitignore": "bench\n"}
    repo = _repo(tmp_path, base, {"bench.cc": _GOOGLE.replace("SIZE", "5000")})
    quick: Change = (("--benchmark_repetitions=5",), ("--benchmark_repetitions=3", "--benchmark_min_time=0.01"))
    status, series = _run("cpp", repo, FAILING_ROUNDS, (quick,))
    assert status == 1
    assert series.keys() == {"BM_Work", "BM_Other"}
    assert series["BM_Work"][0] == "regression"


_TOOL = """
#include <stdio.h>
int main(int argc, char **argv) {
    FILE *in = fopen(argv[1], "rb");
    int c, sum = 0;
    while ((c = fgetc(in)) != EOF) for (volatile int i = 0; i < SIZE; ++i) sum += c;
    printf("%d\\n", sum);
    return 0;
}
"""


def test_hyperfine_times_a_program_the_setup_builds(tmp_path: Path) -> None:
    needs("hyperfine", "make", "cc")
    base = {
        "Makefile": "tool: tool.c\n\tcc -O2 -o tool tool.c\n",
        "tool.c": _TOOL.replace("SIZE", "1000"),
        "input.txt": "x" * 1000 + "\n",
        ".gitignore": "tool\n",
    }
    repo = _repo(tmp_path, base, {"tool.c": _TOOL.replace("SIZE", "20000")})
    status, series = _run("hyperfine", repo, FAILING_ROUNDS)
    assert status == 1
    assert series.keys() == {"./tool input.txt"}
    assert series["./tool input.txt"][0] == "regression"
