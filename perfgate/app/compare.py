"""`perfgate compare`, and the Action on a pull request: the candidate's results against a baseline of
results files (one CI job) or of stored runs of a branch (other CI jobs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from perfgate import baseline, vcs
from perfgate.app.config import Overrides, gate_settings, make_policy
from perfgate.app.output import write_output
from perfgate.app.reading import expand, read_all, stdin_once
from perfgate.app.workspace import Workspace
from perfgate.errors import NoBaseline, UsageError
from perfgate.gate import noise
from perfgate.gate.evaluate import evaluate
from perfgate.gate.paired import evaluate_paired
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Side, interval_variance
from perfgate.gate.report import Report, Verdict
from perfgate.gate.settings import Settings
from perfgate.gate.shift import MIN_RUNS_FOR_TAU
from perfgate.model import Direction, ParsedResults, Run, RunHeader, RunRef
from perfgate.units import count

if TYPE_CHECKING:
    from perfgate.store import Store


@dataclass(frozen=True)
class CompareRequest:
    """The baseline is one of: ``against`` a branch's stored runs (``files`` and ``head`` are the candidate),
    ``base`` and ``head`` files, or two ``files`` (base, then head)."""

    workspace: Workspace
    files: tuple[str, ...] = ()
    base: tuple[str, ...] = ()
    head: tuple[str, ...] = ()
    against: str | None = None
    base_commit: str | None = None  # with against: the merge-base; else git finds it in the workdir
    overrides: Overrides = field(default_factory=Overrides)
    format_name: str | None = None
    output: Path | None = None  # also write the report here, as output_format
    output_format: str = "text"
    stdin: BinaryIO | None = None  # what a file argument of '-' reads
    paired: bool = False  # base and head files are interleaved rounds, the k-th of each a pair


def compare(request: CompareRequest) -> Report:
    """Compare the way the request's arguments say, and write the report file it asks for."""
    from perfgate.render import render

    cfg = request.overrides.applied_to(request.workspace.config())
    settings, policy = gate_settings(cfg), make_policy(cfg, request.workspace.now.date())
    if request.against:
        if request.base or request.paired:
            raise UsageError(
                "give either --against or --base, not both"
                if request.base
                else "--paired compares rounds given as --base PATH|GLOB and --head PATH|GLOB, and no others"
            )
        store = request.workspace.store()
        head = read_all(expand([*request.files, *request.head]), request.format_name, request.stdin, sha256=False)
        report = compare_with_history(
            store,
            head,
            suite=cfg.suite,
            branch=request.against,
            settings=settings,
            policy=policy,
            baseline_runs=cfg.baseline_runs,
            base_commit=request.base_commit,
            repository=request.workspace.workdir,
        )
    elif request.paired:
        if request.files or not (request.base and request.head):
            raise UsageError("--paired compares rounds given as --base PATH|GLOB and --head PATH|GLOB, and no others")
        report = compare_paired(request.base, request.head, settings, policy, request.format_name, request.stdin)
    else:
        base, head_files = _file_sides(request)
        report = compare_files(base, head_files, settings, policy, request.format_name, request.stdin)
    if request.output is not None:
        write_output(request.output, render(report, request.output_format))
    return report


def _file_sides(request: CompareRequest) -> tuple[Sequence[str], Sequence[str]]:
    """The baseline and candidate files: --base and --head, or BASE HEAD."""
    if request.base or request.head:
        if request.files or not (request.base and request.head):
            raise UsageError("with --base and --head, give both and no other file arguments")
        return request.base, request.head
    if len(request.files) == 2:
        return request.files[:1], request.files[1:]
    hint = (
        f"; {len(request.files)} files were given: a glob the shell expanded? Quote it (--base 'base/*.json' "
        "--head 'head/*.json') so that perfgate reads it as one pattern"
        if len(request.files) > 2
        else ""
    )
    raise UsageError(f"give BASE HEAD, or --base and --head, or HEAD --against BRANCH{hint}")


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
    stdin_once([*base, *head])
    base_results = read_all(expand(base), format_name, stdin, sha256=False)
    head_results = read_all(expand(head), format_name, stdin, sha256=False)
    between_runs = len(base_results) >= MIN_RUNS_FOR_TAU
    report = evaluate(
        _file_side(base_results),
        _file_side(head_results),
        replace(settings, between_runs=between_runs),
        policy or Policy(),
    )
    require_common_series(report, "the baseline files")
    env = baseline.environment_warnings([r.environment for r in base_results], [r.environment for r in head_results])
    return replace(report, notes=(*env, *report.notes, *_input_notes(head_results)))


def compare_with_history(
    store: Store,
    head_results: Sequence[ParsedResults],
    *,
    suite: str,
    branch: str,
    settings: Settings,
    baseline_runs: int,
    policy: Policy | None = None,
    base_commit: str | None = None,
    repository: Path | None = None,
) -> Report:
    """Compare read results with runs of ``branch`` from the store: those at the merge-base and its nearest
    ancestors when the merge-base is known (given, or found with git in ``repository``), else the latest.
    The baseline ran in other CI jobs, so the between-run noise term applies."""
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
    model = _noise_model(store, suite, branch, runs)
    report = evaluate(
        side, _file_side(head_results), replace(settings, between_runs=True), policy or Policy(), noise=model
    )
    if not runs:
        raise NoBaseline(
            f"no {branch}-branch run of suite {suite!r} at or before the merge-base",
            fix=f"Record a {branch}-branch run of an ancestor of this commit (perfgate ingest on pushes to {branch})",
        )
    require_common_series(report, f"the {branch}-branch runs")
    env = baseline.environment_warnings([r.environment for r in runs], [r.environment for r in head_results])
    shallow = (
        "the checkout is shallow (actions/checkout fetches one commit unless told otherwise): perfgate cannot find "
        "the merge-base and its ancestors among main's runs; set fetch-depth: 0 on actions/checkout"
        if repository is not None and choice.reason.startswith("the latest") and vcs.is_shallow(repository)
        else None
    )
    notes = (
        *_copies(head_results, runs),
        f"baseline: {choice.reason}",
        *choice.warnings,
        *([shallow] if shallow else []),
        *env,
    )
    return replace(report, notes=(*notes, *report.notes, *_input_notes(head_results)))


def _noise_model(store: Store, suite: str, branch: str, runs: Sequence[Run]) -> noise.SuiteNoise | None:
    """The suite's noise model over the branch's runs up to the newest baseline run (statistics only)."""
    if not runs:
        return None
    newest = max(runs, key=lambda r: (r.recorded_at, r.id or 0))
    headers = store.run_headers(suite, branch, before=newest.recorded_at, limit=noise.WINDOW_RUNS)
    if len(headers) < noise.WINDOW_MIN_RUNS:
        return None
    order = {h.id: i for i, h in enumerate(reversed(headers))}  # oldest first
    directions = {d.value: d for d in Direction}
    cells = (
        (order[run_id], (name, metric), directions[direction], unit, median, interval_variance(low, high))
        for run_id, name, metric, unit, direction, median, low, high in store.run_medians(list(order))
    )
    return noise.build_from_cells(len(headers), cells, level_runs=len(runs))


def _copies(head_results: Sequence[ParsedResults], runs: Sequence[Run]) -> list[str]:
    """A note for each candidate file identical to a baseline run: it measured nothing of the change (a results
    file restored from main's cache, or committed), whatever the verdict says."""
    notes = []
    for results in head_results:
        copy = baseline.copied_from(results.series, runs)
        if copy is not None:
            notes.append(
                f"{results.source} is identical to {copy.branch}@{copy.commit[:12]} (run {copy.id}): nothing was "
                "measured; run the benchmarks in this job"
            )
    return notes


def require_common_series(report: Report, baseline_is: str) -> None:
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
        f"{baseline_is} and the results have no series in common",
        fix=f"Compare the same benchmarks (same names, format and suite): the results have {some(new)}; "
        f"{baseline_is} have {some(missing)}",
    )


def _require_history(store: Store, suite: str, branch: str) -> None:
    """NoBaseline unless ``branch`` has runs of ``suite``: never a silent pass with nothing compared.

    A read-only compare creates no database: not a SQLite file, not the tables of an empty Postgres schema."""
    if store.absent or store.current_revision() is None:
        where = "no history database at" if store.absent else "no perfgate history in the database at"
        raise NoBaseline(
            f"{where} {store.display_url}",
            fix=f"Record {branch}-branch runs first (perfgate ingest FILE --branch {branch}), or point --db at the history",
        )
    store.ensure_schema()
    recorded = store.branches()
    if any(s == suite and b == branch for s, b, _ in recorded):
        return
    here = [f"{b} ({count(n, 'run')})" for s, b, n in recorded if s == suite]
    elsewhere = sorted({s for s, _, _ in recorded if s != suite})
    known = (
        f"suite {suite!r} has runs of: {', '.join(here)}"
        if here
        else f"suite {suite!r} has no runs; recorded suites: {', '.join(map(repr, elsewhere))}"
        if elsewhere
        else "the database holds no runs yet"
    )
    raise NoBaseline(
        f"no {branch}-branch runs of suite {suite!r} in {store.display_url} ({known})",
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
    stdin_once([*base, *head])
    base_files, head_files = expand(base), expand(head)
    if len(base_files) != len(head_files):
        raise UsageError(
            f"--paired pairs the k-th base file with the k-th head file, but there are {len(base_files)} base "
            f"files ({', '.join(base_files)}) and {len(head_files)} head files ({', '.join(head_files)})"
        )
    base_results = read_all(base_files, format_name, stdin, sha256=False)
    head_results = read_all(head_files, format_name, stdin, sha256=False)
    report = evaluate_paired(_file_side(base_results), _file_side(head_results), settings, policy or Policy())
    require_common_series(report, "the baseline files")
    env = baseline.environment_warnings([r.environment for r in base_results], [r.environment for r in head_results])
    return replace(report, notes=(*env, *report.notes, *_input_notes(head_results)))
