"""`perfgate run`: the working tree (head) against a commit (base), both benchmarked in one job in interleaved
rounds, each in its own tree, and round r's head judged against round r's base (`perfgate.gate.paired`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from perfgate import formats, harness
from perfgate.app.compare import require_common_series
from perfgate.app.config import Overrides, gate_settings, make_policy
from perfgate.choices import CONFIRM_LOOKS, DEFAULT_ROUNDS
from perfgate.config import Config
from perfgate.errors import InputError, UsageError
from perfgate.formats import filters
from perfgate.gate import confirm
from perfgate.gate.paired import evaluate_paired
from perfgate.gate.policy import Policy
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report
from perfgate.gate.rules import Acceptance
from perfgate.gate.settings import Settings
from perfgate.model import ParsedResults, RunRef
from perfgate.stats import sequential
from perfgate.stats.paired import MIN_ROUNDS
from perfgate.units import format_duration


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
    overrides: Overrides = field(default_factory=Overrides)
    confirm: bool = False  # more rounds for the series in doubt, at looks fixed in advance
    max_rounds: int | None = None  # the last look; None: CONFIRM_LOOKS times rounds
    time_budget: float | None = None  # seconds the whole job may take before no more batch is started
    base_why: str | None = None  # how the caller chose ``base``, for the report ("the pull request's base …")

    @property
    def looks(self) -> tuple[int, ...]:
        """The rounds after which the series are judged: (10, 20, 30) by default with --confirm, (N,) without."""
        if not self.confirm:
            return (self.rounds,)
        most = self.max_rounds if self.max_rounds is not None else CONFIRM_LOOKS * self.rounds
        return sequential.schedule(self.rounds, most)


def run_job(
    request: RunRequest,
    cfg: Config,
    *,
    cwd: Path,
    env: Mapping[str, str],
    today: date,
    progress: harness.Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    heard: Callable[[harness.Round, ParsedResults], None] | None = None,
    accepted: Acceptance | None = None,
) -> Report:
    """Benchmark the working tree (head) against a commit (base) in interleaved rounds in their own trees, and judge
        round r's head against round r's base. The base's worktree is removed whatever happens; a command that fails is
        CommandFailed, results that cannot be read an InputError naming the round, both as soon as it happens. ``heard``
        is told of each round's results as read (the warm-ups' included), for a caller that keeps them; ``accepted``: the
    pull request's accept label (the Action's mode ab), which waives its failing verdicts."""
    if request.base is not None and request.main_branch is not None:
        raise UsageError("give --base REF or --against BRANCH, not both")
    if request.rounds < MIN_ROUNDS:
        raise UsageError(
            f"--rounds must be at least {MIN_ROUNDS}, not {request.rounds}: fewer cannot be judged as pairs"
        )
    _check_confirm(request)
    started = clock()
    job = harness.Job(harness.as_command(request.command), request.results)
    cfg = request.overrides.applied_to(cfg)  # a bad --max-regression fails before any round
    settings = gate_settings(cfg)
    base = harness.resolve_base(cwd, request.base, request.main_branch or cfg.main_branch)
    head = harness.head_commit(cwd)
    dirty = harness.changes(cwd, ignoring=(request.results,) if request.results else ())
    rounds = _RoundResults(request.format_name, heard)
    with harness.checkout(cwd, base.commit) as trees:
        if request.setup:
            harness.set_up(trees, request.setup, env, progress=progress)
        rounds_started = clock()
        harness.run_rounds(trees, job, request.rounds, env, progress=progress, results=rounds, clock=clock)
        sides = (base.commit, None if dirty else head)
        if request.confirm:
            confirming = _Confirming(request, job, settings, make_policy(cfg, today, accepted), started, clock)
            report = confirming.run(trees, env, rounds, sides, progress, rounds_started)
    if not request.confirm:
        base_side, head_side = rounds.side("base", sides[0]), rounds.side("head", sides[1])
        report = evaluate_paired(base_side, head_side, settings, make_policy(cfg, today, accepted))
    require_common_series(report, "the base's rounds")
    said = (
        f"base: {base.commit[:12]}, {request.base_why or base.chosen}",
        _head_note(head, dirty),
        *_odd_rounds_note(request.rounds),
    )
    return replace(report, notes=(*said, *report.notes, *rounds.notes()))


def _check_confirm(request: RunRequest) -> None:
    if not request.confirm:
        if request.max_rounds is not None or request.time_budget is not None:
            raise UsageError("--max-rounds and --time-budget limit --confirm: give --confirm too")
        return
    if request.max_rounds is not None and request.max_rounds < request.rounds:
        raise UsageError(
            f"--max-rounds must be at least --rounds ({request.rounds}), not {request.max_rounds}: "
            "it is the most rounds a series in doubt may get, the first ones included"
        )
    if request.time_budget is not None and request.time_budget <= 0:
        raise UsageError(f"--time-budget must be a positive duration, not {request.time_budget:g} s")


class _Confirming:
    """The batches of ``--confirm``: after each look, the next batch of rounds for the series in doubt (only them when
    COMMAND has a ``{filter}`` placeholder), until none is in doubt, the last look, or the time budget."""

    def __init__(
        self,
        request: RunRequest,
        job: harness.Job,
        settings: Settings,
        policy: Policy,
        started: float,
        clock: Callable[[], float],
    ) -> None:
        self._request, self._job, self._settings, self._policy = request, job, settings, policy
        self._plan = sequential.plan(request.looks, settings.fdr)
        self._started, self._clock = started, clock

    def run(
        self,
        trees: harness.Trees,
        env: Mapping[str, str],
        rounds: _RoundResults,
        commits: tuple[str, str | None],
        progress: harness.Progress | None,
        rounds_started: float,
    ) -> Report:
        """The looks after the first rounds (which started at ``rounds_started``, after the set-up)."""
        said: list[str] = []
        batch_started, batch_rounds = rounds_started, self._request.rounds + 1  # the warm-up ran too
        look = self._judge(rounds, commits, None)
        while look.doubtful and not look.last:
            seconds_per_round = (self._clock() - batch_started) / batch_rounds
            if (stop := self._over_budget(look.next_rounds * seconds_per_round)) is not None:
                said.append(stop)
                break
            pattern = self._pattern(look.doubtful, rounds.formats(), said)
            batch_started, batch_rounds = self._clock(), look.next_rounds
            harness.run_rounds(
                trees,
                self._job,
                look.next_rounds,
                env,
                pattern=pattern,
                first=look.rounds + 1,
                warm_up=False,
                progress=progress,
                results=rounds,
                clock=self._clock,
            )
            look = self._judge(rounds, commits, look)
        report = confirm.finished(look)
        return replace(report, notes=(*report.notes, *said))

    def _judge(
        self, rounds: _RoundResults, commits: tuple[str, str | None], before: confirm.Look | None
    ) -> confirm.Look:
        base, head = rounds.side("base", commits[0]), rounds.side("head", commits[1])
        return confirm.judge(base, head, self._settings, self._policy, self._plan, before)

    def _over_budget(self, next_batch: float) -> str | None:
        """Why the next batch is not started, when it would end after the time budget."""
        budget = self._request.time_budget
        if budget is None:
            return None
        used = self._clock() - self._started
        if used + next_batch <= budget:
            return None
        return (
            f"confirm: --time-budget {format_duration(budget)} stopped it: the next batch would take about "
            f"{format_duration(next_batch)} (at the pace of the last rounds) and {format_duration(used)} were used"
        )

    def _pattern(self, names: tuple[str, ...], formats_read: set[str], said: list[str]) -> str | None:
        """What fills COMMAND's ``{filter}`` for the next batch (None: its default, every benchmark), and a note
        the first time a batch cannot be narrowed."""
        if not harness.takes_filter(self._job.command):
            _once(
                said,
                "confirm: COMMAND has no {filter} placeholder: its extra rounds ran every benchmark, and "
                "only the results of the series in doubt were used",
            )
            return None
        tool = next(iter(formats_read)) if len(formats_read) == 1 else ""
        found = filters.pattern(tool, names)
        if found is None:
            what = tool or "a mix of formats"
            _once(
                said,
                f"confirm: {what} cannot be told to run only some benchmarks: its extra rounds ran every "
                "benchmark, and only the results of the series in doubt were used",
            )
        return found


def _once(notes: list[str], text: str) -> None:
    if text not in notes:
        notes.append(text)


class _RoundResults:
    """Each round's results, read as the round ends (the warm-up's too, only to find errors): a tool whose output
    perfgate cannot read stops the job at its first round, not after the last."""

    def __init__(
        self, format_name: str | None, heard: Callable[[harness.Round, ParsedResults], None] | None = None
    ) -> None:
        self._format = format_name
        self._heard = heard
        self._read: list[tuple[harness.Round, ParsedResults]] = []

    def __call__(self, ran: harness.Round) -> None:
        if ran.file == "stdout" and not ran.data.strip():
            raise InputError(
                ran.label,
                "the command printed nothing on its standard output, where perfgate reads its results: make it "
                "print them (as `go test -bench` does), or give --results FILE for a tool that writes a file "
                "(hyperfine --export-json FILE)",
            )
        parsed = formats.read_bytes(ran.data, ran.label, name=ran.file, format_name=self._format)
        if self._heard is not None:
            self._heard(ran, parsed)
        if ran.index != harness.WARM_UP:
            self._read.append((ran, parsed))

    def formats(self) -> set[str]:
        """The formats the rounds' results were read as."""
        return {parsed.format for _, parsed in self._read}

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
