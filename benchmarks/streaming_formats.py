"""Large load-test files: peak memory and speed of perfgate's readers against a bare reader of the same file.

Run by hand: python benchmarks/streaming_formats.py [--requests 1000000]

Generates the files in a temporary directory (a k6 `--out json` NDJSON stream and a JMeter CSV JTL),
then runs, each in a fresh process: perfgate's reader (time, peak RSS) and the fastest plain Python reader
of the same file (a bare json.loads loop over lines; a bare csv.reader loop). Targets: peak memory
< 300 MB, time within 2x of the bare reader.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from perfgate.formats.jmeter import DEFAULT_COLUMNS

K6_READER = """
import resource, sys, time
from perfgate import formats
start = time.perf_counter()
results = formats.read(sys.argv[1])
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(results.series))
"""
BARE_CSV = """
import csv, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1], newline="") as handle:
    for row in csv.reader(handle):
        pass
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
"""
BARE_JSON_LINES = """
import json, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        json.loads(line)
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
"""


def write_k6(path: Path, requests: int) -> None:
    rng = random.Random(1)
    names = ["catalog", "checkout", "search", "profile"]
    with open(path, "w") as out:
        for i in range(requests):
            name = names[i % len(names)]
            stamp = f"2026-11-22T23:{(i // 60000) % 60:02d}:{(i // 1000) % 60:02d}.{i % 1000:03d}000000Z"
            tags = {
                "expected_response": "true",
                "group": "::shop",
                "method": "GET",
                "name": name,
                "proto": "HTTP/1.1",
                "scenario": "load",
                "status": "200",
                "url": name,
            }
            duration = rng.lognormvariate(3.5, 0.3)
            out.write(
                json.dumps(
                    {
                        "metric": "http_req_duration",
                        "type": "Point",
                        "data": {"time": stamp, "value": duration, "tags": tags},
                    }
                )
                + "\n"
            )
            if i % 4 == 0:  # other metrics k6 writes, which perfgate skips unparsed
                out.write(
                    json.dumps(
                        {
                            "metric": "http_req_waiting",
                            "type": "Point",
                            "data": {"time": stamp, "value": duration * 0.9, "tags": tags},
                        }
                    )
                    + "\n"
                )


def write_jmeter(path: Path, rows: int) -> None:
    rng = random.Random(2)
    labels = ["Home Page", "Search", "Checkout, step 2", 'Report "daily"']
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(DEFAULT_COLUMNS)
        for i in range(rows):
            ok = rng.random() > 0.01
            elapsed = int(rng.lognormvariate(4.5, 0.4))
            writer.writerow(
                [
                    1_700_000_000_000 + i * 3,
                    elapsed,
                    labels[i % 4],
                    200 if ok else 500,
                    "OK" if ok else "Err",
                    f"Thread Group 1-{i % 50}",
                    "text",
                    "true" if ok else "false",
                    "",
                    1024,
                    256,
                    50,
                    50,
                    "https://example.com/x",
                    elapsed - 3,
                    0,
                    1,
                ]
            )


def run(script: str, path: Path) -> tuple[float, float, int]:
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    elapsed, rss, series = done.stdout.split()
    return float(elapsed), float(rss), int(series)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        k6 = Path(tmp) / "k6.ndjson"
        start = time.perf_counter()
        write_k6(k6, args.requests)
        print(
            f"k6 NDJSON: {args.requests:,} requests, {k6.stat().st_size / 1e6:.0f} MB, written in {time.perf_counter() - start:.0f} s"
        )
        ours, ours_rss, series = run(K6_READER, k6)
        bare, bare_rss, _ = run(BARE_JSON_LINES, k6)
        print(f"  perfgate k6-ndjson: {ours:.1f} s, peak RSS {ours_rss:.0f} MB, {series} series")
        print(f"  bare json.loads loop: {bare:.1f} s, peak RSS {bare_rss:.0f} MB")
        print(f"  ratio: {ours / bare:.2f}x the bare reader's time")
        jtl = Path(tmp) / "results.jtl"
        write_jmeter(jtl, args.requests)
        print(f"JMeter CSV: {args.requests:,} rows, {jtl.stat().st_size / 1e6:.0f} MB")
        ours, ours_rss, series = run(K6_READER, jtl)
        bare, bare_rss, _ = run(BARE_CSV, jtl)
        print(f"  perfgate jmeter: {ours:.1f} s, peak RSS {ours_rss:.0f} MB, {series} series")
        print(f"  bare csv.reader loop: {bare:.1f} s, peak RSS {bare_rss:.0f} MB")
        print(f"  ratio: {ours / bare:.2f}x the bare reader's time")


if __name__ == "__main__":
    main()
