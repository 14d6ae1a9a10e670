"""Start-up cost of the command line, as ratios to references measured in the same run.

Run by hand:  python benchmarks/startup.py [--repeat N]

Targets (issue "fast everywhere"): `perfgate --version` and `--help` within 0.25 s (the ratio to `python -c
pass` is printed too), and a file-against-file compare of the README example within 1.5x the time of
`python -c "import numpy, scipy.special"` (what any comparison must load). Every command is run N times,
interleaved, and the medians are compared, so a noisy neighbour slows all of them alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from installed import compile_package

ROOT = Path(__file__).resolve().parent.parent
PERFGATE = Path(sys.executable).with_name("perfgate")
EXAMPLE = ROOT / "examples" / "pytest-benchmark"

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import click'": [sys.executable, "-c", "import click"],
    "python -c 'import numpy, scipy.special'": [sys.executable, "-c", "import numpy, scipy.special"],
    "perfgate --version": [str(PERFGATE), "--version"],
    "perfgate --help": [str(PERFGATE), "--help"],
    "perfgate compare (README example)": [
        str(PERFGATE),
        "compare",
        str(EXAMPLE / "base.json"),
        str(EXAMPLE / "head.json"),
    ],
}


def _time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    compile_package()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for argv in COMMANDS.values():
        _time(argv)  # warm the file cache
    for _ in range(args.repeat):
        for name, argv in COMMANDS.items():
            times[name].append(_time(argv))
    median = {name: statistics.median(values) for name, values in times.items()}
    width = max(map(len, median))
    for name, value in median.items():
        print(f"{name.ljust(width)}  {value * 1000:7.0f} ms")
    python, numpy = median["python -c pass"], median["python -c 'import numpy, scipy.special'"]
    print()
    for name in ("perfgate --version", "perfgate --help"):
        print(f"{name}: {median[name]:.3f} s (target <= 0.25 s), {median[name] / python:.1f}x python -c pass")
    compare = median["perfgate compare (README example)"]
    print(f"compare: {compare / numpy:.2f}x import numpy, scipy.special (target <= 1.5x)")


if __name__ == "__main__":
    main()
