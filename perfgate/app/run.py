"""`perfgate run`: the working tree (head) against a commit (base), both benchmarked in one job in interleaved
rounds, each in its own tree, and round r's head judged against round r's base (`perfgate.gate.paired`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from perfgate import formats, harness
from perfgate.app.compare import require_common_series
from perfgate.app.config import Overrides, gate_settings, make_policy
from perfgate.choices import DEFAULT_ROUNDS
from perfgate.config import Config
from perfgate.errors import UsageError
from perfgate.gate.paired import evaluate_paired
from perfgate.gate.pooling import Side
from perfgate.gate.report import Report
from perfgate.model import ParsedResults, RunRef
from perfgate.stats.paired import MIN_ROUNDS


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
    base_why: str | None = None  # how the caller chose ``base``, for the report ("the pull request's base …")


def run_job(
    request: RunRequest,
    cfg: Config,
    *,
    cwd: Path,
    env: Mapping[str, str],
    today: date,
    progress: harness.Progress | None = None,
    heard: Callable[[harness.Round, ParsedResults], None] | None = None,
) -> Report:
    """Benchmark the working tree (head) against a commit (base) in interleaved rounds in their own trees, and judge
    round r's head against round r's base. The base's worktree is removed whatever happens; a command that fails is
    CommandFailed, results that cannot be read an InputError naming the round, both as soon as it happens. ``heard``
    is told of each round's results as read (the warm-ups' included), for a caller that keeps them."""
    if request.base is not None and request.main_branch is not None:
        raise UsageError("give --base REF or --against BRANCH, not both")
    if request.rounds < MIN_ROUNDS:
        raise UsageError(
            f"--rounds must be at least {MIN_ROUNDS}, not {request.rounds}: fewer cannot be judged as pairs"
        )
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
        harness.run_rounds(trees, job, request.rounds, env, progress=progress, results=rounds)
    base_side, head_side = rounds.side("base", base.commit), rounds.side("head", None if dirty else head)
    report = evaluate_paired(base_side, head_side, settings, make_policy(cfg, today))
    require_common_series(report, "the base's rounds")
    said = (
        f"base: {base.commit[:12]}, {request.base_why or base.chosen}",
        _head_note(head, dirty),
        *_odd_rounds_note(request.rounds),
    )
    return replace(report, notes=(*said, *report.notes, *rounds.notes()))


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
        parsed = formats.read_bytes(ran.data, ran.label, name=ran.file, format_name=self._format)
        if self._heard is not None:
            self._heard(ran, parsed)
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
