"""The history site for a big suite: 500 series x 1,000 runs of main (target: pages stay fast, data on demand).

Run by hand (from the repository root; needs Debian's chromium and the test extras for Playwright):
  python benchmarks/site_speed.py [--series 500] [--runs 1000]

It stores a main-branch history (statistics only, a run every 2 hours so that 1,000 runs fit in the site's
window; 5 % of series step, 2 % drift, 2 % noisy) in a temporary SQLite file, builds the site, and prints:
  - build time (the week's findings, every series' history, change points, 1,000 files written), against
    reading the same runs' statistics from the store once (the reference);
  - sizes: the index, one series' page and data, the whole site;
  - in headless chromium from file://, each the median of 5 loads: the index until its load event, and a
    series page until its chart is drawn — both against a blank page loaded the same way.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from perfgate import config
from perfgate.app.site import SiteRequest, build_site
from perfgate.store import Store
from tests.weekly import big_suite, history, store_history

END = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def median_of(count: int, action: Callable[[], float]) -> float:
    return statistics.median(action() for _ in range(count))


def load_time(page: Page, url: str, ready: str | None = None) -> float:
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    if ready:
        page.wait_for_function(ready)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = Store(f"sqlite:///{root / 'history.db'}")
        started = time.perf_counter()
        runs = history(big_suite(args.series), end=END, runs=args.runs, runs_in_period=84, hours=2)
        store_history(store, runs, END)
        print(f"stored {args.runs} runs x {args.series} series in {time.perf_counter() - started:.0f} s")
        cfg = config.Config()
        days = int((END - runs[0].recorded_at) / timedelta(days=1)) + 1

        started = time.perf_counter()
        ids = [h.id for h in store.run_headers("default", "main", limit=args.runs)]
        store.statistics(ids)
        reference = time.perf_counter() - started
        print(f"{'reference: read the statistics once':<40} {reference:7.2f} s")
        request = SiteRequest(root / "site", days=days, repository="acme/shop")
        started = time.perf_counter()
        outcome = build_site(store, cfg, request, now=END)
        built = time.perf_counter() - started
        print(f"{'build the site':<40} {built:7.2f} s  ({built / reference:.1f}x the reference)")

        site = root / "site"
        series_js = sorted((site / "series").glob("*.js"))
        largest = max(series_js, key=lambda p: p.stat().st_size)
        print(f"pages: {outcome.pages}, whole site {outcome.bytes / 1e6:.1f} MB")
        print(f"index.html {(site / 'index.html').stat().st_size / 1e3:8.0f} kB")
        print(
            f"a series page {largest.with_suffix('.html').stat().st_size / 1e3:5.0f} kB + data {largest.stat().st_size / 1e3:.0f} kB"
        )

        blank = root / "blank.html"
        blank.write_text("<!doctype html><title>blank</title><p>blank</p>", encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            load_time(page, blank.as_uri())  # warm the browser up
            base = median_of(5, lambda: load_time(page, blank.as_uri()))
            index = median_of(5, lambda: load_time(page, (site / "index.html").as_uri()))
            chart = median_of(
                5,
                lambda: load_time(page, largest.with_suffix(".html").as_uri(), "window.perfgateChart !== undefined"),
            )
            browser.close()
        print(f"{'chromium: a blank page':<40} {base * 1e3:7.0f} ms")
        print(f"{'chromium: the index, to its load event':<40} {index * 1e3:7.0f} ms  ({index / base:.1f}x blank)")
        print(f"{'chromium: a series page, chart drawn':<40} {chart * 1e3:7.0f} ms  ({chart / base:.1f}x blank)")


if __name__ == "__main__":
    main()
