"""Large load-test files: peak memory and speed of perfgate's readers against a bare reader of the same file.

Run by hand: python benchmarks/streaming_formats.py [--requests 1000000] [--repeat 3] [--only k6|jmeter|gatling ...]

Generates the files in a temporary directory, then runs, each in a fresh process, taking turns, --repeat times:
perfgate's reader (time, peak RSS) and the fastest plain Python reader of the same file; the ratio of the best
times, and the range and median of the ratios of each pair of runs. Targets: peak memory < 300 MB at any size,
time within 1.5x of the bare reader.

- k6 `--out json` NDJSON with k6's real line mix, copied from a real k6 run (tests/data/k6/k6_points.ndjson.gz):
  per request http_reqs, http_req_duration, _blocked, _connecting, _tls_handshaking, _sending, _waiting,
  _receiving and _failed, and per iteration checks, group_duration, data_sent, data_received,
  iteration_duration and iterations (about 11 lines per request). Bare reader: an orjson.loads loop over the
  lines; the same gzipped against a gzip + orjson loop.
- JMeter CSV JTL with JMeter's default columns. Bare reader: a csv.reader loop. JMeter XML JTL: an
  ElementTree.iterparse loop that clears each element.
- Gatling's text simulation.log (3.x records, groups, 1 % KO). Bare reader: a loop splitting lines at tabs.
- One endpoint: memory's worst case, every request of a run on one endpoint, fed to the tally the readers share,
  just below and past the point where it folds requests into a sketch.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import compile_package

from perfgate.formats.readers.jmeter import DEFAULT_COLUMNS
from perfgate.formats.requests import COMPACT_AFTER

PERFGATE_READER = """
import sys, time
from perfgate import formats
start = time.perf_counter()
results = formats.read(sys.argv[1])
elapsed = time.perf_counter() - start
series = len(results.series)
"""
BARE_CSV = """
import csv, sys, time
start = time.perf_counter()
with open(sys.argv[1], newline="") as handle:
    for row in csv.reader(handle):
        pass
elapsed = time.perf_counter() - start
series = 0
"""
BARE_JSON_LINES = """
import gzip, orjson, sys, time
start = time.perf_counter()
with (gzip.open if sys.argv[1].endswith(".gz") else open)(sys.argv[1], "rb") as handle:
    for line in handle:
        orjson.loads(line)
elapsed = time.perf_counter() - start
series = 0
"""
BARE_XML = """
import sys, time
import xml.etree.ElementTree as ET
start = time.perf_counter()
for _, element in ET.iterparse(sys.argv[1]):
    element.clear()
elapsed = time.perf_counter() - start
series = 0
"""
BARE_TABS = """
import sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        line.split(b"\\t")
elapsed = time.perf_counter() - start
series = 0
"""
ONE_ENDPOINT = """
import sys, time
import numpy as np
from perfgate.formats.requests import RequestTally
requests, batch = int(sys.argv[1]), 65_536
rng = np.random.default_rng(1)
tally = RequestTally("ms")
start = time.perf_counter()
for first in range(0, requests, batch):
    n = min(batch, requests - first)
    sent = 1.7e9 + np.arange(first, first + n) / 1000
    tally.extend("GET /only", rng.lognormal(4, 0.4, n), rng.random(n) < 0.01, sent)
series = len(tally.series())
elapsed = time.perf_counter() - start
"""
# Appended to each script above, which sets elapsed and series: peak RSS from VmHWM (getrusage's maxrss survives
# exec, so it would report the parent's peak).
REPORT = """
print(elapsed, int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024, series)
"""
ROOT = Path(__file__).resolve().parent.parent
REAL_K6 = ROOT / "tests" / "data" / "k6" / "k6_points.ndjson.gz"


def _k6_iteration() -> list[tuple[str, str, dict[str, object]]]:
    """One iteration of the real k6 run, line by line: (metric, type, tags), in k6's own order."""
    with gzip.open(REAL_K6, "rt") as real:
        lines = [json.loads(line) for line in real]
    points = [p for p in lines if p["type"] == "Point" and p["metric"] not in ("vus", "vus_max")]
    first_end = next(i for i, p in enumerate(points) if p["metric"] == "iterations")
    return [(p["metric"], p["type"], p["data"]["tags"]) for p in points[: first_end + 1]]


def write_k6(path: Path, requests: int) -> None:
    """k6's real line mix: the real run's first iteration, repeated with new times and values."""
    rng = random.Random(1)
    template = _k6_iteration()
    per_iteration = sum(1 for metric, _, _ in template if metric == "http_req_duration")
    prefix = [(metric, json.dumps(tags, separators=(",", ":"))) for metric, _, tags in template]
    with open(path, "w") as out:
        for iteration in range(requests // per_iteration):
            second, micro = divmod(iteration * 3_000, 1_000_000)
            stamp = (
                f"2026-11-22T{(second // 3600) % 24:02d}:{(second // 60) % 60:02d}:{second % 60:02d}.{micro:06d}123Z"
            )
            duration = rng.lognormvariate(3.5, 0.3)
            for metric, tags in prefix:
                value = (
                    0
                    if metric == "http_req_failed"
                    else 1
                    if metric in ("http_reqs", "checks", "iterations")
                    else duration
                )
                out.write(
                    f'{{"metric":"{metric}","type":"Point","data":{{"time":"{stamp}","value":{value},"tags":{tags}}}}}\n'
                )


def write_jmeter(path: Path, rows: int, quoted: bool = True) -> None:
    """JMeter's default columns; with ``quoted``, half the labels hold a comma or quotes (written quoted)."""
    rng = random.Random(2)
    labels = (
        ["Home Page", "Search", "Checkout, step 2", 'Report "daily"'] if quoted else ["Home", "Search", "Cart", "Pay"]
    )
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


def write_jmeter_xml(path: Path, samples: int) -> None:
    """JMeter's XML JTL (jmeter.save.saveservice.output_format=xml), one httpSample element per request."""
    rng = random.Random(4)
    with open(path, "w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testResults version="1.2">\n')
        for i in range(samples):
            ok = rng.random() > 0.01
            out.write(
                f'<httpSample t="{int(rng.lognormvariate(4.5, 0.4))}" it="0" lt="10" ct="2" ts="{1_700_000_000_000 + i * 3}" '
                f's="{"true" if ok else "false"}" lb="Page {i % 4}" rc="{200 if ok else 500}" rm="OK" '
                f'tn="Thread Group 1-{i % 50}" dt="text" by="1024" sby="256" ng="50" na="50"/>\n'
            )
        out.write("</testResults>\n")


def write_gatling(path: Path, requests: int) -> None:
    rng = random.Random(3)
    with open(path, "w") as out:
        out.write("RUN\tShopSimulation\tshopsimulation\t1764500000000\t \t3.9.5\n")
        for i in range(requests):
            if i % 100 == 0:
                out.write(f"USER\tshoppers\tSTART\t{1764500000000 + i * 4}\n")
            start = 1764500000000 + i * 4
            status = "KO" if rng.random() < 0.01 else "OK"
            group = "checkout" if i % 3 else ""
            out.write(
                f"REQUEST\t{group}\trequest {i % 4}\t{start}\t{start + int(rng.lognormvariate(3.5, 0.4))}\t{status}\t \n"
            )


Run = tuple[float, float, int]  # seconds, peak RSS in MB, series read


def run_once(script: str, argument: Path | int) -> Run:
    """A script's time and peak RSS in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", script + REPORT, str(argument)], capture_output=True, text=True, check=True
    )
    elapsed, rss, series = done.stdout.split()
    return float(elapsed), float(rss), int(series)


def versus(ours_name: str, path: Path, bare_name: str, bare_script: str, repeat: int) -> None:
    """perfgate's reader and a bare reader of the same file, ``repeat`` runs each, taking turns (so that a busy
    spell on this shared machine slows both), and the ratio of their best times. The best of a few, because
    this machine's neighbours slow single runs down by up to a half."""
    ours: list[Run] = []
    bare: list[Run] = []
    for _ in range(repeat):
        ours.append(run_once(PERFGATE_READER, path))
        bare.append(run_once(bare_script, path))
    paired = sorted(o[0] / b[0] for o, b in zip(ours, bare, strict=True))
    best_ours, best_bare = min(ours), min(bare)
    print(
        f"  perfgate {ours_name}: {best_ours[0]:.2f} s, peak RSS {max(o[1] for o in ours):.0f} MB, {best_ours[2]} series"
    )
    print(f"  {bare_name}: {best_bare[0]:.2f} s, peak RSS {max(b[1] for b in bare):.0f} MB")
    print(
        f"  ratio: {best_ours[0] / best_bare[0]:.2f}x the bare reader's best time; run by run "
        f"{paired[0]:.2f}-{paired[-1]:.2f}x, median {paired[len(paired) // 2]:.2f}x "
        "(target <= 1.5x; peak RSS target < 300 MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument(
        "--only", action="append", choices=("k6", "jmeter", "gatling", "one-endpoint"), help="Only this measure."
    )
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each reader; the best time counts.")
    args = parser.parse_args()
    chosen = set(args.only or ("k6", "jmeter", "gatling", "one-endpoint"))
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        if "k6" in chosen:
            measure_k6(Path(tmp), args.requests, args.repeat)
        if "jmeter" in chosen:
            jtl = Path(tmp) / "results.jtl"
            for quoted in (False, True):
                write_jmeter(jtl, args.requests, quoted)
                kind = "half the labels quoted" if quoted else "no quoted fields"
                print(f"JMeter CSV ({kind}): {args.requests:,} rows, {jtl.stat().st_size / 1e6:.0f} MB")
                versus("jmeter", jtl, "bare csv.reader loop", BARE_CSV, args.repeat)
            xml = Path(tmp) / "results.xml"
            write_jmeter_xml(xml, args.requests)
            print(f"JMeter XML: {args.requests:,} samples, {xml.stat().st_size / 1e6:.0f} MB")
            versus("jmeter", xml, "bare iterparse loop", BARE_XML, args.repeat)
        if "one-endpoint" in chosen:
            # The worst case for memory: every request of a long run on one endpoint, so its arrays are the largest
            # the tally holds and the sketch folds.
            for requests in (COMPACT_AFTER - 1, 3 * COMPACT_AFTER):
                elapsed, rss, _ = run_once(ONE_ENDPOINT, requests)
                print(f"One endpoint, {requests:,} requests through the tally: {elapsed:.1f} s, peak RSS {rss:.0f} MB")
        if "gatling" in chosen:
            log = Path(tmp) / "simulation.log"
            write_gatling(log, args.requests)
            print(f"Gatling simulation.log: {args.requests:,} requests, {log.stat().st_size / 1e6:.0f} MB")
            versus("gatling", log, "bare split-at-tabs loop", BARE_TABS, args.repeat)


def measure_k6(tmp: Path, requests: int, repeat: int) -> None:
    k6 = tmp / "k6.ndjson"
    start = time.perf_counter()
    write_k6(k6, requests)
    print(
        f"k6 NDJSON: {requests:,} requests, {k6.stat().st_size / 1e6:.0f} MB, written in {time.perf_counter() - start:.0f} s"
    )
    with open(k6, "rb") as written:
        lines = sum(1 for _ in written)
    print(f"  {lines:,} lines ({lines / requests:.1f} per request)")
    versus("k6-ndjson", k6, "bare orjson.loads loop", BARE_JSON_LINES, repeat)
    gz = tmp / "k6.ndjson.gz"
    with open(k6, "rb") as source, gzip.open(gz, "wb", compresslevel=6) as target:
        shutil.copyfileobj(source, target)
    print(f"k6 NDJSON, gzip: {gz.stat().st_size / 1e6:.0f} MB")
    versus("k6-ndjson (.gz)", gz, "bare gzip + orjson.loads loop", BARE_JSON_LINES, repeat)


if __name__ == "__main__":
    main()
