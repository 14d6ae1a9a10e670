"""`perfgate site`: built from a stored history (SQLite and Postgres) and opened in a real headless Chromium.

The history is the digest's (tests/weekly.py: known steps, drift, noise, a budget, blocked and waived pull
requests), so what the index must say is known. The browser is Debian's chromium driven by Playwright, with
no network: pages are opened from file://, as a user opens a downloaded site.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from perfgate import site_address
from perfgate.app.digest import load_histories
from perfgate.history import site
from perfgate.store import Store
from perfgate.store.columns import series_columns
from tests.conftest import Invoke, check_golden
from tests.history.test_digest import CONFIG, END, IN_PERIOD, RUNS, SHAPES, _decisions
from tests.weekly import Shape, history, store_history

UNTIL = END.strftime("%Y-%m-%dT%H:%M")
CHROMIUM = os.environ.get("PERFGATE_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _store(db_url: str, tmp_path: Path) -> str:
    store = Store(db_url)
    store_history(store, history(SHAPES, end=END, runs=RUNS, runs_in_period=IN_PERIOD), END)
    for decision in _decisions():
        store.save_gate_decision(decision)
    store.close()
    (tmp_path / "perfgate.toml").write_text(CONFIG, encoding="utf-8")
    return db_url


@pytest.fixture
def stored(db_url: str, tmp_path: Path) -> str:
    """The digest's history in a new database (SQLite, then Postgres); its URL. perfgate.toml is in tmp_path."""
    return _store(db_url, tmp_path)


@pytest.fixture
def stored_sqlite(tmp_path: Path) -> str:
    """The same history in SQLite only, for what does not depend on the database (golden files, screenshots)."""
    return _store(f"sqlite:///{tmp_path / 'history.db'}", tmp_path)


def _build(run_cli: Invoke, db_url: str, out: str = "public", *args: str) -> Path:
    result = run_cli("site", out, "--db", db_url, "--until", UNTIL, "--repository", "acme/shop", *args)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: {len(SHAPES)} series in 1 suite(s)" in result.output
    return Path(out).resolve()


class _Links(HTMLParser):
    """Every href and src of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def _local_targets(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return [t for t in parser.targets if not re.match(r"^[a-z]+:", t)]


def test_every_series_gets_a_page_and_every_link_resolves(run_cli: Invoke, stored: str) -> None:
    out = _build(run_cli, stored)
    pages = sorted(p.relative_to(out).as_posix() for p in (out / "series").glob("*.html"))
    expected = sorted(site_address.series_path("default", s.name, s.metric) for s in SHAPES)
    assert pages == expected
    for page in [out / "index.html", *(out / p for p in pages)]:
        for target in _local_targets(page):
            assert (page.parent / target).resolve().is_file(), f"{page.name} links to missing {target}"
    index = (out / "index.html").read_text(encoding="utf-8")
    # The week's findings, each linked to its series' page.
    tokenize = site_address.series_path("default", "test_tokenize", "time")
    assert re.search(rf'regression</span> <a href="{tokenize}">test_tokenize</a>: <b>\+17\.9%</b>', index)
    assert "https://github.com/acme/shop/pull/41" in index
    assert (out / "assets" / "uPlot.LICENSE").read_text().startswith("The MIT License")


def test_series_path_is_stable_readable_and_unique() -> None:
    assert site_address.series_path("api", "GET /users/{id}", "latency") == site_address.series_path(
        "api", "GET /users/{id}", "latency"
    )
    path = site_address.series_path("api", "GET /users/{id}", "latency")
    assert re.fullmatch(r"series/api-GET-users-id-latency-[0-9a-f]{10}\.html", path)
    # Names that read the same once cleaned still get pages of their own.
    assert site_address.series_path("api", "a/b", "time") != site_address.series_path("api", "a-b", "time")
    assert site_address.series_url("https://acme.github.io/shop/", "api", "a/b", "time") == (
        "https://acme.github.io/shop/" + site_address.series_path("api", "a/b", "time")
    )


def test_index_golden(run_cli: Invoke, stored_sqlite: str, update_golden: bool) -> None:
    out = _build(run_cli, stored_sqlite)
    check_golden("site/index.html", (out / "index.html").read_text(encoding="utf-8"), update_golden)
    tokenize = out / site_address.series_path("default", "test_tokenize", "time").replace(".html", ".js")
    check_golden("site/test_tokenize.js", tokenize.read_text(encoding="utf-8"), update_golden)
    suite = out / site_address.suite_path("default")
    check_golden("site/suite.js", suite.read_text(encoding="utf-8"), update_golden)


def test_from_an_export_file_as_a_data_branch_holds_it(run_cli: Invoke, stored: str) -> None:
    exported = run_cli("export", "-o", "runs.jsonl", "--db", stored)
    assert exported.exit_code == 0, exported.output
    result = run_cli("site", "from-branch", "--from-export", "runs.jsonl", "--until", UNTIL)
    assert result.exit_code == 0, result.output
    from_db = _build(run_cli, stored, "from-db")
    names = sorted(p.name for p in Path("from-branch/series").iterdir())
    assert names == sorted(p.name for p in (from_db / "series").iterdir())


def test_a_window_older_than_every_run_says_when_the_newest_was(run_cli: Invoke, tmp_path: Path) -> None:
    """The help's `--from-export … --days 180` on the demo (runs of 2020-2021) wrote an empty site without a word."""
    demo = Path(__file__).resolve().parents[2] / "examples" / "demo" / "pvlib-history.jsonl"
    result = run_cli("site", str(tmp_path / "pub"), "--from-export", str(demo), "--days", "180")
    assert result.exit_code == 0
    assert (
        "no run in the last 180 days; the newest was recorded on 2021-07-27: give --until 2021-07-28, or more --days"
        in result.output
    )
    shown = run_cli("site", str(tmp_path / "pub"), "--from-export", str(demo), "--days", "180", "--until", "2021-07-28")
    assert shown.exit_code == 0 and "newest was recorded" not in shown.output and "52 series" in shown.output


def test_a_rebuild_drops_pages_of_series_no_longer_in_the_history(run_cli: Invoke, stored: str) -> None:
    out = _build(run_cli, stored)
    stale = out / "series" / "gone-0123456789.html"
    stale.write_text("old", encoding="utf-8")
    _build(run_cli, stored)
    assert not stale.exists()


def test_usage_and_environment_mistakes_are_named(run_cli: Invoke, stored: str, tmp_path: Path) -> None:
    both = run_cli("site", "out", "--db", stored, "--from-export", "runs.jsonl")
    assert both.exit_code == 2
    assert "give --db or --from-export, not both" in both.output
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    blocked = run_cli("site", "a-file/out", "--db", stored, "--until", UNTIL)
    assert blocked.exit_code == 3
    assert "a-file/out: cannot write the site here" in blocked.output
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "index.html").write_text("the project's own page", encoding="utf-8")
    occupied = run_cli("site", "project", "--db", stored, "--until", UNTIL)
    assert occupied.exit_code == 3
    assert "project: holds other files and no earlier site: give a new or empty directory" in occupied.output
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["index.html"]  # nothing written
    empty = run_cli("site", "out", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert empty.exit_code == 3
    assert "no history in" in empty.output


# --- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium (CI installs it): a missing browser fails the run, as a missing Postgres does."""
    assert Path(CHROMIUM).exists(), (
        f"no chromium at {CHROMIUM}: apt-get install chromium (or set PERFGATE_TEST_CHROMIUM)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Any]:
    """Opens a page and collects console errors and uncaught exceptions; asserts none at the end."""
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    # No network: a page that reaches for a CDN fails here, as it would offline.
    context.route(re.compile(r"^https?://"), lambda route: route.abort())

    def open_(url: str, **emulate: Any) -> Page:
        page = context.new_page()
        page.on("console", lambda m: _keep_error(m, errors))
        page.on("pageerror", lambda e: errors.append(str(e)))
        if emulate:
            page.emulate_media(**emulate)
        page.goto(url)
        return page

    yield open_
    context.close()
    assert errors == []


def _keep_error(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type in ("error", "warning"):
        errors.append(f"{message.type}: {message.text}")


def test_index_lists_every_suite_and_series_and_filters_them(run_cli: Invoke, stored: str, open_page: Any) -> None:
    out = _build(run_cli, stored)
    page = open_page((out / "index.html").as_uri())
    assert page.locator("h3", has_text="Suite default").count() == 1
    names = page.locator("tr[data-name] td:first-child a").all_inner_texts()
    assert sorted(names) == sorted(s.name for s in SHAPES)
    page.keyboard.press("Tab")  # the first stop is the repository link: the page is keyboard navigable
    assert page.evaluate("document.activeElement.textContent") == "acme/shop"
    page.fill("#filter", "steady")
    assert page.locator("tr[data-name]:visible").count() == 8
    assert page.inner_text("#shown") == f"8 of {len(SHAPES)} series shown"
    page.click("text=test_steady_3")
    assert page.inner_text("h1") == "test_steady_3"


def test_a_series_page_draws_every_run_and_hover_shows_the_commit(run_cli: Invoke, stored: str, open_page: Any) -> None:
    out = _build(run_cli, stored)
    page = open_page((out / site_address.series_path("default", "test_tokenize", "time")).as_uri())
    page.wait_for_function("window.perfgateChart !== undefined")
    drawn = page.evaluate("window.perfgateChart.data[3].filter(v => v !== null).length")
    assert drawn == RUNS
    canvas = page.locator("#chart canvas")
    assert canvas.count() == 1
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 500
    # The data table under the chart holds the same runs.
    assert page.locator("#data tbody tr").count() == RUNS
    commits = [r.commit for r in history(SHAPES, end=END, runs=RUNS, runs_in_period=IN_PERIOD)]
    # Hover the last run (just inside the plot's right edge): the tooltip names its commit.
    _hover_run(page, -1)
    expect(page.locator("#tip")).to_contain_text(commits[-1][:12])  # drawn on the next animation frame
    # The change point is listed with its interval (the digest's, tests/golden/digest.txt), and the blocked pull
    # request is marked on the chart.
    assert "+17.9% [+17.7%, +18.5%] at" in page.inner_text("main")
    legend = page.locator(".u-legend").inner_text()
    assert "PR blocked" in legend
    assert "p95" in legend


def _data(path: Path, prefix: str = "window.perfgateSeries = ") -> Any:
    """A data script's object, parsed as JSON (what the page's script reads as ``window.NAME``)."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix) : -2])


def test_a_series_page_draws_its_chart_from_its_data_file(run_cli: Invoke, stored_sqlite: str, open_page: Any) -> None:
    """The page holds no data of its own: the chart's runs are the data file's, on the suite file's times, and a
    changed data file changes the chart. Values are integers of 10^-digits with the range as offsets from the median."""
    out = _build(run_cli, stored_sqlite)
    page_path = out / site_address.series_path("default", "test_tokenize", "time")
    data_path = page_path.with_suffix(".js")
    series = _data(data_path, "window.perfgateSeries = ")
    suite = _data(out / site_address.suite_path("default"), "window.perfgateSuite = ")
    assert series["runs"] == [[0, RUNS]] and len(suite["time"]) == RUNS
    medians = [v / 10 ** series["digits"] for v in series["median"]]
    runs = history(SHAPES, end=END, runs=RUNS, runs_in_period=IN_PERIOD)
    stored_medians = [next(s.summary.median for s in r.series if s.name == "test_tokenize") for r in runs]
    assert None not in stored_medians
    assert medians == pytest.approx([float(m or 0) * 1e3 for m in stored_medians], rel=1e-5)  # in ms, to 6 digits
    page = open_page(page_path.as_uri())
    page.wait_for_function("window.perfgateChart !== undefined")
    chart = page.evaluate("window.perfgateChart.data")
    drawn = [(x, m) for x, m in zip(chart[0], chart[3], strict=True) if m is not None]
    assert [x for x, _ in drawn] == suite["time"]
    assert [m for _, m in drawn] == medians
    lows = [(m - low) / 10 ** series["digits"] for m, low in zip(series["median"], series["low"], strict=True)]
    assert [v for v in chart[2] if v is not None] == pytest.approx(lows)
    assert page.locator("#data tbody tr").count() == RUNS
    assert "perfgateSeries" not in page_path.read_text(encoding="utf-8")  # the page only loads it

    series["median"][-1] = series["median"][-1] * 2
    data_path.write_text(f"window.perfgateSeries = {json.dumps(series)};\n", encoding="utf-8")
    page.reload()
    page.wait_for_function("window.perfgateChart !== undefined")
    assert page.evaluate("window.perfgateChart.data[3].filter(v => v !== null).at(-1)") == pytest.approx(
        2 * medians[-1]
    )


def test_many_decisions_are_counted_and_only_the_latest_listed(run_cli: Invoke, tmp_path: Path, open_page: Any) -> None:
    """A busy repository: a decision after every run, every other one blocked by test_tokenize. Each page lists the
    latest 20 that blocked or waived its series and counts the rest; every decision is drawn, from the suite's file."""
    db = _store(f"sqlite:///{tmp_path / 'busy.db'}", tmp_path)
    store = Store(db)
    runs = history(SHAPES, end=END, runs=RUNS, runs_in_period=IN_PERIOD)
    failing = _decisions()[0]
    for i, run in enumerate(runs):
        blocked = i % 2 == 0
        decided = failing.decided if blocked else ()
        made = replace(failing, head_commit=f"{i:040x}", recorded_at=run.recorded_at + timedelta(minutes=5))
        store.save_gate_decision(
            replace(made, pr_number=100 + i, verdict="fail" if blocked else "pass", decided=decided)
        )
    store.close()
    out = _build(run_cli, db)
    page_path = out / site_address.series_path("default", "test_tokenize", "time")
    html = page_path.read_text(encoding="utf-8")
    judged = RUNS + len(_decisions())  # and the five of the digest's tests: #41 blocked by this series too
    said = f"{judged} since this series' first run shown: 21 blocked by this series, 0 passed with a waiver"
    assert said + ", the others passed. The latest 20 that blocked or waived it:" in html
    page = open_page(page_path.as_uri())
    page.wait_for_function("window.perfgateChart !== undefined")
    rows = page.locator("main > table tbody tr")
    assert rows.count() == 20 and rows.first.inner_text().startswith("#138")  # newest first
    legend = page.locator(".u-legend").inner_text()
    assert "PR passed" in legend and "PR blocked" in legend
    rings = page.evaluate(
        "(() => { const u = window.perfgateChart; return u.series.map((s, i) => [s.label,"
        " u.data[i].filter(v => v !== null).length]); })()"
    )
    assert dict(rings)["PR blocked"] == 21
    # 20 of these passed it, and 4 of the digest tests' (two at the same time share a ring).
    assert dict(rings)["PR passed"] == 23


def test_a_commits_many_steps_are_one_finding_with_its_series_folded(
    run_cli: Invoke, tmp_path: Path, open_page: Any
) -> None:
    """As in the digest: pandas' index listed 122 steps and 784 noisy series a line each; a commit's steps are one
    finding, its series behind a disclosure, every one still there and linked to its page."""
    shapes = [Shape(f"test_tokenize_{i:02d}", step_at=32, step=0.10 + 0.01 * i) for i in range(30)]
    shapes += [Shape(f"test_noisy_{i:02d}", run_noise=0.20 + 0.01 * i) for i in range(12)]
    db = f"sqlite:///{tmp_path / 'history.db'}"
    store_history(Store(db), history(shapes, end=END, runs=RUNS, runs_in_period=IN_PERIOD), END)
    result = run_cli("site", str(tmp_path / "out"), "--db", db, "--until", UNTIL)
    assert result.exit_code == 0, result.output
    page = open_page((tmp_path / "out" / "index.html").as_uri())
    finding = page.locator("ul.findings > li", has_text="30 series")
    expect(finding).to_have_count(1)
    folded = finding.locator("details")
    assert folded.get_attribute("open") is None and not folded.locator("li").first.is_visible()
    folded.locator("summary").click()
    expect(folded.locator("li")).to_have_count(30)
    assert folded.locator("li a").first.inner_text() == "test_tokenize_29"  # the largest first, linked
    noisy = page.locator("ul.findings > li", has_text="12 series")
    expect(noisy.locator("details li")).to_have_count(12)


def test_a_budgeted_endpoint_draws_its_limit(run_cli: Invoke, stored: str, open_page: Any) -> None:
    out = _build(run_cli, stored)
    page = open_page((out / site_address.series_path("default", "api/checkout", "time")).as_uri())
    page.wait_for_function("window.perfgateChart !== undefined")
    assert "budget: p95 < 160ms" in page.locator(".u-legend").inner_text()
    drawn = page.evaluate(
        "(() => { const u = window.perfgateChart, i = u.series.findIndex(s => String(s.label).startsWith('budget'));"
        " return u.data[i]; })()"
    )
    assert drawn == pytest.approx([160.0] * len(drawn))  # in ms, the axis' unit
    assert "p95 < 160ms" in page.inner_text("main")


def _hover_run(page: Page, index: int) -> None:
    """Move the mouse onto a run's point on the chart (``index`` into the runs; -1 is the newest)."""
    x, y = page.evaluate(
        "(k) => { const u = window.perfgateChart, r = u.over.getBoundingClientRect();"
        " const runs = u.data[3].flatMap((v, i) => (v === null ? [] : [i]));"
        " const i = runs[(k + runs.length) % runs.length];"
        " return [r.left + u.valToPos(u.data[0][i], 'x'), r.top + u.valToPos(u.data[3][i], 'y')]; }",
        index,
    )
    page.mouse.move(x - 2, y)  # just inside: the newest run sits on the plot's right edge


def test_the_chart_is_keyboard_navigable_and_zooms(run_cli: Invoke, stored: str, open_page: Any) -> None:
    out = _build(run_cli, stored)
    page = open_page((out / site_address.series_path("default", "test_render", "time")).as_uri())
    page.wait_for_function("window.perfgateChart !== undefined")
    commits = [r.commit for r in history(SHAPES, end=END, runs=RUNS, runs_in_period=IN_PERIOD)]
    page.focus("#chart")
    page.keyboard.press("Home")
    expect(page.locator("#tip")).to_contain_text(commits[0][:12])
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tip")).to_contain_text(commits[1][:12])
    page.click("#recent")
    shown = page.evaluate("window.perfgateChart.scales.x.min")
    first = page.evaluate("window.perfgateChart.data[0][0]")
    assert shown > first  # zoomed to the last 30 runs
    page.click("#reset")
    assert page.evaluate("window.perfgateChart.scales.x.min") == first


def test_a_series_with_one_run_is_drawn_around_it(run_cli: Invoke, tmp_path: Path, open_page: Any) -> None:
    """The README's first steps: one run ingested, then the site. The chart shows a day either side of it."""
    db = f"sqlite:///{tmp_path / 'one.db'}"
    store = Store(db)
    store_history(store, history(SHAPES[:1], end=END, runs=1, runs_in_period=1), END)
    store.close()
    out = _build_one(run_cli, db)
    page = open_page((out / site_address.series_path("default", SHAPES[0].name, "time")).as_uri())
    page.wait_for_function("window.perfgateChart !== undefined")
    span = page.evaluate("window.perfgateChart.scales.x.max - window.perfgateChart.scales.x.min")
    assert span == pytest.approx(2 * 86400)
    page.click("#recent")
    assert page.evaluate("window.perfgateChart.scales.x.max - window.perfgateChart.scales.x.min") == span
    assert page.locator("#data tbody tr").count() == 1
    assert "too few runs" in page.inner_text("header")


def _build_one(run_cli: Invoke, db: str) -> Path:
    result = run_cli("site", "one", "--db", db, "--until", UNTIL)
    assert result.exit_code == 0, result.output
    return Path("one").resolve()


def test_dark_mode_follows_the_system(run_cli: Invoke, stored: str, open_page: Any) -> None:
    out = _build(run_cli, stored)
    light = open_page((out / "index.html").as_uri(), color_scheme="light")
    dark = open_page((out / "index.html").as_uri(), color_scheme="dark")
    background = "getComputedStyle(document.body).backgroundColor"
    assert light.evaluate(background) == "rgb(255, 255, 255)"
    assert dark.evaluate(background) == "rgb(13, 17, 23)"


def test_the_documented_screenshots_show_this_site(run_cli: Invoke, stored_sqlite: str, open_page: Any) -> None:
    """docs/site-index.png, docs/site-series.png and docs/digest.png come from here (PERFGATE_SCREENSHOTS=1
    rewrites them)."""
    out = _build(run_cli, stored_sqlite)
    docs = Path(__file__).parents[2] / "docs"
    index = open_page((out / "index.html").as_uri())
    series = open_page((out / site_address.series_path("default", "test_tokenize", "time")).as_uri())
    series.wait_for_function("window.perfgateChart !== undefined")
    _hover_run(series, -14)  # a run before the step: the tooltip opens to its right
    expect(series.locator("#tip")).to_be_visible()
    mailed = run_cli("digest", "-o", "week.html", "--db", stored_sqlite, "--until", UNTIL, "--repository", "acme/shop")
    assert mailed.exit_code == 0, mailed.output
    digest = open_page(Path("week.html").resolve().as_uri())
    if os.environ.get("PERFGATE_SCREENSHOTS"):
        index.screenshot(path=str(docs / "site-index.png"), full_page=True)
        series.screenshot(path=str(docs / "site-series.png"))
        digest.screenshot(path=str(docs / "digest.png"), full_page=True)
    for name in ("site-index.png", "site-series.png", "digest.png"):
        assert (docs / name).stat().st_size > 10_000


def test_pull_marks_say_what_each_decision_meant_for_the_series(stored: str) -> None:
    store = Store(stored)
    decisions = store.gate_decisions("default", since=END - timedelta(days=30), until=END)
    loaded = load_histories(store, "default", "main", END - timedelta(days=7), END, since=END - timedelta(days=90))
    suite = site.suite_runs("default", loaded.headers, decisions)
    since, until = suite.runs[0].recorded_at, suite.runs[-1].recorded_at
    histories = {s.name: s for s in series_columns(store, "default", "main", suite.positions, since=since, until=until)}
    store.close()
    tokenize = suite.marks(histories["test_tokenize"])
    # Two decisions on #41: blocked by this series, then passed after a fix (a pass is not a mark of its own).
    assert [m.outcome for m in tokenize if m.pr_number == 41] == ["fail"]
    assert sum(1 for d in decisions if d.pr_number == 41) == 2
    assert next(m.reason for m in tokenize if m.outcome == "fail") == "+18.0% [+17.1, +18.9]"
    render = suite.marks(histories["test_render"])
    assert {m.pr_number: m.outcome for m in render}[42] == "waived"
    # A decision older than the series' first run is neither drawn on it nor counted.
    assert 40 not in {m.pr_number for m in suite.marks(histories["test_new"])}
    first = suite.first_run(histories["test_new"]).recorded_at
    assert suite.judged_since(first) == sum(1 for d in decisions if d.recorded_at >= first) < len(decisions)


# --- links to the site from the digest -------------------------------------------------------------


def test_the_digest_links_each_finding_to_its_page(run_cli: Invoke, stored_sqlite: str, tmp_path: Path) -> None:
    site_url = "https://acme.github.io/shop"
    (tmp_path / "perfgate.toml").write_text(CONFIG.replace("[perfgate]", f'[perfgate]\nsite_url = "{site_url}"'))
    result = run_cli("digest", "--dry-run", "--db", stored_sqlite, "--until", UNTIL)
    assert result.exit_code == 0, result.output
    tokenize = site_address.series_url(site_url, "default", "test_tokenize", "time")
    assert f"  history: {tokenize}\n" in result.output
    assert f"Every series' history: {site_url}" in result.output
    written = run_cli("digest", "-o", "week.html", "--db", stored_sqlite, "--until", UNTIL)
    assert written.exit_code == 0, written.output
    html = Path("week.html").read_text(encoding="utf-8")
    assert f'<a href="{tokenize}" style="color:#2563eb;">test_tokenize</a>' in html


# --- links that a click could run --------------------------------------------------------------------

SCRIPT_URLS = ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "data:,x")


def _protocols(page: Page) -> list[str]:
    """Every link's scheme as chromium itself parses it."""
    protocols: list[str] = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.protocol)")
    return protocols


@pytest.mark.parametrize("server", ["https://github.com", "javascript:alert(1)//", "JAVASCRIPT:alert(1)//"])
def test_only_http_links_reach_the_site(run_cli: Invoke, tmp_path: Path, open_page: Any, server: str) -> None:
    """A stored decision's run_url and --server-url come from outside: the browser finds no link but http(s) and
    the site's own files."""
    db = _store(f"sqlite:///{tmp_path / 'history.db'}", tmp_path)
    store = Store(db)
    for i, url in enumerate(SCRIPT_URLS):
        decision = _decisions()[0]
        store.save_gate_decision(replace(decision, head_commit=f"{i}" * 40, pr_number=60 + i, run_url=url))
    store.close()
    out = _build(run_cli, db, "public", "--server-url", server)
    pages = [out / "index.html", out / site_address.series_path("default", "test_tokenize", "time")]
    seen: set[str] = set()
    for path in pages:
        page = open_page(path.as_uri())
        page.wait_for_load_state("load")
        seen.update(_protocols(page))
        assert "alert(1)" not in page.content()
    assert seen <= {"https:", "http:", "file:"}
    assert ("https:" in seen) == server.startswith("https:")  # a good server still links commits


def test_only_http_links_reach_the_digest(run_cli: Invoke, tmp_path: Path) -> None:
    db = _store(f"sqlite:///{tmp_path / 'history.db'}", tmp_path)
    store = Store(db)
    store.save_gate_decision(replace(_decisions()[0], head_commit="9" * 40, pr_number=77, run_url=SCRIPT_URLS[1]))
    store.close()
    args = ("--db", db, "--until", UNTIL, "--repository", "acme/shop", "--server-url", "JavaScript:alert(1)//")
    written = run_cli("digest", "-o", "week.html", *args)
    assert written.exit_code == 0, written.output
    parser = _Links()
    parser.feed(Path("week.html").read_text(encoding="utf-8"))
    assert parser.targets and all(t.endswith(".png") for t in parser.targets)  # the charts; no link
    text = run_cli("digest", "--dry-run", *args)
    assert text.exit_code == 0 and "alert(1)" not in text.output and "javascript:" not in text.output.lower()


# --- a rebuild that fails, and numbers at the edge -------------------------------------------------


def test_a_failing_rebuild_leaves_the_previous_site(
    run_cli: Invoke, stored_sqlite: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while index.html is written: the previous pages stay whole, and no build is left over."""
    import errno

    from perfgate.render import site as site_render

    out = _build(run_cli, stored_sqlite)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    written = site_render._put

    def full_disk(path: Path, data: bytes) -> int:
        if path.name == "index.html":
            path.write_bytes(data[: len(data) // 2])  # what a full disk leaves: half a file
            raise OSError(errno.ENOSPC, "No space left on device")
        return written(path, data)

    monkeypatch.setattr(site_render, "_put", full_disk)
    failed = run_cli("site", "public", "--db", stored_sqlite, "--until", UNTIL, "--repository", "other/repo")
    assert failed.exit_code == 3, failed.output
    assert "cannot write the site here: No space left on device" in failed.output
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".public")) == []
    monkeypatch.setattr(site_render, "_put", written)
    _build(run_cli, stored_sqlite)  # and the next rebuild replaces it
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".public")) == []


def test_a_huge_stored_value_builds(run_cli: Invoke, tmp_path: Path) -> None:
    """A ratio of 1e307 is a percentage beyond float's range: the site draws it unscaled instead of crashing. One
    sample a run: the standard deviation of several such values overflows, and the store refuses what is not finite."""
    from tests.weekly import Shape

    db = f"sqlite:///{tmp_path / 'huge.db'}"
    store = Store(db)
    huge = Shape("huge", level=1e307, noise=0.0, run_noise=0.0, metric="error_rate", unit="ratio", samples=1)
    store_history(store, history([huge, Shape("test_ok")], end=END, runs=20, runs_in_period=5), END)
    store.close()
    result = run_cli("site", "public", "--db", db, "--until", UNTIL)
    assert result.exit_code == 0, result.output
    data = _data((Path("public") / site_address.series_path("default", "huge", "error_rate")).with_suffix(".js"))
    assert data["median"][0] * 10.0 ** -data["digits"] == pytest.approx(1e307)  # drawn unscaled, to 6 digits
    assert run_cli("digest", "--dry-run", "--db", db, "--until", UNTIL).exit_code == 0


@pytest.mark.parametrize("command", ["site", "digest"])
def test_days_beyond_a_century_are_refused_clearly(run_cli: Invoke, stored_sqlite: str, command: str) -> None:
    args = ("site", "public") if command == "site" else ("digest", "--dry-run")
    result = run_cli(*args, "--db", stored_sqlite, "--until", UNTIL, "--days", "999999999")
    assert result.exit_code == 2, result.output
    assert "'--days': 999999999 is not in the range 1<=x<=36500" in result.output
    assert run_cli(*args, "--db", stored_sqlite, "--until", UNTIL, "--days", "36500").exit_code == 0


def test_the_use_cases_bound_days_too(stored_sqlite: str, tmp_path: Path) -> None:
    """The bound is the use case's (a caller other than the command line gets it too), not only click's."""
    from perfgate import config
    from perfgate.app.digest import DigestRequest, build_digest
    from perfgate.app.site import SiteRequest, build_site
    from perfgate.errors import UsageError

    store = Store(stored_sqlite)
    cfg = config.load(tmp_path / "perfgate.toml")
    with pytest.raises(UsageError, match=r"--days must be from 1 to 36,500 \(a century\), got 999,999,999"):
        build_site(store, cfg, SiteRequest(tmp_path / "public", days=999_999_999), now=END)
    with pytest.raises(UsageError, match=r"--days must be from 1 to 36,500"):
        build_digest(store, cfg, DigestRequest(days=999_999_999), now=END)
    store.close()


def test_a_misspelt_branch_is_an_error_that_lists_the_recorded_ones(run_cli: Invoke, stored_sqlite: str) -> None:
    """`site --branch mian` used to build an empty site and exit 0."""
    result = run_cli("site", "public", "--db", stored_sqlite, "--until", UNTIL, "--branch", "mian")
    assert result.exit_code == 3, result.output
    assert "--branch mian: no runs of this branch are recorded (recorded branches: " in result.output
    assert "Did you mean 'main'?" in result.output
    assert not Path("public").exists()


def test_outlier_rounds_do_not_flatten_the_medians(run_cli: Invoke, tmp_path: Path, open_page: Any) -> None:
    """pytest-benchmark's max is stretched by a few outlier rounds (17 ms beside a 0.58 ms median): the axis follows
    the medians, so the median line is not pressed onto the axis by the range band."""
    db = f"sqlite:///{tmp_path / 'outliers.db'}"
    store = Store(db)
    runs = history([replace(SHAPES[0], level=0.00058)], end=END, runs=12, runs_in_period=6)
    stretched = [
        replace(run, series=tuple(replace(s, summary=replace(s.summary, max=0.017)) for s in run.series))
        for run in runs
    ]
    store_history(store, stretched, END)
    store.close()
    out = _build_one(run_cli, db)
    page = open_page((out / site_address.series_path("default", SHAPES[0].name, "time")).as_uri())
    page.wait_for_function("window.perfgateChart !== undefined")
    top, bottom = page.evaluate("[window.perfgateChart.scales.y.max, window.perfgateChart.scales.y.min]")
    medians = page.evaluate("window.perfgateChart.data[3]")
    assert max(medians) < top < 1.5 * max(medians)  # µs of a 580 µs median, not 17,500 µs
    assert 0 <= bottom < min(medians)
