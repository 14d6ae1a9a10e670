"""Hostile inputs at full size: how long and how much memory perfgate takes to read or refuse them.

Run by hand: python benchmarks/hostile_inputs.py [--gigabytes 2]

Each case is a gzip file generated in a temporary directory (small on disk, large when decompressed) and
read in a fresh process with its format forced, so the reader itself must cope (format detection reads only
the head). Reference in the same run: decompressing the same file with gzip and throwing the bytes away, the
least any reader must do. Targets: within 4x of the reference, peak memory under 300 MB, exit 0 or 3.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READ = """
import resource, sys
from perfgate import formats
from perfgate.errors import PerfgateError
try:
    formats.read(sys.argv[1], sys.argv[2])
    outcome = "read"
except PerfgateError as error:
    outcome = "refused: " + str(error).split(": ", 1)[-1][:70]
print(outcome)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""

DECOMPRESS = """
import gzip, sys
with gzip.open(sys.argv[1], "rb") as f:
    while f.read(1 << 20):
        pass
"""

CHUNK = 1 << 24


def write(path: Path, size: int, unit: bytes, tail: bytes = b"") -> None:
    block = unit * (CHUNK // len(unit))
    with gzip.open(path, "wb", compresslevel=1) as out:
        for _ in range(size // len(block)):
            out.write(block)
        out.write(tail)


def timed(code: str, *args: str) -> tuple[float, list[str], int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=3600)
    return time.perf_counter() - started, done.stdout.splitlines(), done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=2.0, help="decompressed size of each file")
    args = parser.parse_args()
    size = int(args.gigabytes * 1024**3)
    cases = [
        ("newlines", "k6-ndjson", b"\n", b""),
        ("newlines", "jmeter", b"\n", b""),
        ("newlines", "gatling", b"\n", b""),
        ("newlines", "go-bench", b"\n", b""),
        ("CRLF lines", "k6-ndjson", b"\r\n", b""),
        ("spaces, one line", "k6-ndjson", b" ", b"\n"),
    ]
    print(f"{size / 1024**3:.1f} GiB decompressed per file")
    print(f"{'content':18} {'format':10} {'time':>8} {'ref':>7} {'ratio':>6} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for content, fmt, unit, tail in cases:
            path = Path(tmp) / f"{content.replace(' ', '_').replace(',', '')}.gz"
            if not path.exists():
                write(path, size, unit, tail)
            ref, _, _ = timed(DECOMPRESS, str(path))
            took, out, code = timed(READ, str(path), fmt)
            outcome, peak = (out[0], out[1]) if len(out) == 2 else (f"exit {code}", "?")
            print(f"{content:18} {fmt:10} {took:7.1f}s {ref:6.1f}s {took / ref:5.1f}x {peak:>8}  {outcome}")


if __name__ == "__main__":
    main()
