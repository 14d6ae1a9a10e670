"""Every row of issue 31's table in one run, each figure beside the reference its own script times in the same run:

  the Action's set-up, cold and warm        benchmarks/action_setup.py   vs `pip install six` into a fresh venv
  `perfgate site --days 90`                 benchmarks/site_speed.py     vs the same site over a 5-run history
  `perfgate digest`, 7 days                 benchmarks/digest_speed.py   vs the digest of a 5-run history
  export, import, prune, bytes per run      benchmarks/history_scale.py  vs json.loads/json.dumps, a file copy,
                                                                            the samples as float64

Run by hand, from the repository root (a 2-core machine shared with other jobs: the scripts judge on CPU time):
  python benchmarks/scale_table.py                  # the issue's scale: 2,000 series x 1,080 runs, 509 runs
                                                    # for export/import (an hour or more, most of it writing)
  python benchmarks/scale_table.py --quick          # 200 series, 100 runs (site, digest) and 50 (history): a
                                                    # minute; checks the scripts run, its ratios are perfgate's
                                                    # start-up (0.4 s a command), not its scale
  python benchmarks/scale_table.py --postgres URL   # import/export/size, and the site, on that Postgres server too
  python benchmarks/scale_table.py --keep DIR       # keep the histories in DIR, and reuse them on the next run

The site and the digest read one big history (benchmarks/big_history.py), written once. Each script prints its own
rows and goals; this one runs them in turn and names the table row above each.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def section(title: str, script: str, *args: str) -> bool:
    """Run one benchmark script (its output as it comes) under a heading naming the table's row; whether it
    failed."""
    print(f"\n## {title}\n$ python benchmarks/{script} {' '.join(args)}", flush=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / script), *args], cwd=HERE, check=False)
    status = "" if done.returncode == 0 else f", exit code {done.returncode}"
    print(f"({time.perf_counter() - start:.0f} s{status})", flush=True)
    return done.returncode != 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smaller history: minutes, not an hour")
    parser.add_argument("--postgres", metavar="URL", help="also measure on this Postgres server (new databases)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the histories here and reuse them")
    parser.add_argument("--skip-setup", action="store_true", help="leave out the Action's set-up (needs .wheelhouse)")
    args = parser.parse_args()
    # Absolute: each script runs in benchmarks/, not where this one was started.
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="scale-table-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        failed = run_all(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if failed:
        sys.exit(f"{failed} of the benchmarks failed (their output above says why)")


def run_all(args: argparse.Namespace, work: Path) -> int:
    """Every section in turn; how many failed."""
    failed = 0
    series, runs, history_runs = ("200", "100", "50") if args.quick else ("2000", "1080", "509")
    big = work / f"big-{series}x{runs}.db"
    export = work / f"history-{history_runs}x{series}"
    if not args.skip_setup:
        failed += section(
            "The Action's cold and warm set-up (uv, pinned and hashed)", "action_setup.py", "--repeat", "3"
        )
    scale = ["--series", series, "--runs", runs]
    failed += section("perfgate site --days 90 (SQLite)", "site_speed.py", *scale, "--db", str(big))
    if args.postgres:
        failed += section("perfgate site --days 90 (Postgres)", "site_speed.py", *scale, "--postgres", args.postgres)
    failed += section("perfgate digest, 7 days (SQLite)", "digest_speed.py", *scale, "--db", str(big))
    history = ["--runs", history_runs, "--series", series]
    if (export / "history.jsonl").exists():
        history = ["--from", str(export / "history.jsonl")]
    else:
        history += ["--keep", str(export)]
    if args.postgres:
        history += ["--postgres", args.postgres]
    failed += section("perfgate export / import / prune, and storage per run", "history_scale.py", *history)
    return failed


if __name__ == "__main__":
    main()
