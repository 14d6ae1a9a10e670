"""The weekly digest over a big history, against the same digest over a 5-run history timed in the same run.

Run by hand (from the repository root):
  python benchmarks/digest_speed.py --series 2000 --runs 1080        # the scale of issue 31
  python benchmarks/digest_speed.py --series 2000 --runs 100          # a quicker look
  python benchmarks/digest_speed.py ... --perfgate /path/to/checkout  # the same, with another perfgate
  python benchmarks/digest_speed.py ... --db big.db                   # keep (or reuse) the big history

It writes the histories with benchmarks/big_history.py (a run every 2 hours, so 84 in the week, a gate decision
after each; 5 % of series step in the week, 2 % drift, 2 % noisy, a p95 budget on every tenth), then runs
`perfgate digest -o week.html` (the findings, the text and HTML parts and their charts) on each as its own process,
the median of 3, and prints the time and the peak memory (RSS) of both and their ratio. Goal: the big history's CPU
time within 2x the 5-run one's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from big_history import CONFIG, END, generate
from measure import Measured, run_perfgate

REFERENCE_RUNS = 5
GOAL = 2.0


def digest(db: Path, root: Path, perfgate: Path, repeats: int) -> Measured:
    args = ["digest", "-o", "week.html", "--db", f"sqlite:///{db}", "--until", f"{END:%Y-%m-%dT%H:%M}"]
    runs = [run_perfgate([*args, "--repository", "acme/shop"], cwd=root, perfgate=perfgate) for _ in range(repeats)]
    return Measured(
        statistics.median(r.seconds for r in runs), statistics.median(r.cpu for r in runs), max(r.rss_mb for r in runs)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1080)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", type=Path, help="the big history's SQLite file: written when absent, else reused")
    parser.add_argument("--perfgate", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "perfgate.toml").write_text(CONFIG, encoding="utf-8")
        big = args.db or root / "big.db"
        if not big.exists():
            took = generate(f"sqlite:///{big}", series=args.series, runs=args.runs)
            print(f"stored {args.runs:,} runs x {args.series:,} series in {took:.0f} s")
        small = root / "small.db"
        generate(f"sqlite:///{small}", series=args.series, runs=REFERENCE_RUNS)
        reference = digest(small, root, args.perfgate, args.repeats)
        measured = digest(big, root, args.perfgate, args.repeats)
        print(f"perfgate digest (7 days), {args.series:,} series ({args.perfgate}), median of {args.repeats}:")
        print(f"{'':<8} {f'{args.runs:,} runs':>12} {f'{REFERENCE_RUNS} runs':>12} {'ratio':>8}")
        for label, value, ref, unit in (
            ("time", measured.seconds, reference.seconds, "s"),
            ("CPU time", measured.cpu, reference.cpu, "s"),
            ("RSS", measured.rss_mb, reference.rss_mb, "MB"),
        ):
            print(f"{label:<8} {value:>9,.1f} {unit:<2} {ref:>9,.1f} {unit:<2} {value / ref:>7.1f}x")
        ok = measured.cpu <= GOAL * reference.cpu  # the wall clock of a shared machine moves with its load
        print(f"goal: CPU time within {GOAL:.0f}x the 5-run digest's -> {'OK' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
