"""Same-job A/B with real tools on this machine: a Google Benchmark binary, a noisy neighbour, perfgate's CLI.

Run by hand:  python benchmarks/ab_real.py [--prs N] [--quick] [--only METHODS] [--steal] [--seed S]
(8 PRs a cell: about 20 minutes on a quiet 2-core machine, an hour and more at a load of 12; --quick: 2 PRs a
cell). Needs g++, gcc, libbenchmark-dev, taskset and git. --tabulate DIR re-prints the table of a run kept with --keep.

The benchmark is a C++ Google Benchmark binary (g++ -O2 ... -lbenchmark -lpthread) pinned to core 0 with
``taskset``; each round is one run of it (``--benchmark_repetitions`` of a few ``--benchmark_min_time``, about
0.3 s). It holds two benchmarks doing random reads of an 8 MiB buffer: ``BM_Changed``, whose amount of work the
pull request raises by k % (+0 = A/A, +3, +5, +10: a real edit of a constant in bench.cc, compiled), and
``BM_Unchanged``, which no pull request touches. A neighbour process, pinned to the other core, streams through
64 MiB of memory for a share of every 2 ms: each job draws its own mean share (jobs differ), and the neighbour
draws a new share around it every 150-450 ms (load varies within a job). ``--steal`` adds a second neighbour on
the benchmark's own core that spins for up to 30 % of it, in the same way. The machine's two cores are shared
with other work, so this is a genuinely noisy shared runner, not a lab.

Each pull request, with δ = 2 % (``--max-regression 2%``) and q = 0.05, through the command line:

- history: 5 "main jobs" (each its own neighbour level) recorded with ``perfgate ingest`` into a SQLite
  database, then the PR job's file compared with ``perfgate compare FILE --against main`` (the Action today);
- pooled: one job, 6 interleaved rounds per side (perfgate run's order, AB BA BA AB BA AB, after one warm-up
  round per side, discarded), each round its own file, ``perfgate compare --base 'a*' --head 'b*'``;
- paired: the same files, ``perfgate compare --paired``;
- run: ``perfgate run --base HEAD~1`` (10 rounds) on a two-commit git repository, its setup compiling each tree;
- confirm: the same with ``--confirm`` (only when ``perfgate run --help`` offers it; else "n/a").

A series whose verdict is ``regression`` fails; a benchmark is caught when either of its series (real_time,
cpu_time) fails, and "suspected" when none fails but one is ``suspected``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

EFFECTS = (0, 3, 5, 10)  # % more work in the head's BM_Changed
WORK = 200_000  # random reads per iteration of either benchmark, before the change
DELTA = "2%"
REPETITIONS, MIN_TIME = 5, "0.02"  # per round: 2 benchmarks x 5 x 0.02 s of timing, ~0.3 s with start-up
HISTORY_JOBS, POOLED_ROUNDS, RUN_ROUNDS = 5, 6, 10
CORE, NEIGHBOUR_CORE = "0", "1"
CHANGED, UNCHANGED = "BM_Changed", "BM_Unchanged"
BUILD = "g++ -O2 -o bench bench.cc -lbenchmark -lpthread"
METHODS = ("history", "pooled", "paired", "run", "confirm")
LABELS = {
    "history": "against 5 recorded main jobs (`compare FILE --against main`, the Action today)",
    "pooled": "one job, 6 interleaved rounds per side, pooled (`compare --base 'a*' --head 'b*'`)",
    "paired": "the same files as pairs (`compare --paired`, signed-rank on 6 per-round ratios)",
    "run": "`perfgate run` (10 interleaved rounds, paired)",
    "confirm": "`perfgate run --confirm` (more rounds for suspected series only)",
}

BENCH_SOURCE = """\
#include <benchmark/benchmark.h>
#include <cstdint>
#include <vector>
static const std::size_t kChangedWork = {work};  // the pull request edits this line
static const std::size_t kWords = std::size_t(1) << 21;  // 8 MiB of uint32: beyond a core's own caches
static std::uint64_t work(std::size_t n) {{
  static std::vector<std::uint32_t> buf(kWords, 1);
  std::uint64_t sum = 0;
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < n; ++i) {{
    x = x * 1664525u + 1013904223u;
    sum += buf[x & (kWords - 1)];
  }}
  return sum;
}}
static void BM_Changed(benchmark::State& state) {{ for (auto _ : state) benchmark::DoNotOptimize(work(kChangedWork)); }}
static void BM_Unchanged(benchmark::State& state) {{ for (auto _ : state) benchmark::DoNotOptimize(work({base})); }}
BENCHMARK(BM_Changed);
BENCHMARK(BM_Unchanged);
BENCHMARK_MAIN();
"""

NEIGHBOUR_SOURCE = r"""
/* A co-tenant: streams memory (or spins) for a share of every 2 ms; a new random share every 150-450 ms. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
  double mean = atof(argv[1]), spread = atof(argv[2]);
  int spin = argc > 4 && strcmp(argv[4], "spin") == 0;
  srand((unsigned)atoi(argv[3]));
  size_t n = (size_t)64 << 20; /* 64 MiB: more than the last-level cache */
  volatile unsigned char *buf = malloc(n);
  memset((void *)buf, 1, n);
  size_t pos = 0; unsigned long x = 0;
  for (;;) {
    double level = mean + spread * (2.0 * rand() / RAND_MAX - 1.0);
    if (level < 0) level = 0;
    if (level > 1) level = 1;
    double until = now() + 0.15 + 0.3 * rand() / RAND_MAX;
    while (now() < until) {
      double slot = now(), busy = slot + 0.002 * level;
      while (now() < busy) {
        if (spin) { x += x * 3 + 1; continue; }
        for (int i = 0; i < 4096; i += 64) buf[(pos + i) % n] += 1;
        pos = (pos + 4096) % n;
      }
      struct timespec rest = {0, (long)((slot + 0.002 - now()) * 1e9)};
      if (rest.tv_nsec > 0) nanosleep(&rest, NULL);
    }
  }
}
"""


@dataclass
class Outcome:
    """One method's verdict on one PR."""

    changed: str  # "fail", "suspected" or "pass": BM_Changed's worst series
    unchanged_failed: bool
    any_failed: bool


@dataclass
class Tally:
    outcomes: dict[int, list[Outcome]] = field(default_factory=dict)  # per effect

    def add(self, effect: int, outcome: Outcome) -> None:
        self.outcomes.setdefault(effect, []).append(outcome)


@dataclass
class Machine:
    """Where the jobs run: the scratch folder, the neighbour binary, the random levels."""

    root: Path
    neighbour: Path
    rng: random.Random
    steal: bool

    @contextmanager
    def job(self) -> Iterator[None]:
        """One CI job: a neighbour whose mean load is the job's own, varying within it."""
        seed = str(self.rng.randrange(1 << 30))
        procs = [_pinned(NEIGHBOUR_CORE, str(self.neighbour), f"{self.rng.uniform(0.05, 0.6):.3f}", "0.25", seed)]
        if self.steal:
            share = f"{self.rng.uniform(0.0, 0.2):.3f}"
            procs.append(_pinned(CORE, str(self.neighbour), share, "0.1", seed, "spin"))
        try:
            time.sleep(0.2)  # the neighbour has touched its buffer
            yield
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait()


def _pinned(core: str, *argv: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["taskset", "-c", core, *argv], stdout=subprocess.DEVNULL)


CHECKOUT = Path(__file__).resolve().parents[1]
# The perfgate of this checkout, whatever the scratch folder's working directory would import.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")]))}


def perfgate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line, as a user runs it; 0 and 1 are verdicts, anything else is this script's bug."""
    command = [sys.executable, "-m", "perfgate", *args]
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"perfgate {' '.join(args)} exited {done.returncode} in {cwd}:\n{done.stderr[-2000:]}")
    return done


def bench_argv(binary: str, repetitions: int = REPETITIONS, filter_: str | None = None) -> list[str]:
    argv = ["taskset", "-c", CORE, binary, "--benchmark_format=json", f"--benchmark_min_time={MIN_TIME}"]
    argv.append(f"--benchmark_repetitions={repetitions}")
    if filter_ is not None:
        argv.append(f"--benchmark_filter={filter_}")
    return argv


def bench(binary: Path, out: Path, repetitions: int = REPETITIONS) -> None:
    done = subprocess.run(bench_argv(str(binary), repetitions), capture_output=True, text=True, check=True)
    out.write_text(done.stdout)


def compile_bench(folder: Path, work: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.cc").write_text(BENCH_SOURCE.format(work=work, base=WORK))
    subprocess.run(BUILD, shell=True, cwd=folder, check=True)
    return folder / "bench"


def judge(report: Path) -> Outcome:
    series = json.loads(report.read_text())["series"]
    changed = [s for s in series if s["name"].startswith(CHANGED)]
    unchanged = [s for s in series if s["name"].startswith(UNCHANGED)]
    if not changed or not unchanged:
        sys.exit(f"{report}: expected series of {CHANGED} and {UNCHANGED}, got {[s['name'] for s in series]}")
    verdict = (
        "fail"
        if any(s["fails"] for s in changed)
        else "suspected"
        if any(s["verdict"] == "suspected" for s in changed)
        else "pass"
    )
    return Outcome(verdict, any(s["fails"] for s in unchanged), any(s["fails"] for s in series))


def times(path: Path, name: str, metric: str) -> list[float]:
    return [
        float(b[metric])
        for b in json.loads(path.read_text())["benchmarks"]
        if b.get("run_name") == name and b.get("run_type") == "iteration"
    ]


def median_of(path: Path, metric: str) -> float:
    return statistics.median(times(path, UNCHANGED, metric))


def noise(pr: Path) -> dict[str, float]:
    """The unchanged benchmark's spreads in one PR's files: between main jobs, between one side's rounds in one job,
    and of the per-round head/base ratios (what the paired test sees)."""
    spreads = {}
    for metric in ("real_time", "cpu_time"):
        if (pr / "history" / f"main{HISTORY_JOBS - 1}.json").exists():
            jobs = [median_of(pr / "history" / f"main{j}.json", metric) for j in range(HISTORY_JOBS)]
            spreads[f"{metric}: between main jobs"] = log_sd(jobs)
        if (pr / "rounds" / f"b{POOLED_ROUNDS - 1:02d}.json").exists():
            a, b = ([median_of(pr / "rounds" / f"{s}{r:02d}.json", metric) for r in range(POOLED_ROUNDS)] for s in "ab")
            spreads[f"{metric}: between the base's rounds in one job"] = log_sd(a)
            spreads[f"{metric}: per-round head/base ratios"] = log_sd([y / x for x, y in zip(a, b, strict=True)])
    return spreads


def log_sd(values: Sequence[float]) -> float:
    return statistics.stdev(math.log(v) for v in values)


def history(m: Machine, base: Path, head: Path, pr: str) -> Outcome:
    folder = m.root / pr / "history"
    folder.mkdir(parents=True)
    db = f"sqlite:///{folder / 'history.db'}"
    for j in range(HISTORY_JOBS):
        out = folder / f"main{j}.json"
        with m.job():  # a job of its own: the same samples as one side of the same-job comparison
            bench(base, out, REPETITIONS * POOLED_ROUNDS)
        sha = hashlib.sha1(f"{pr}-main-{j}".encode()).hexdigest()
        perfgate("ingest", str(out), "--branch", "main", "--commit", sha, "--db", db, cwd=folder)
    with m.job():
        bench(head, folder / "pr.json", REPETITIONS * POOLED_ROUNDS)
    args = ("pr.json", "--against", "main", "--db", db, "--max-regression", DELTA)
    perfgate("compare", *args, "--output-format", "json", "-o", "report.json", cwd=folder)
    return judge(folder / "report.json")


def same_job(m: Machine, base: Path, head: Path, pr: str) -> tuple[Outcome, Outcome]:
    folder = m.root / pr / "rounds"
    folder.mkdir(parents=True)
    with m.job():
        bench(base, folder / "warmup-a.json")
        bench(head, folder / "warmup-b.json")
        for r in range(POOLED_ROUNDS):  # perfgate run's Thue-Morse order: AB BA BA AB BA AB
            order = (("a", base), ("b", head)) if r.bit_count() % 2 == 0 else (("b", head), ("a", base))
            for side, binary in order:
                bench(binary, folder / f"{side}{r:02d}.json")
    outcomes = []
    for paired in ((), ("--paired",)):
        report = f"report{'-paired' if paired else ''}.json"
        args = ("--base", "a*", "--head", "b*", *paired, "--max-regression", DELTA)
        perfgate("compare", *args, "--output-format", "json", "-o", report, cwd=folder)
        outcomes.append(judge(folder / report))
    return outcomes[0], outcomes[1]


def make_repo(folder: Path, work: int) -> Path:
    """Two commits: the base, and the pull request's edit of kChangedWork (A/A: a comment only)."""
    folder.mkdir(parents=True)
    git = ["git", "-c", "user.name=ab", "-c", "user.email=ab@example.invalid"]
    source = folder / "bench.cc"
    source.write_text(BENCH_SOURCE.format(work=WORK, base=WORK))
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=folder, check=True)
    (folder / ".gitignore").write_text("bench\n")  # the setup's build is not an uncommitted change
    subprocess.run([*git, "add", "bench.cc", ".gitignore"], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=folder, check=True)
    text = BENCH_SOURCE.format(work=work, base=WORK)
    source.write_text(text if work != WORK else text + "// an edit that changes nothing\n")
    subprocess.run([*git, "commit", "-qam", "the pull request"], cwd=folder, check=True)
    return folder


def run_options() -> str:
    return subprocess.run(
        [sys.executable, "-m", "perfgate", "run", "--help"], env=ENV, capture_output=True, text=True, check=True
    ).stdout


def run(m: Machine, repo: Path, pr: str, confirm: bool) -> Outcome:
    report = m.root / pr / f"run{'-confirm' if confirm else ''}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    extra = ["--confirm"] if confirm else []
    command = bench_argv("./bench", filter_="{filter}" if confirm else None)
    args = ["run", "--base", "HEAD~1", "--rounds", str(RUN_ROUNDS), "--setup", BUILD, "--max-regression", DELTA]
    with m.job():
        perfgate(*args, *extra, "--output-format", "json", "-o", str(report), "--", *command, cwd=repo)
    return judge(report)


def table(tallies: dict[str, Tally]) -> str:
    head = "| how the PR was compared | A/A false alarms | +3 % caught | +5 % caught | +10 % caught |"
    head += " PRs with a false alarm on the unchanged benchmark |"
    lines = [head, "|---|---|---|---|---|---|"]
    for method, tally in tallies.items():
        if not tally.outcomes:
            lines.append(f"| {LABELS[method]} | n/a | n/a | n/a | n/a | n/a |")
            continue
        cells = []
        for effect in EFFECTS:
            got = tally.outcomes.get(effect, [])
            if effect == 0:
                cells.append(f"{sum(o.any_failed for o in got)}/{len(got)}")
                continue
            caught, suspected = sum(o.changed == "fail" for o in got), sum(o.changed == "suspected" for o in got)
            cells.append(f"{caught}/{len(got)}" + (f" ({suspected} suspected)" if suspected else ""))
        every = [o for got in tally.outcomes.values() for o in got]
        cells.append(f"{sum(o.unchanged_failed for o in every)} of {len(every)}")
        lines.append(f"| {LABELS[method]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


REPORTS = {  # where each method's report lies in a PR's folder
    "history": "history/report.json",
    "pooled": "rounds/report.json",
    "paired": "rounds/report-paired.json",
    "run": "run.json",
    "confirm": "run-confirm.json",
}


def tabulate(root: Path, methods: Sequence[str]) -> tuple[dict[str, Tally], dict[str, list[float]]]:
    """The table and the spreads from a scratch folder's reports and files: the PRs done so far, or a kept run."""
    tallies = {method: Tally() for method in methods}
    spreads: dict[str, list[float]] = {}
    for effect in EFFECTS:
        for pr in sorted(root.glob(f"e{effect}-*")):  # e{effect}-s{seed}-pr{i}
            for method in methods:
                if (pr / REPORTS[method]).exists():
                    tallies[method].add(effect, judge(pr / REPORTS[method]))
            for what, value in noise(pr).items():
                spreads.setdefault(what, []).append(value)
    return tallies, spreads


def evaluate(root: Path, methods: Sequence[str], effects: Sequence[int], prs: int, seed: int, steal: bool) -> None:
    """Every PR of every cell, each method's report left in the PR's folder of ``root``. PR by PR across the
    cells, so that a run stopped early (or tabulated while it runs) has every cell alike."""
    subprocess.run(
        ["gcc", "-O2", "-x", "c", "-o", str(root / "neighbour"), "-"], input=NEIGHBOUR_SOURCE.encode(), check=True
    )
    m = Machine(root, root / "neighbour", random.Random(seed), steal)
    base = compile_bench(root / "bin" / "base", WORK)
    confirm = "confirm" in methods and "--confirm" in run_options()
    heads, repos = {}, {}
    for effect in effects:
        work = round(WORK * (1 + effect / 100))
        heads[effect] = compile_bench(root / "bin" / f"head{effect}", work) if effect else base
        repos[effect] = make_repo(root / f"repo{effect}", work)
    started = time.monotonic()
    for i in range(prs):
        for effect in effects:
            head, repo, pr = heads[effect], repos[effect], f"e{effect}-s{seed}-pr{i}"
            if "history" in methods:
                history(m, base, head, pr)
            if "pooled" in methods or "paired" in methods:
                same_job(m, base, head, pr)
            if "run" in methods:
                run(m, repo, pr, confirm=False)
            if confirm:
                run(m, repo, pr, confirm=True)
            elapsed = (time.monotonic() - started) / 60
            print(f"+{effect} % PR {i + 1}/{prs} done, {elapsed:.1f} min", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prs", type=int, default=8, help="pull requests per cell (default 8)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 PRs per cell")
    parser.add_argument("--only", default=",".join(METHODS), help=f"comma-separated, of {','.join(METHODS)}")
    parser.add_argument("--effects", default="0,3,5,10", help="the cells: %% more work in the head (default 0,3,5,10)")
    parser.add_argument("--steal", action="store_true", help="also a neighbour spinning on the benchmark's core")
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (its path is printed)")
    parser.add_argument("--tabulate", type=Path, metavar="DIR", help="only print the table of a kept scratch folder")
    options = parser.parse_args()
    prs = 2 if options.quick else options.prs
    methods = [m for m in options.only.split(",") if m]
    if unknown := set(methods) - set(METHODS):
        parser.error(f"--only: unknown {sorted(unknown)}; expected some of {','.join(METHODS)}")
    if options.tabulate:
        tallies, spreads = tabulate(options.tabulate, methods)
        print(f"Tabulated from {options.tabulate} (the PRs whose reports are there).\n")
        print_results(tallies, spreads, "confirm" in methods and "--confirm" in run_options())
        return
    for tool in ("g++", "gcc", "taskset", "git"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: this evaluation needs g++, gcc, taskset (util-linux) and git")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the neighbours and remove the scratch folder
    root = Path(tempfile.mkdtemp(prefix="ab_real-"))
    started, load = time.monotonic(), os.getloadavg()[0]
    try:
        effects = [int(e) for e in options.effects.split(",")]
        if set(effects) - set(EFFECTS):
            parser.error(f"--effects: expected some of {','.join(map(str, EFFECTS))}")
        evaluate(root, methods, effects, prs, options.seed, options.steal)
        tallies, spreads = tabulate(root, methods)
    finally:
        if options.keep:
            print(f"scratch kept: {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"Real-tool A/B on this machine: {os.cpu_count()} cores shared with other work (load average")
    print(f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end): a genuinely noisy shared runner.")
    print(f"Google Benchmark pinned to core {CORE}, a neighbour streaming memory on core {NEIGHBOUR_CORE}", end="")
    print(" and one spinning on the benchmark's core;" if options.steal else ";", end="")
    print(f" δ = {DELTA}, q = 0.05, {prs} PRs a cell.\n")
    print_results(tallies, spreads, "confirm" in methods and "--confirm" in run_options())
    print(f"\n{(time.monotonic() - started) / 60:.1f} min in all.")


def print_results(tallies: dict[str, Tally], spreads: dict[str, list[float]], has_confirm: bool) -> None:
    print(table(tallies))
    if "confirm" in tallies and not has_confirm:
        print("\nconfirm: n/a (this perfgate's 'run --help' has no --confirm)")
    if spreads:
        print("\nThe unchanged benchmark's spread (sd of the log), median over PRs [smallest, largest]:")
    for what, values in spreads.items():
        print(f"- {what}: {statistics.median(values):.1%} [{min(values):.1%}, {max(values):.1%}]")


if __name__ == "__main__":
    main()
