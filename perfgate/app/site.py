"""`perfgate site`: the static history site, from the database or from export files."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from perfgate.app.branches import require_recorded_branch
from perfgate.app.digest import findings, known_suites, load_histories
from perfgate.app.history import import_runs
from perfgate.app.workspace import Workspace
from perfgate.config import Config
from perfgate.errors import InputError, UsageError
from perfgate.history.series import SeriesColumns
from perfgate.limits import MAX_DAYS

if TYPE_CHECKING:
    from perfgate.history.site import SuiteRuns
    from perfgate.store import Store


@dataclass(frozen=True)
class SiteRequest:
    out: Path
    days: int = 90  # the history each chart covers
    suites: tuple[str, ...] = ()  # all suites when empty
    repository: str | None = None
    server: str = "https://github.com"
    branch: str | None = None  # the config's main branch when None


@dataclass(frozen=True)
class SiteOutcome:
    pages: int
    bytes: int
    series: int
    suites: tuple[str, ...]
    newest: datetime | None = None  # when no run is in the window but older ones are: the newest's time


def build_site(store: Store, cfg: Config, request: SiteRequest, *, now: datetime) -> SiteOutcome:
    """Write the static history site: the week's findings (the digest's) and a page per series of main.

    The findings come first, from the week and its context runs; then each suite's series are read, drawn and
    written one at a time, so memory holds one series' history, not the whole window's."""
    from perfgate.gate.policy import Policy
    from perfgate.history import site
    from perfgate.render import links as links_render
    from perfgate.render import site as site_render

    if not 1 <= request.days <= MAX_DAYS:  # the period's start must be a date (timedelta overflows past year 1)
        raise UsageError(f"--days must be from 1 to {MAX_DAYS:,} (a century), got {request.days:,}")
    if request.branch is not None:
        cfg = replace(cfg, main_branch=request.branch)
    week_start, start = now - timedelta(days=7), now - timedelta(days=request.days)
    suites = known_suites(store, request.suites)
    if request.branch is not None:
        require_recorded_branch(store, request.branch, suites)
    loaded = {suite: load_histories(store, suite, cfg.main_branch, week_start, now, since=start) for suite in suites}
    week = [h for one in loaded.values() for h in one.digest]
    week_decisions = [d for one in loaded.values() for d in one.decisions if d.recorded_at >= week_start]
    found = findings(cfg, week, week_decisions, week_start, now)
    del week  # the findings keep the histories they name; the rest can go before the pages are read
    for one in loaded.values():
        one.digest.clear()
    pages = site.Pages(Policy(cfg.budgets, cfg.waivers), found, max_regression=cfg.max_regression)
    name = request.repository or ", ".join(found.suites) or "perfgate"
    links = links_render.Links(request.repository, request.server) if request.repository else None
    try:
        with site_render.building(request.out, name=name, links=links) as writer:
            rows = []
            for suite_name, one in loaded.items():
                shown = [h for h in one.headers if h.recorded_at >= start]
                suite = site.suite_runs(suite_name, shown, [d for d in one.decisions if d.recorded_at >= start])
                writer.suite(suite)
                for series in _series_of(store, suite, cfg.main_branch):
                    page = pages.page(series, suite)
                    if page is not None:
                        writer.page(page, suite, days=request.days, branch=cfg.main_branch, generated_at=now)
                        rows.append(site.PageRow.of(page, suite))
            built = site.site(found, rows, generated_at=now, days=request.days, branch=cfg.main_branch)
            written = writer.index(built)
    except OSError as exc:
        raise InputError(str(request.out), f"cannot write the site here: {exc.strerror or exc}") from None
    newest = None
    if not rows:  # every run older than the window? say when the newest is, so that --until can reach it
        latest = [
            h.recorded_at for suite_name in suites for h in store.run_headers(suite_name, cfg.main_branch, limit=1)
        ]
        newest = max(latest, default=None)
        newest = newest if newest is not None and newest < start else None
    return SiteOutcome(written.pages, written.bytes, len(built.pages), built.suites, newest)


def _series_of(store: Store, suite: SuiteRuns, branch: str) -> Iterator[SeriesColumns]:
    """The suite's series over its runs in the window, one at a time."""
    from perfgate.store.columns import series_columns

    if not suite.runs:
        return iter(())
    since, until = suite.runs[0].recorded_at, suite.runs[-1].recorded_at
    return series_columns(store, suite.suite, branch, suite.positions, since=since, until=until)


@dataclass(frozen=True)
class WriteSiteRequest:
    workspace: Workspace
    site: SiteRequest
    exports: tuple[str, ...] = ()  # read history from these export files instead of the database
    stdin: TextIO | None = None  # what an export file of '-' reads


def write_site(request: WriteSiteRequest) -> SiteOutcome:
    """Build the site from the request's database, or from its export files loaded into a scratch database."""
    cfg = request.workspace.config()
    now = request.workspace.now
    with tempfile.TemporaryDirectory(prefix="perfgate-site-") as scratch:
        if request.exports:
            if request.workspace.db_url:
                raise UsageError("give --db or --from-export, not both")
            store = replace(request.workspace, db_url=f"sqlite:///{Path(scratch) / 'history.db'}").store()
            import_runs(store, request.exports, now, request.stdin)
        else:
            store = request.workspace.store()
        try:
            return build_site(store, cfg, request.site, now=now)
        finally:
            store.close()
