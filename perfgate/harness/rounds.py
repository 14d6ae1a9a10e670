"""The set-up and the rounds: each side's set-up once, a discarded warm-up per side, then N rounds per side in an
order that cancels drift, each round's results kept as bytes for the formats to read.

The order within round r (numbered from 1) is the Thue-Morse sequence: base first when r - 1 has an even number
of one bits, head first otherwise — AB BA BA AB BA AB AB BA … . Every pair of rounds (1-2, 3-4, …) has both orders,
so a drift linear in time adds +d and -d to their head/base differences and cancels; every four rounds cancel a
quadratic drift too, every 2^k rounds one of degree k. An odd N leaves one round's worth of linear drift.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

from perfgate.errors import CommandFailed, ConfigError
from perfgate.harness import process
from perfgate.harness.process import Command
from perfgate.harness.worktree import SIDES, Side, Trees

WARM_UP = 0  # the round number of the warm-up, in PERFGATE_ROUND and in progress


@dataclass(frozen=True)
class Job:
    """What a round runs and where its results are: the command's standard output, or the file ``results``
    (relative to the tree) that it writes."""

    command: Command
    results: str | None = None

    def __post_init__(self) -> None:
        if not self.command:
            raise ConfigError("perfgate run needs a command to run (after --)")
        if self.results is not None:
            path = PurePath(self.results)
            if not self.results or path.is_absolute() or ".." in path.parts:
                raise ConfigError(
                    f"--results {self.results!r} must be a path inside the tree: each side writes its own"
                )


@dataclass(frozen=True)
class Round:
    """One side's results in one round, as the command printed or wrote them."""

    side: Side
    index: int  # from 1, counting on across calls (a confirmation's rounds follow the first ones)
    data: bytes
    seconds: float  # how long the command ran
    file: str  # where the results were: "stdout", or the results path (formats.read_bytes' ``name``)

    @property
    def label(self) -> str:
        """How errors and reports name it (the source of its series): ``base round 3``, ``head warm-up``."""
        return _named(self.side, self.index)


@dataclass(frozen=True)
class Step:
    """Progress, told as each command starts: it is step ``done + 1`` of ``total``."""

    done: int
    total: int
    side: Side
    round: int | None  # None: the set-up; 0: the warm-up
    seconds_left: float | None  # the mean step so far times the steps left, this one included; None at first

    @property
    def what(self) -> str:
        """``base round 3``, ``head warm-up``, ``set-up of base``."""
        return _named(self.side, self.round)


def _named(side: Side, index: int | None) -> str:
    """A step as progress and errors name it."""
    if index is None:
        return f"set-up of {side}"
    return f"{side} warm-up" if index == WARM_UP else f"{side} round {index}"


Progress = Callable[[Step], None]
Results = Callable[[Round], None]  # told of each round's results as they come, the warm-up's included


def schedule(rounds: int, first: int = 1) -> tuple[tuple[int, Side], ...]:
    """The order of the rounds ``first`` … ``first + rounds - 1`` as (round, side), both sides in each round."""
    order: list[tuple[int, Side]] = []
    for index in range(first, first + rounds):
        head_first = (index - 1).bit_count() % 2 == 1
        order += [(index, side) for side in (reversed(SIDES) if head_first else SIDES)]
    return tuple(order)


def set_up(
    trees: Trees,
    command: Command,
    env: Mapping[str, str],
    *,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run the set-up (a build) once in each tree, base first, with PERFGATE_SIDE; its output is only shown when
    it fails (standard output and error together: a build's errors may be on either)."""
    given = {key: value for key, value in env.items() if key != "PERFGATE_ROUND"}
    for done, side in enumerate(SIDES):
        if progress is not None:
            progress(Step(done, len(SIDES), side, None, None))
        step = _named(side, None)
        side_env = {**given, "PERFGATE_SIDE": side}
        finished = _started(step, command, trees.of(side), side_env, side=side, index=None, merged=True, clock=clock)
        if finished.returncode != 0:
            problem = process.exit_problem(finished.returncode)
            raise CommandFailed(step, process.shown(command), problem, tail=process.tail(finished.stdout), side=side)


def run_rounds(
    trees: Trees,
    job: Job,
    rounds: int,
    env: Mapping[str, str],
    *,
    pattern: str | None = None,
    first: int = 1,
    warm_up: bool = True,
    progress: Progress | None = None,
    results: Results | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[Round, ...]:
    """A warm-up per side (unless ``warm_up`` is off), then ``rounds`` rounds per side in the order of ``schedule``,
    numbered from ``first``; the rounds' results in the order they ran. ``pattern`` fills COMMAND's ``{filter}``.
    ``results`` sees every round as it ends, the warm-up too: a reader that raises stops the job at once, not
    after the last round."""
    if rounds < 1:
        raise ConfigError(f"--rounds must be at least 1, not {rounds}")
    command = process.filled(job.command, pattern)
    steps = [(WARM_UP, side) for side in SIDES] if warm_up else []
    steps += schedule(rounds, first)
    kept: list[Round] = []
    spent = 0.0
    for done, (index, side) in enumerate(steps):
        if progress is not None:
            left = spent / done * (len(steps) - done) if done else None
            progress(Step(done, len(steps), side, index, left))
        data, seconds = _round(trees.of(side), job, command, side, index, env, clock)
        spent += seconds
        ran = Round(side, index, data, seconds, job.results or "stdout")
        if results is not None:
            results(ran)
        if index != WARM_UP:
            kept.append(ran)
    return tuple(kept)


def _round(
    tree: Path,
    job: Job,
    command: Command,
    side: Side,
    index: int,
    env: Mapping[str, str],
    clock: Callable[[], float],
) -> tuple[bytes, float]:
    step = _named(side, index)
    written = tree / job.results if job.results is not None else None
    if written is not None:
        _remove_stale(written, step, command, side, index)
    round_env = {**env, "PERFGATE_SIDE": side, "PERFGATE_ROUND": str(index)}
    finished = _started(step, command, tree, round_env, side=side, index=index, merged=False, clock=clock)
    if finished.returncode != 0:
        said = finished.stderr if finished.stderr.strip() else finished.stdout  # `go test` fails on stdout
        problem = process.exit_problem(finished.returncode)
        raise CommandFailed(step, process.shown(command), problem, tail=process.tail(said), side=side, round=index)
    if written is None:
        return finished.stdout, finished.seconds
    if not written.is_file():
        problem = f"exited with status 0 but did not write its results file {job.results}"
        tail = process.tail(finished.stderr)
        raise CommandFailed(step, process.shown(command), problem, tail=tail, side=side, round=index)
    return written.read_bytes(), finished.seconds


def _remove_stale(written: Path, step: str, command: Command, side: Side, index: int) -> None:
    """The results file of an earlier round (or run) goes first: a command that fails to write it is caught, not
    read twice."""
    if written.is_dir() and not written.is_symlink():
        problem = f"cannot run: its results path {written.name} is a directory (perfgate run reads a file per round)"
        raise CommandFailed(step, process.shown(command), problem, side=side, round=index)
    written.unlink(missing_ok=True)


def _started(
    step: str,
    command: Command,
    tree: Path,
    env: Mapping[str, str],
    *,
    side: Side,
    index: int | None,
    merged: bool,
    clock: Callable[[], float],
) -> process.Finished:
    """The command's run; a command that cannot start (no such program) is a failure of its step."""
    finished = process.run(command, tree, env, merge_output=merged, clock=clock)
    if isinstance(finished, OSError):
        problem = f"could not start: {finished.strerror or finished}"
        raise CommandFailed(step, process.shown(command), problem, side=side, round=index)
    return finished
