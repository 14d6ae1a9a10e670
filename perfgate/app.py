"""Use cases: what the command line (and the GitHub Action) can ask perfgate to do.

Everything from outside — the time, the working directory, the database — comes in as arguments.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from perfgate import baseline, config, exchange, formats, harness, progress, vcs
from perfgate.choices import DEFAULT_ROUNDS
from perfgate.config import Config
from perfgate.errors import InputError, NoBaseline, StoreError, UsageError
from perfgate.gate.evaluate import evaluate
from perfgate.gate.paired import evaluate_paired
from perfgate.gate.policy import COUNTED_RATES, Policy
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report, Settings, Verdict
from perfgate.gate.rules import Resolved, Terms
from perfgate.gate.shift import MIN_RUNS_FOR_TAU
from perfgate.history.series import History, Point
from perfgate.model import GateDecision, ParsedResults, Pruned, Run, RunHeader, RunRef, Series
from perfgate.stats.paired import MIN_ROUNDS
from perfgate.units import parse_percentage

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) and the digest's modules (Pillow, smtplib) load when used
    from perfgate.history import digest
    from perfgate.render import digest as digest_render
    from perfgate.store import Store

DEFAULT_SUITE = Config().suite
DEFAULT_BASELINE_RUNS = Config().baseline_runs


# --- configuration --------------------------------------------------------------------------


def load_config(explicit: Path | None, cwd: Path) -> Config:
    """The config named by --config, else perfgate.toml or [tool.perfgate] found upwards, else defaults."""
    path = explicit or config.find(cwd)
    if explicit is not None and not explicit.is_file():
        raise InputError(str(explicit), "no such configuration file")
    return config.load(path) if path else Config()


@dataclass(frozen=True)
class Overrides:
    """Settings given on the command line; None means 'as the config file says'."""

    max_regression: str | None = None
    fdr: float | None = None
    min_samples: int | None = None


def resolve_settings(cfg: Config, overrides: Overrides, *, between_runs: bool = False) -> Settings:
    delta = (
        parse_percentage(overrides.max_regression, key="--max-regression")
        if overrides.max_regression is not None
        else cfg.max_regression
    )
    return Settings(
        max_regression=delta,
        fdr=overrides.fdr if overrides.fdr is not None else cfg.fdr,
        confidence=cfg.confidence,
        min_samples=overrides.min_samples if overrides.min_samples is not None else cfg.min_samples,
        between_runs=between_runs,
        run_noise=cfg.run_noise,
        max_error_increase=cfg.max_error_increase,
    )


def make_policy(cfg: Config, today: date) -> Policy:
    return Policy(cfg.budgets, cfg.waivers, today)


def resolve(cfg: Config, patterns: Sequence[str], format_name: str | None) -> list[Resolved]:
    """Which budget, waiver and terms apply to each series of these results."""
    keys = list(dict.fromkeys(s.key for r in read_all(expand(patterns), format_name, sha256=False) for s in r.series))
    rated = {name for name, metric in keys if metric in COUNTED_RATES}
    policy, settings = Policy(cfg.budgets, cfg.waivers), resolve_settings(cfg, Overrides())
    return [policy.resolve(name, metric, settings, rated=name in rated) for name, metric in keys]


def budget_terms(cfg: Config) -> list[Terms]:
    """Every budget's limits and allowances, for `perfgate config check`."""
    policy, settings = Policy(cfg.budgets, cfg.waivers), resolve_settings(cfg, Overrides())
    return [policy.terms(budget, settings) for budget in cfg.budgets]


def expand(patterns: Sequence[str]) -> list[str]:
    """File names for paths and globs, in a stable order; a pattern matching nothing is an error."""
    paths: list[str] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                raise InputError(pattern, "no files match this pattern")
            paths.extend(matches)
        else:
            paths.append(pattern)
    return list(dict.fromkeys(paths))


STDIN = "-"  # a file argument that means: read standard input
STDIN_LABEL = "<stdin>"


def read_all(
    paths: Sequence[str], format_name: str | None, stdin: BinaryIO | None = None, *, sha256: bool = True
) -> list[ParsedResults]:
    """Parse every file before anything is stored or compared, so one bad file stops the whole job.
    ``-`` reads ``stdin`` (at most once: a stream cannot be read twice). Without ``sha256``, the results are
    for comparing only: they have no file hash to key a stored run with."""
    _stdin_once(paths)
    parsed = []
    for p in paths:
        parsed.append(
            _read_stdin(stdin, format_name, sha256) if p == STDIN else formats.read(p, format_name, sha256=sha256)
        )
        progress.files_done(len(parsed), len(paths))
    return parsed


def _stdin_once(paths: Sequence[str]) -> None:
    """A stream cannot be read twice: '-' may stand for one file of a command, not two."""
    if list(paths).count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")


def _read_stdin(stdin: BinaryIO | None, format_name: str | None, sha256: bool) -> ParsedResults:
    """Standard input, spooled to a temporary file: format detection and streaming readers need a file."""
    if stdin is None:
        raise UsageError("'-' (standard input) is not available here")
    with tempfile.TemporaryDirectory(prefix="perfgate-") as folder:
        spooled = Path(folder, "stdin")
        with open(spooled, "wb") as handle:
            shutil.copyfileobj(stdin, handle, 1024 * 1024)
        try:
            return replace(formats.read(spooled, format_name, sha256=sha256), source=STDIN_LABEL)
        except InputError as exc:
            raise InputError(STDIN_LABEL, exc.problem, where=exc.where) from None


# --- ingest ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    """What the caller knows about the run that the results file may not say."""

    suite: str
    branch: str
    commit: str | None = None
    pr_number: int | None = None
    merge_base: str | None = None
    key: str | None = None  # idempotency key, e.g. CI run id and attempt


@dataclass(frozen=True)
class Ingested:
    source: str
    run_id: int
    created: bool
    commit: str
    series: int


def ingest(
    store: Store, patterns: Sequence[str], info: RunInfo, *, format_name: str | None, now: datetime
) -> list[Ingested]:
    """Store each results file as one run. All files are read first; each run is one transaction."""
    parsed = read_all(expand(patterns), format_name)
    if info.key and len(parsed) > 1:
        raise UsageError("--key names one run; give one results file with it")
    runs = [_run(results, info, now) for results in parsed]
    store.ensure_schema()
    outcome = []
    for results, run in zip(parsed, runs, strict=True):
        stored = store.save_run(run, now)
        outcome.append(Ingested(results.source, stored.run_id, stored.created, stored.existing_commit, len(run.series)))
    return outcome


def ingest_parsed(store: Store, results: ParsedResults, info: RunInfo, *, now: datetime) -> Ingested:
    """Store one already-read results file as a run."""
    run = _run(results, info, now)
    store.ensure_schema()
    stored = store.save_run(run, now)
    return Ingested(results.source, stored.run_id, stored.created, stored.existing_commit, len(run.series))


def _run(results: ParsedResults, info: RunInfo, now: datetime) -> Run:
    keys = [s.key for s in results.series]
    if len(set(keys)) != len(keys):
        name, metric = next(k for k in keys if keys.count(k) > 1)
        raise InputError(results.source, f"series {name!r} (metric {metric!r}) appears twice")
    commit = info.commit or results.commit
    if not commit:
        raise UsageError(f"{results.source}: the file names no commit; give --commit SHA")
    if not (info.key or results.sha256):
        raise RuntimeError(f"{results.source} was read for comparing only (no sha256); it cannot be stored")
    # The same file under the same suite is the same run, whatever else the caller says about it.
    key = info.key or "sha256:" + hashlib.sha256(f"{info.suite}\0{results.sha256}".encode()).hexdigest()
    return Run(
        suite=info.suite,
        branch=info.branch,
        commit=commit,
        pr_number=info.pr_number,
        merge_base=info.merge_base,
        recorded_at=results.recorded_at or now,
        source_format=results.format,
        idempotency_key=key,
        series=results.series,
        environment=results.environment,
    )


# --- compare --------------------------------------------------------------------------------


def compare_files(
    base: Sequence[str],
    head: Sequence[str],
    settings: Settings,
    policy: Policy | None = None,
    format_name: str | None = None,
    stdin: BinaryIO | None = None,
) -> Report:
    """Compare results files with results files; several files per side are pooled (``-``: ``stdin``).

    Files compared this way are taken to come from one CI job. With enough baseline runs the spread of
    their medians is tested too, so the job's own run-to-run noise cannot pass for a regression.
    """
    _stdin_once([*base, *head])
    base_results = read_all(expand(base), format_name, stdin, sha256=False)
    head_results = read_all(expand(head), format_name, stdin, sha256=False)
    between_runs = len(base_results) >= MIN_RUNS_FOR_TAU
    report = evaluate(
        _file_side(base_results),
        _file_side(head_results),
        replace(settings, between_runs=between_runs),
        policy or Policy(),
    )
    _require_common_series(report, "the baseline files")
    env = baseline.environment_warnings([r.environment for r in base_results], [r.environment for r in head_results])
    return replace(report, notes=(*env, *report.notes, *_input_notes(head_results)))


def compare_with_history(
    store: Store,
    head: Sequence[str],
    *,
    suite: str,
    branch: str,
    settings: Settings,
    policy: Policy | None = None,
    baseline_runs: int = DEFAULT_BASELINE_RUNS,
    base_commit: str | None = None,
    repository: Path | None = None,
    format_name: str | None = None,
    stdin: BinaryIO | None = None,
) -> Report:
    """Compare results files with runs of ``branch`` from the store: those at the merge-base and its
    nearest ancestors when the merge-base is known (given, or found with git in ``repository``), else the
    latest. The baseline ran in other CI jobs, so the between-run noise term applies."""
    return compare_parsed_with_history(
        store,
        read_all(expand(head), format_name, stdin, sha256=False),
        suite=suite,
        branch=branch,
        settings=settings,
        policy=policy,
        baseline_runs=baseline_runs,
        base_commit=base_commit,
        repository=repository,
    )


def compare_parsed_with_history(
    store: Store,
    head_results: Sequence[ParsedResults],
    *,
    suite: str,
    branch: str,
    settings: Settings,
    policy: Policy | None = None,
    baseline_runs: int = DEFAULT_BASELINE_RUNS,
    base_commit: str | None = None,
    repository: Path | None = None,
) -> Report:
    _require_history(store, suite, branch)
    if base_commit is None and repository is not None:
        base_commit = vcs.merge_base(repository, branch)
    ancestry = vcs.ancestors(repository, base_commit) if base_commit and repository is not None else None
    choice = baseline.choose(
        _candidates(store, suite, branch, baseline_runs, base_commit, ancestry),
        branch=branch,
        limit=baseline_runs,
        base_commit=base_commit,
        ancestors=ancestry,
    )
    runs = store.load_runs(choice.run_ids)
    side = Side(tuple(_stored_ref(run) for run in runs), tuple(run.series for run in runs))
    report = evaluate(side, _file_side(head_results), replace(settings, between_runs=True), policy or Policy())
    if not runs:
        raise NoBaseline(
            f"no {branch}-branch run of suite {suite!r} at or before the merge-base: nothing was compared",
            fix=f"Record a {branch}-branch run of an ancestor of this commit (perfgate ingest on pushes to {branch})",
        )
    _require_common_series(report, f"the {branch}-branch runs")
    env = baseline.environment_warnings([r.environment for r in runs], [r.environment for r in head_results])
    notes = (f"baseline: {choice.reason}", *choice.warnings, *env)
    return replace(report, notes=(*notes, *report.notes, *_input_notes(head_results)))


def _require_common_series(report: Report, baseline_is: str) -> None:
    """NoBaseline when no series is on both sides and no budget applies: "PASS: 3 new" would be a silent pass."""
    compared = [c for c in report.comparisons if c.verdict not in (Verdict.NEW, Verdict.MISSING) or c.budget]
    if compared or not report.comparisons:
        return
    new = list(dict.fromkeys(c.name for c in report.comparisons if c.verdict is Verdict.NEW))
    missing = list(dict.fromkeys(c.name for c in report.comparisons if c.verdict is Verdict.MISSING))

    def some(names: list[str]) -> str:
        shown = ", ".join(names[:3]) or "none"
        return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")

    raise NoBaseline(
        f"{baseline_is} and the results have no series in common: nothing was compared",
        fix=f"Compare the same benchmarks (same names, format and suite): the results have {some(new)}; "
        f"{baseline_is} have {some(missing)}",
    )


def _require_history(store: Store, suite: str, branch: str) -> None:
    """NoBaseline unless ``branch`` has runs of ``suite``: never a silent pass with nothing compared.

    A SQLite file that does not exist is not created by a read-only compare."""
    if store.absent:
        raise NoBaseline(
            f"no history database at {store.display_url}: nothing was compared",
            fix=f"Record {branch}-branch runs first (perfgate ingest FILE --branch {branch}), or point --db at the history",
        )
    store.ensure_schema()
    recorded = store.branches()
    if any(s == suite and b == branch for s, b, _ in recorded):
        return
    here = [f"{b} ({n} run{'s' if n != 1 else ''})" for s, b, n in recorded if s == suite]
    elsewhere = sorted({s for s, _, _ in recorded if s != suite})
    known = (
        f"suite {suite!r} has runs of: {', '.join(here)}"
        if here
        else f"suite {suite!r} has no runs; recorded suites: {', '.join(map(repr, elsewhere))}"
        if elsewhere
        else "the database holds no runs yet"
    )
    raise NoBaseline(
        f"no {branch}-branch runs of suite {suite!r} in {store.display_url} ({known}): nothing was compared",
        fix=f"Record one on {branch} with: perfgate ingest FILE --branch {branch} --suite {suite}",
    )


def _candidates(
    store: Store, suite: str, branch: str, limit: int, base_commit: str | None, ancestry: Sequence[str] | None
) -> list[RunHeader]:
    """The stored runs worth choosing from: the latest ones, and those at or before the merge-base
    (however old), found through the (suite, commit) and (suite, branch, recorded_at) indexes."""
    found = {h.id: h for h in store.run_headers(suite, branch, limit=limit)}
    if base_commit is not None and ancestry:
        found.update((h.id, h) for h in store.run_headers(suite, branch, commits=ancestry))
    elif base_commit is not None:
        at_base = store.run_headers(suite, branch, commit_prefix=base_commit, limit=1)
        if at_base:
            found.update(
                (h.id, h) for h in store.run_headers(suite, branch, before=at_base[0].recorded_at, limit=limit)
            )
    return sorted(found.values(), key=lambda h: (h.recorded_at, h.id), reverse=True)


def _input_notes(results: Sequence[ParsedResults]) -> list[str]:
    """What the candidate's own files say went wrong: failed benchmarks, failed tool thresholds."""
    notes = []
    for r in results:
        notes += [f"{r.source}: {name} failed and was not measured ({message})" for name, message in r.failures]
        notes += [f"{r.source}: {note}" for note in r.notes]
    return notes


def _file_side(results: Sequence[ParsedResults]) -> Side:
    refs = tuple(RunRef(r.source, r.commit, r.recorded_at) for r in results)
    return Side(refs, tuple(r.series for r in results))


def _stored_ref(run: Run) -> RunRef:
    label = f"{run.branch}@{run.commit[:12]} (run {run.id}, {run.recorded_at:%Y-%m-%d %H:%M} UTC)"
    return RunRef(label, run.commit, run.recorded_at, run.id)


# --- history and pruning --------------------------------------------------------------------


def history(store: Store, name: str, *, suite: str, branch: str, metric: str | None, limit: int) -> History | None:
    """The newest runs' statistics of one series; an unknown name or an ambiguous metric is an error."""
    store.ensure_schema()
    metrics = store.metrics_of(suite, name)
    if not metrics:
        raise InputError(name, f"no series of this name is recorded in suite {suite!r}")
    if metric is None:
        if len(metrics) > 1 and "time" not in metrics:
            raise UsageError(f"{name!r} has several metrics ({', '.join(metrics)}); choose one with --metric")
        metric = "time" if "time" in metrics else metrics[0]
    elif metric not in metrics:
        raise InputError(name, f"no metric {metric!r}; recorded metrics: {', '.join(metrics)}")
    return store.series_history(suite, branch, name, metric, limit)


def prune(store: Store, *, keep_days: int | None, keep_runs: int | None, suite: str | None, now: datetime) -> Pruned:
    """Drop raw samples of runs older than ``keep_days`` or beyond the newest ``keep_runs`` per branch."""
    if (keep_days is None) == (keep_runs is None):
        raise UsageError("give one of --keep-days or --keep-runs")
    store.ensure_schema()
    older_than = now - timedelta(days=keep_days) if keep_days is not None else None
    return store.prune(older_than=older_than, keep_runs=keep_runs, suite=suite)


# --- export and import ----------------------------------------------------------------------


def export(store: Store, out: TextIO, *, since: datetime | None = None, suite: str | None = None) -> int:
    """Write every run (oldest first) as one JSON line; returns how many."""
    store.ensure_schema()
    count = 0
    for run in store.iter_runs(since=since, suite=suite):
        out.write(exchange.dump(run) + "\n")
        count += 1
    return count


@dataclass(frozen=True)
class Imported:
    source: str
    added: int
    skipped: int


def import_runs(store: Store, paths: Sequence[str], now: datetime) -> list[Imported]:
    """Import export files; each file is read and checked whole, then stored in one transaction."""
    parsed = [(path, _read_export(path)) for path in paths]
    store.ensure_schema()
    outcome = []
    for path, runs in parsed:
        stored = store.save_runs(runs, now)
        added = sum(1 for s in stored if s.created)
        outcome.append(Imported(path, added, len(stored) - added))
    return outcome


def _read_export(path: str) -> list[Run]:
    try:
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror}") from None
    with handle:
        runs = [exchange.load(line, path, number) for number, line in enumerate(handle, 1) if line.strip()]
    return runs


# --- output ---------------------------------------------------------------------------------


def write_output(path: Path, text: str | bytes) -> None:
    """Write a report atomically: a failure never leaves a half-written file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its files are 0600; created with 0666 the umask gives a report the usual permissions.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- the weekly digest ----------------------------------------------------------------------

CONTEXT_RUNS = 30  # runs before the period that change points and noise are judged against


@dataclass(frozen=True)
class DigestRequest:
    days: int = 7
    suites: tuple[str, ...] = ()  # all suites when empty
    repository: str | None = None  # owner/name, for links to commits and pull requests
    server: str = "https://github.com"
    site_url: str | None = None  # the published history site, for links to each series' page


def build_digest(store: Store, cfg: Config, request: DigestRequest, *, now: datetime) -> digest.Digest:
    """The period's findings over every (or the chosen) suite's main-branch history."""
    if request.days < 1:
        raise UsageError("--days must be at least 1")
    start = now - timedelta(days=request.days)
    suites = _known_suites(store, request.suites)
    loaded = [_load(store, suite, cfg.main_branch, start, now, since=start) for suite in suites]
    return _digest(
        cfg, [h for found in loaded for h in found.digest], [d for found in loaded for d in found.decisions], start, now
    )


def _known_suites(store: Store, asked: tuple[str, ...]) -> tuple[str, ...]:
    if store.current_revision() is None:
        raise StoreError(
            f"no history in {store.display_url} yet: record main-branch runs with 'perfgate gate' or "
            "'perfgate ingest FILE --branch main' first (or give --db)"
        )
    store.ensure_schema()
    known = tuple(store.suites())
    unknown = [s for s in asked if s not in known]
    if unknown:
        raise UsageError(
            f"no runs of suite {', '.join(map(repr, unknown))}; recorded suites: {', '.join(known) or 'none'}"
        )
    return asked or known


def _digest(
    cfg: Config, histories: list[History], decisions: list[GateDecision], start: datetime, end: datetime
) -> digest.Digest:
    from perfgate.history import digest

    options = digest.Options(max_regression=cfg.max_regression, fdr=cfg.fdr, baseline_runs=cfg.baseline_runs)
    return digest.build(histories, decisions, Policy(cfg.budgets, cfg.waivers), start=start, end=end, options=options)


@dataclass(frozen=True)
class _Loaded:
    """One suite's histories, loaded once: the digest's view (the week and its context runs) and the site's
    (every run since the site's start)."""

    digest: list[History]
    site: list[History]
    decisions: list[GateDecision]


def _load(store: Store, suite: str, branch: str, week_start: datetime, end: datetime, *, since: datetime) -> _Loaded:
    """The runs of [min(since, week_start), end] and the CONTEXT_RUNS runs before the week, read in one query."""
    period = store.run_headers(suite, branch, since=min(since, week_start), before=end, limit=10_000)
    context = store.run_headers(suite, branch, before=week_start - timedelta(microseconds=1), limit=CONTEXT_RUNS)
    headers = {h.id: h for h in period + context}
    order = {run_id: i for i, run_id in enumerate(sorted(headers, key=lambda i: (headers[i].recorded_at, i)))}
    rows = sorted(store.statistics(list(headers)), key=lambda row: order[row[0]])  # oldest run first
    points: dict[tuple[str, str], list[Point]] = {}
    first: dict[tuple[str, str], Series] = {}
    for run_id, pr_number, series in rows:
        run = headers[run_id]
        first.setdefault(series.key, series)
        points.setdefault(series.key, []).append(Point(run.commit, run.recorded_at, series.summary, pr_number, run_id))
    histories = [
        History(suite, s.name, s.metric, s.unit, s.direction, s.kind, tuple(points[key])) for key, s in first.items()
    ]
    weekly = {h.id for h in period if h.recorded_at >= week_start} | {h.id for h in context}
    shown = {h.id for h in period if h.recorded_at >= since}
    decisions = store.gate_decisions(suite, since=min(since, week_start), until=end)
    return _Loaded(
        [v for h in histories if (v := h.of_runs(weekly)).points],
        [v for h in histories if (v := h.of_runs(shown)).points],
        decisions,
    )


# --- the history site -----------------------------------------------------------------------


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


def build_site(store: Store, cfg: Config, request: SiteRequest, *, now: datetime) -> SiteOutcome:
    """Write the static history site: the week's findings (the digest's) and a page per series of main."""
    from perfgate.history import site
    from perfgate.render import digest as digest_render
    from perfgate.render import site as site_render

    if request.days < 1:
        raise UsageError("--days must be at least 1")
    if request.branch is not None:
        cfg = replace(cfg, main_branch=request.branch)
    week_start, start = now - timedelta(days=7), now - timedelta(days=request.days)
    loaded = [
        _load(store, suite, cfg.main_branch, week_start, now, since=start)
        for suite in _known_suites(store, request.suites)
    ]
    week_decisions = [d for found in loaded for d in found.decisions if d.recorded_at >= week_start]
    found = _digest(cfg, [h for f in loaded for h in f.digest], week_decisions, week_start, now)
    built = site.build(
        [h for f in loaded for h in f.site],
        [d for f in loaded for d in f.decisions if d.recorded_at >= start],
        Policy(cfg.budgets, cfg.waivers),
        found,
        generated_at=now,
        days=request.days,
        max_regression=cfg.max_regression,
        branch=cfg.main_branch,
    )
    name = request.repository or ", ".join(found.suites) or "perfgate"
    links = digest_render.Links(request.repository, request.server) if request.repository else None
    try:
        written = site_render.write(built, request.out, name=name, links=links)
    except OSError as exc:
        raise InputError(str(request.out), f"cannot write the site here: {exc.strerror or exc}") from None
    return SiteOutcome(written.pages, written.bytes, len(built.pages), built.suites)


@dataclass(frozen=True)
class Mail:
    """Where the digest goes: a file (.html or .eml), or recipients through an SMTP server."""

    recipients: tuple[str, ...] = ()
    sender: str = "perfgate <perfgate@localhost>"
    smtp_url: str | None = None
    output: Path | None = None
    dry_run: bool = False
    skip_empty: bool = False


@dataclass(frozen=True)
class DigestOutcome:
    digest: digest.Digest
    rendered: digest_render.Rendered | None
    lines: tuple[str, ...]


def send_digest(found: digest.Digest, mail: Mail, request: DigestRequest, *, now: datetime) -> DigestOutcome:
    """Render the digest and write or send it; an empty week with ``skip_empty`` sends nothing."""
    from perfgate.deliver import mail as mail_delivery
    from perfgate.render import digest as digest_render

    if found.empty and mail.skip_empty:
        return DigestOutcome(found, None, ("nothing to report this period (--skip-empty): no mail sent",))
    for address in (*mail.recipients, mail.sender):
        mail_delivery.check_address(address, "--to" if address in mail.recipients else "--from")
    smtp = None
    if mail.output is None and not mail.dry_run:
        if not mail.recipients:
            raise UsageError("give --to ADDRESS (or --output FILE, or --dry-run)")
        if mail.smtp_url is None:
            raise UsageError(
                "give --smtp-url smtp://user:password@host:587 or set PERFGATE_SMTP_URL (or --output FILE)"
            )
        smtp = mail_delivery.parse_smtp_url(mail.smtp_url)
    name = request.repository or ", ".join(found.suites) or "perfgate"
    links = digest_render.Links(request.repository, request.server) if request.repository else None
    rendered = digest_render.render(found, name=name, links=links, site_url=request.site_url)
    message = mail_delivery.build_message(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        images=rendered.images,
        sender=mail.sender,
        recipients=mail.recipients,
        date=now,
    )
    size = f"{len(rendered.images)} chart{'s' if len(rendered.images) != 1 else ''}"
    if mail.output is not None:
        if mail.output.suffix.lower() == ".eml":
            write_output(mail.output, message.as_bytes())
        elif mail.output.suffix.lower() in (".html", ".htm"):
            _write_html(mail.output, rendered)
        else:
            raise UsageError(f"--output {mail.output}: give a .html or .eml file")
        return DigestOutcome(found, rendered, (f"wrote {mail.output} ({size})",))
    if smtp is None:
        return DigestOutcome(found, rendered, (f"dry run: {rendered.subject!r} ({size}) not sent",))
    attempts = mail_delivery.send(message, smtp)
    retried = f" after {attempts} attempts" if attempts > 1 else ""
    return DigestOutcome(
        found, rendered, (f"sent {rendered.subject!r} to {', '.join(mail.recipients)} via {smtp.display}{retried}",)
    )


def _write_html(path: Path, rendered: digest_render.Rendered) -> None:
    """The HTML part with its charts beside it (NAME-chartN.png) so a browser shows the same page."""
    html = rendered.html
    for cid, png in rendered.images:
        image = path.with_name(f"{path.stem}-{cid}.png")
        write_output(image, png)
        html = html.replace(f'src="cid:{cid}"', f'src="{image.name}"')
    write_output(path, html)


# --- perfgate run: base and head in one job, interleaved rounds judged as pairs --------------


@dataclass(frozen=True)
class RunRequest:
    """``perfgate run``: what to run in each tree, how many rounds, and which commit is the base."""

    command: tuple[str, ...]  # COMMAND [ARG...], after --
    base: str | None = None  # a ref; None: the merge-base of HEAD with the main branch (on it, HEAD~1)
    main_branch: str | None = None  # --against; None: the config's
    rounds: int = DEFAULT_ROUNDS
    setup: str | None = None  # a shell command line, run once in each tree
    results: str | None = None  # the file COMMAND writes, relative to the tree; None: its standard output
    format_name: str | None = None
    overrides: Overrides = Overrides()


def run_job(
    request: RunRequest,
    cfg: Config,
    *,
    cwd: Path,
    env: Mapping[str, str],
    today: date,
    progress: harness.Progress | None = None,
) -> Report:
    """Benchmark the working tree (head) against a commit (base) in interleaved rounds in their own trees, and judge
    round r's head against round r's base. The base's worktree is removed whatever happens; a command that fails is
    CommandFailed, results that cannot be read an InputError naming the round, both as soon as it happens."""
    if request.base is not None and request.main_branch is not None:
        raise UsageError("give --base REF or --against BRANCH, not both")
    if request.rounds < MIN_ROUNDS:
        raise UsageError(
            f"--rounds must be at least {MIN_ROUNDS}, not {request.rounds}: fewer cannot be judged as pairs"
        )
    job = harness.Job(harness.as_command(request.command), request.results)
    settings = resolve_settings(cfg, request.overrides)  # a bad --max-regression fails before any round
    base = harness.resolve_base(cwd, request.base, request.main_branch or cfg.main_branch)
    head = harness.head_commit(cwd)
    dirty = harness.changes(cwd, ignoring=(request.results,) if request.results else ())
    rounds = _RoundResults(request.format_name)
    with harness.checkout(cwd, base.commit) as trees:
        if request.setup:
            harness.set_up(trees, request.setup, env, progress=progress)
        harness.run_rounds(trees, job, request.rounds, env, progress=progress, results=rounds)
    base_side, head_side = rounds.side("base", base.commit), rounds.side("head", None if dirty else head)
    report = evaluate_paired(base_side, head_side, settings, make_policy(cfg, today))
    _require_common_series(report, "the base's rounds")
    said = (f"base: {base.commit[:12]}, {base.chosen}", _head_note(head, dirty), *_odd_rounds_note(request.rounds))
    return replace(report, notes=(*said, *report.notes, *rounds.notes()))


class _RoundResults:
    """Each round's results, read as the round ends (the warm-up's too, only to find errors): a tool whose output
    perfgate cannot read stops the job at its first round, not after the last."""

    def __init__(self, format_name: str | None) -> None:
        self._format = format_name
        self._read: list[tuple[harness.Round, ParsedResults]] = []

    def __call__(self, ran: harness.Round) -> None:
        parsed = formats.read_bytes(ran.data, ran.label, name=ran.file, format_name=self._format)
        if ran.index != harness.WARM_UP:
            self._read.append((ran, parsed))

    def side(self, side: harness.Side, commit: str | None) -> Side:
        """One side's rounds in the order they ran (round 1 first), as the paired test takes them."""
        read = [(ran, parsed) for ran, parsed in self._read if ran.side == side]
        return Side(tuple(RunRef(ran.label, commit) for ran, _ in read), tuple(parsed.series for _, parsed in read))

    def notes(self) -> list[str]:
        """What the tools said went wrong, once per message, with the rounds that said it."""
        said: dict[tuple[str, str], list[str]] = {}
        for ran, parsed in self._read:
            failed = [f"{name} failed and was not measured ({message})" for name, message in parsed.failures]
            for text in (*failed, *parsed.notes):
                said.setdefault((ran.side, text), []).append(str(ran.index))
        return [
            f"{side} round{'s' if len(found) > 1 else ''} {', '.join(found)}: {text}"
            for (side, text), found in said.items()
        ]


def _head_note(commit: str, dirty: harness.Changes) -> str:
    if not dirty:
        return f"head: the working tree, at {commit[:12]} with no uncommitted changes"
    paths = [*dirty.changed, *(f"{path} (untracked)" for path in dirty.untracked)]
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    return f"head: the working tree, at {commit[:12]} with uncommitted changes (not that commit's results): {shown}"


def _odd_rounds_note(rounds: int) -> tuple[str, ...]:
    if rounds % 2 == 0:
        return ()
    return (f"{rounds} rounds: an odd number leaves one round's worth of drift uncancelled (use an even --rounds)",)


def compare_paired(
    base: Sequence[str],
    head: Sequence[str],
    settings: Settings,
    policy: Policy | None = None,
    format_name: str | None = None,
    stdin: BinaryIO | None = None,
) -> Report:
    """Rounds a user ran in their own interleaved loop: the k-th base file beside the k-th head file (a glob's
    matches in sorted order), judged as pairs like ``perfgate run``'s."""
    _stdin_once([*base, *head])
    base_files, head_files = expand(base), expand(head)
    if len(base_files) != len(head_files):
        raise UsageError(
            f"--paired pairs the k-th base file with the k-th head file, but there are {len(base_files)} base "
            f"files ({', '.join(base_files)}) and {len(head_files)} head files ({', '.join(head_files)})"
        )
    base_results = read_all(base_files, format_name, stdin, sha256=False)
    head_results = read_all(head_files, format_name, stdin, sha256=False)
    report = evaluate_paired(_file_side(base_results), _file_side(head_results), settings, policy or Policy())
    _require_common_series(report, "the baseline files")
    env = baseline.environment_warnings([r.environment for r in base_results], [r.environment for r in head_results])
    return replace(report, notes=(*env, *report.notes, *_input_notes(head_results)))
